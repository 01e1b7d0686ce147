"""A fictional, deterministic provident fund centre in Chengdu for trying the product."""

from __future__ import annotations

from wxbackend.demo.generate import (
    DEFAULT_ACCOUNTS,
    DEFAULT_SEED,
    DOCS_PATH,
    DemoSummary,
    generate_demo,
)
from wxbackend.demo.identities import IDENTITIES, DemoIdentity, Scenario

__all__ = [
    "DEFAULT_ACCOUNTS",
    "DEFAULT_SEED",
    "DOCS_PATH",
    "IDENTITIES",
    "DemoIdentity",
    "DemoSummary",
    "Scenario",
    "generate_demo",
]
