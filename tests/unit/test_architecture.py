"""The package boundaries in pyproject.toml ([tool.importlinter]) hold, and would catch a breach.

No import cycles; a domain's repository only from inside that domain; a domain's models
only from the importers its contract lists (see docs/architecture.md).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import grimp
import pytest
from importlinter import api
from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.protected import ProtectedContract
from importlinter.domain.contract import Contract

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
CONTRACT_TYPES: dict[str, type[Contract]] = {
    "acyclic_siblings": AcyclicSiblingsContract,
    "protected": ProtectedContract,
}


def _options() -> list[dict[str, Any]]:
    options: list[dict[str, Any]] = api.read_configuration(str(PYPROJECT))["contracts_options"]
    return options


def _contract(contract_id: str) -> Contract:
    config = api.read_configuration(str(PYPROJECT))
    options = next(o for o in config["contracts_options"] if o.get("id") == contract_id)
    return CONTRACT_TYPES[options["type"]](
        name=options["name"],
        session_options=config["session_options"],
        contract_options=options,
    )


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("wxbackend", cache_dir=None)


def _kept(contract_id: str, graph: grimp.ImportGraph) -> bool:
    return bool(_contract(contract_id).check(copy.deepcopy(graph), verbose=False).kept)


def test_the_package_boundaries_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the report names modules; the config is found from here

    status = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)

    assert status == EXIT_STATUS_SUCCESS, "import contracts broken: see the report above"


def test_every_repository_and_models_module_has_its_contract() -> None:
    guarded: dict[str, list[str]] = {}
    for options in _options():
        if options["type"] == "protected":
            for module in options["protected_modules"]:
                guarded[module] = options["allowed_importers"]
    package = ROOT / "wxbackend"
    for path in sorted(package.glob("*/*repository.py")):  # loan_repository.py too
        module = f"wxbackend.{path.parent.name}.{path.stem}"
        assert guarded.get(module) == [f"wxbackend.{path.parent.name}"], module
    for path in sorted(package.glob("*/models.py")):
        if path.parent.name == "migrations":
            continue
        module = f"wxbackend.{path.parent.name}.models"
        assert module in guarded, f"{module} has no contract naming who may import it"


def test_every_listed_importer_still_imports_what_it_is_allowed(
    graph: grimp.ImportGraph,
) -> None:
    """An allowance nobody uses any more is taken off the list, so the list stays true."""
    for options in _options():
        if options["type"] != "protected":
            continue
        for protected in options["protected_modules"]:
            owner = protected.rsplit(".", 1)[0]
            importers = graph.find_modules_that_directly_import(protected)
            for allowed in options["allowed_importers"]:
                if allowed == owner:
                    continue
                assert allowed in importers, f"{allowed} no longer imports {protected}"


def test_a_reach_into_another_domains_repository_is_caught(graph: grimp.ImportGraph) -> None:
    reached = copy.deepcopy(graph)
    reached.add_import(importer="wxbackend.withdraw.service", imported="wxbackend.fund.repository")

    assert _kept("fund-repository", graph)
    assert not _kept("fund-repository", reached)


def test_an_unlisted_use_of_another_domains_models_is_caught(graph: grimp.ImportGraph) -> None:
    reached = copy.deepcopy(graph)
    reached.add_import(importer="wxbackend.points.service", imported="wxbackend.fund.models")

    assert _kept("fund-models", graph)
    assert not _kept("fund-models", reached)


def test_a_package_cycle_is_caught(graph: grimp.ImportGraph) -> None:
    cycled = copy.deepcopy(graph)
    # h5 imports bind; bind importing h5 back would make the two one tangle.
    cycled.add_import(importer="wxbackend.bind.signing", imported="wxbackend.h5.web")

    assert _kept("acyclic", graph)
    assert not _kept("acyclic", cycled)
