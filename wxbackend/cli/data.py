"""`wxbackend import` and `wxbackend demo`: loading a centre's data."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from wxbackend import clock
from wxbackend.cli.runtime import load_cli_settings, open_runtime, run
from wxbackend.db import session_scope
from wxbackend.demo import DEFAULT_ACCOUNTS, DEFAULT_SEED, DOCS_PATH, DemoSummary, generate_demo
from wxbackend.importer import KINDS, ImportFileError, ImportReport, ImportWriteError, import_csv

# Exit codes of `wxbackend import`.
EXIT_ALL_IMPORTED = 0
EXIT_SOME_REJECTED = 1
EXIT_NOTHING_IMPORTED = 2

MAX_LISTED_REJECTS = 50


class RichProgress:
    """Adapts rich's progress bar to the importer's Progress protocol."""

    def __init__(self, progress: Progress, kind: str) -> None:
        self._progress = progress
        self._kind = kind
        self._task: TaskID | None = None
        self._total = 0

    def start(self, stage: str, total: int) -> None:
        if self._task is not None:
            self._progress.update(self._task, completed=self._total)
        self._task = self._progress.add_task(f"{self._kind}: {stage}", total=total)
        self._total = total

    def advance(self, count: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, count)


def _write_report(path: Path, report: ImportReport) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["line", "reason"])
        writer.writerows([e.line, e.reason] for e in report.rejected)


def import_file(
    kind: Annotated[str, typer.Argument(help="employers, accounts, deposits, loans or points")],
    path: Annotated[Path, typer.Argument(help="UTF-8 CSV file with a header row")],
    report: Annotated[
        Path | None, typer.Option("--report", help="Write rejected lines to this CSV file.")
    ] = None,
) -> None:
    """Import KIND from a CSV file: all valid rows in one transaction, bad rows reported.

    Exit code 0: every row imported; 1: some rows rejected (the others imported);
    2: nothing imported (unreadable file, wrong header, or a write failed).
    """
    console = Console(stderr=True)
    if kind not in KINDS:
        console.print(f"[red]unknown kind {kind!r}[/]; expected one of {', '.join(KINDS)}")
        raise typer.Exit(EXIT_NOTHING_IMPORTED)
    settings = load_cli_settings()

    async def _import() -> ImportReport:
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
        ) as bar:
            async with open_runtime(settings) as rt, session_scope(rt.sessionmaker) as session:
                return await import_csv(
                    session,
                    rt.vault,
                    kind,
                    path,
                    clock.today_in_china(),
                    progress=RichProgress(bar, kind),
                )

    try:
        result = run(_import())
    except ImportFileError as exc:
        console.print(f"[red]cannot import {path}[/]: {exc}")
        raise typer.Exit(EXIT_NOTHING_IMPORTED) from None
    except ImportWriteError as exc:
        console.print(f"[red]write failed at line {exc.line}[/] ({exc.reason}); nothing imported")
        raise typer.Exit(EXIT_NOTHING_IMPORTED) from None

    typer.echo(f"{kind}: {result.imported} imported, {len(result.rejected)} rejected")
    for error in result.rejected[:MAX_LISTED_REJECTS]:
        typer.echo(f"  line {error.line}: {error.reason}")
    if len(result.rejected) > MAX_LISTED_REJECTS:
        typer.echo(f"  … and {len(result.rejected) - MAX_LISTED_REJECTS} more")
    if report is not None:
        _write_report(report, result)
        typer.echo(f"rejected lines written to {report}")
    if result.rejected:
        raise typer.Exit(EXIT_SOME_REJECTED)


def demo(
    accounts: Annotated[
        int, typer.Option("--accounts", min=10, help="How many accounts to generate.")
    ] = DEFAULT_ACCOUNTS,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed gives the same data.")
    ] = DEFAULT_SEED,
) -> None:
    """Fill an empty database with a fictional centre (does nothing if accounts exist)."""
    settings = load_cli_settings()

    async def _demo() -> DemoSummary | None:
        async with open_runtime(settings) as rt, session_scope(rt.sessionmaker) as session:
            return await generate_demo(
                session, rt.vault, accounts=accounts, seed=seed, today=clock.today_in_china()
            )

    summary = run(_demo())
    if summary is None:
        typer.echo("demo data is already present (accounts exist); nothing changed")
        return
    typer.echo("demo centre generated:")
    typer.echo(str(summary))
    typer.echo(f"demo identities to try the flows with: see {DOCS_PATH}")
