""".env.example lists every setting, and nothing that is not one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from wxbackend.config import Settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"
# A variable line, set or commented out: "WXB_X=1" or "# WXB_X=1".
_LISTED = re.compile(r"^#?\s*(WXB_[A-Z0-9_]+)=", re.MULTILINE)


def _variables(model: type[BaseModel], prefix: str = "WXB_") -> Iterator[str]:
    for name, field in model.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            yield from _variables(kind, f"{prefix}{name.upper()}__")
        else:
            yield f"{prefix}{name.upper()}"


def test_every_setting_is_listed_in_env_example() -> None:
    listed = set(_LISTED.findall(ENV_EXAMPLE.read_text(encoding="utf-8")))
    missing = [name for name in _variables(Settings) if name not in listed]
    assert missing == [], f"add these to .env.example: {missing}"


def test_env_example_lists_no_unknown_variable() -> None:
    known = set(_variables(Settings))
    listed = _LISTED.findall(ENV_EXAMPLE.read_text(encoding="utf-8"))
    assert [name for name in listed if name not in known] == []


def test_env_example_as_a_dot_env_keeps_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text(ENV_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("WXB_HOME", str(tmp_path))
    monkeypatch.setenv("WXB_SERVER__PORT", "18100")
    settings = Settings()
    # Copying the example must not pin the port-following URLs to 8000.
    assert settings.server.public_base_url == "http://127.0.0.1:18100"
    assert settings.bank.base_url == "http://127.0.0.1:18100/sandbox/bank"
    assert settings.database.url == f"sqlite+aiosqlite:///{tmp_path}/var/wxbackend.db"
