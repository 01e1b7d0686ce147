"""The lock files agree with pyproject.toml and with each other (scripts/lock.sh)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", re.MULTILINE)


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    return {canonicalize_name(name): version for name, version in _PIN.findall(text)}


def _declared() -> tuple[list[Requirement], list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = [Requirement(r) for r in project["dependencies"]]
    test = [Requirement(r) for r in project["optional-dependencies"]["test"]]
    return runtime, test


def _unmet(requirements: list[Requirement], pins: dict[str, str]) -> list[str]:
    """Requirements the lock does not pin, or pins at a version outside their range."""
    return [
        str(r)
        for r in requirements
        if pins.get(canonicalize_name(r.name)) is None
        or not r.specifier.contains(pins[canonicalize_name(r.name)], prereleases=True)
    ]


def test_the_locks_pin_every_declared_dependency_within_its_range() -> None:
    runtime, test = _declared()
    assert _unmet(runtime, _pins("requirements.lock")) == [], "run bash scripts/lock.sh"
    assert _unmet(runtime + test, _pins("requirements-test.lock")) == [], "run scripts/lock.sh"


def test_dev_and_test_installs_pin_the_same_versions() -> None:
    runtime, test = _pins("requirements.lock"), _pins("requirements-test.lock")
    assert {name: (v, test.get(name)) for name, v in runtime.items() if test.get(name) != v} == {}
