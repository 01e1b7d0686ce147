"""CSV import of a centre's data: employers, accounts, deposits, loans, service points.

Every row is validated first (format, references, duplicates within the file and in the
database); the good rows are then written through the domain services in the caller's
transaction, so the caller's session scope decides: all of them or none.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.importer.accounts import AccountImporter
from wxbackend.importer.base import (
    Importer,
    ImportFileError,
    ImportReport,
    ImportWriteError,
    NoProgress,
    Progress,
    RowError,
    run_import,
)
from wxbackend.importer.deposits import DepositImporter
from wxbackend.importer.employers import EmployerImporter
from wxbackend.importer.loans import LoanImporter
from wxbackend.importer.points import PointImporter
from wxbackend.security.pii import Vault

IMPORTERS: dict[str, type[Importer[object]]] = {
    cls.kind: cls  # type: ignore[misc]
    for cls in (EmployerImporter, AccountImporter, DepositImporter, LoanImporter, PointImporter)
}
KINDS = tuple(IMPORTERS)

__all__ = [
    "KINDS",
    "ImportFileError",
    "ImportReport",
    "ImportWriteError",
    "Progress",
    "RowError",
    "import_csv",
]


async def import_csv(
    session: AsyncSession,
    vault: Vault,
    kind: str,
    source: Path | Iterable[str],
    today: date,
    *,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one CSV (a path, or its lines) of `kind`; the caller commits or rolls back.

    Raises ImportFileError for a file that cannot be read at all, ImportWriteError when a
    validated row fails to write (the caller must then roll back).
    """
    importer_cls = IMPORTERS.get(kind)
    if importer_cls is None:
        raise ImportFileError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    importer = importer_cls(session, vault, today)
    return await run_import(importer, source, progress or NoProgress())
