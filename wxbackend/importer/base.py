"""The import framework: read a CSV, validate every row, write the good rows."""

from __future__ import annotations

import csv
import io
from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import ClassVar, Generic, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.errors import DomainError
from wxbackend.importer.fields import RowInvalid
from wxbackend.security.masking import scrub
from wxbackend.security.pii import Vault

T = TypeVar("T")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (missing, not UTF-8, wrong header)."""


class ImportWriteError(Exception):
    """Writing a validated row failed; the caller must roll the transaction back."""

    def __init__(self, line: int, reason: str) -> None:
        self.line = line
        self.reason = reason
        super().__init__(f"line {line}: {reason}")


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    reason: str


@dataclass
class ImportReport:
    kind: str
    imported: int = 0
    rejected: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected


@dataclass(frozen=True, slots=True)
class Row(Generic[T]):
    line: int
    item: T


class Progress(Protocol):
    """Where import_csv reports how far it got (a rich progress bar in the CLI)."""

    def start(self, stage: str, total: int) -> None: ...

    def advance(self, count: int = 1) -> None: ...


class NoProgress:
    def start(self, stage: str, total: int) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass


class Importer(ABC, Generic[T]):
    """One kind of row: its columns, how to parse, check and write it."""

    kind: ClassVar[str]
    required_columns: ClassVar[tuple[str, ...]]
    optional_columns: ClassVar[tuple[str, ...]] = ()

    def __init__(self, session: AsyncSession, vault: Vault, today: date) -> None:
        self.session = session
        self.vault = vault
        self.today = today

    @abstractmethod
    def parse(self, row: dict[str, str]) -> T:
        """Turn one row's cells into an item; raise RowInvalid with the reason."""

    def keys(self, item: T) -> Iterable[tuple[str, Hashable]]:
        """(label, key) pairs that must be unique within the file."""
        return ()

    async def load(self, items: list[T]) -> None:
        """Fetch what `check` needs from the database, once for the whole file."""

    def check(self, item: T) -> None:
        """References and duplicates against the database; raise RowInvalid."""

    @abstractmethod
    async def write(self, item: T) -> None:
        """Write one validated item through the domain service (flush, never commit)."""


def _lines(source: Path | Iterable[str]) -> Iterator[str]:
    if isinstance(source, Path):
        try:
            text = source.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise ImportFileError(f"file not found: {source}") from None
        except UnicodeDecodeError:
            raise ImportFileError("file is not UTF-8 text") from None
        except OSError as exc:
            raise ImportFileError(f"cannot read {source}: {exc.strerror}") from None
        yield from io.StringIO(text, newline="")
        return
    first = True
    for line in source:
        yield line.removeprefix("\ufeff") if first else line
        first = False


def read_rows(
    source: Path | Iterable[str], required: tuple[str, ...], optional: tuple[str, ...]
) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """Rows keyed by column name with their line numbers, and rows of the wrong width."""
    reader = csv.reader(_lines(source))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ImportFileError("file is empty: a header row is required") from None
    except csv.Error as exc:
        raise ImportFileError(f"header is not valid CSV: {exc}") from None
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in required and c not in optional]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if missing or unknown or duplicated:
        problems = []
        if missing:
            problems.append("missing columns: " + ", ".join(missing))
        if unknown:
            problems.append("unknown columns: " + ", ".join(unknown))
        if duplicated:
            problems.append("repeated columns: " + ", ".join(duplicated))
        expected = ",".join(required + optional)
        raise ImportFileError(f"bad header ({'; '.join(problems)}); expected {expected}")
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(reader.line_num, f"not valid CSV: {exc}"))
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            reason = f"expected {len(header)} fields, found {len(cells)}"
            errors.append(RowError(reader.line_num, reason))
            continue
        rows.append((reader.line_num, dict(zip(header, cells, strict=True))))
    return rows, errors


async def run_import(
    importer: Importer[T], source: Path | Iterable[str], progress: Progress
) -> ImportReport:
    """Validate every row, then write all the good ones (in the caller's transaction)."""
    report = ImportReport(kind=importer.kind)
    rows, report.rejected = read_rows(source, importer.required_columns, importer.optional_columns)
    progress.start("validating", len(rows))
    parsed: list[Row[T]] = []
    seen: dict[tuple[str, Hashable], int] = {}
    for line, cells in rows:
        progress.advance()
        try:
            item = importer.parse({k: v or "" for k, v in cells.items()})
            for label, key in importer.keys(item):
                if (label, key) in seen:
                    raise RowInvalid(f"duplicate {label}: same as line {seen[(label, key)]}")
            for label, key in importer.keys(item):
                seen[(label, key)] = line
        except RowInvalid as exc:
            # Reasons quote cells; a shifted column could put an ID number in any of them.
            report.rejected.append(RowError(line, scrub(str(exc))))
            continue
        parsed.append(Row(line, item))
    await importer.load([r.item for r in parsed])
    good: list[Row[T]] = []
    for row in parsed:
        try:
            importer.check(row.item)
        except RowInvalid as exc:
            report.rejected.append(RowError(row.line, scrub(str(exc))))
            continue
        good.append(row)
    report.rejected.sort(key=lambda e: e.line)
    progress.start("writing", len(good))
    for row in good:
        try:
            await importer.write(row.item)
        except Exception as exc:
            # Driver messages may echo row values; only a domain message is safe to show.
            reason = exc.message if isinstance(exc, DomainError) else type(exc).__name__
            raise ImportWriteError(row.line, reason) from exc
        progress.advance()
    report.imported = len(good)
    return report
