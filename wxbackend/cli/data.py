"""`wxbackend import` and `wxbackend demo`: loading a centre's data."""

from __future__ import annotations

import typer


def import_file(kind: str, path: str) -> None:
    """Import KIND (employers, accounts, deposits, loans, points) from a CSV file."""
    raise typer.Exit(2)


def demo() -> None:
    """Generate a fictional demo centre."""
    raise typer.Exit(2)
