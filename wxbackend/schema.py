"""Migration control: upgrade, and whether a database is at the code's head revision.

Every worker checks the revision at start and on each /readyz, so that check reads the
revision files and the `alembic_version` table itself: importing Alembic cost a web
worker ~9 MB of memory and ~0.5 s of its start (bench/README.md, issue #18), and only
`wxbackend db upgrade` (and the tests) need it; there it is imported on use.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _revision_of(path: Path) -> tuple[str, tuple[str, ...]] | None:
    """A migration file's `revision` and its `down_revision`(s), as Alembic reads them."""
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text("utf-8")).body:
        target: ast.expr
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            found[target.id] = ast.literal_eval(value)
    revision, down = found.get("revision"), found.get("down_revision")
    if not isinstance(revision, str):
        return None  # not a migration (the package's __init__)
    if down is None:
        return revision, ()
    if isinstance(down, str):
        return revision, (down,)
    if isinstance(down, tuple | list):
        return revision, tuple(str(d) for d in down)
    raise RuntimeError(f"{path.name}: down_revision {down!r}")


@cache
def head_revision() -> str | None:
    """The one revision no other revises (Alembic's `get_current_head`)."""
    files = sorted((MIGRATIONS_DIR / "versions").glob("*.py"))
    revisions = [found for path in files if (found := _revision_of(path)) is not None]
    revised = {down for _revision, downs in revisions for down in downs}
    heads = [revision for revision, _downs in revisions if revision not in revised]
    if len(heads) > 1:
        raise RuntimeError(f"several migration heads: {sorted(heads)}")
    return heads[0] if heads else None


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision` (blocking; run from the CLI or a thread)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def _current(connection: Connection) -> str | None:
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()  # noqa: S608
    if len(rows) > 1:
        raise RuntimeError(f"several revisions in {VERSION_TABLE}: {[r[0] for r in rows]}")
    return str(rows[0][0]) if rows else None


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


async def is_current(engine: AsyncEngine) -> bool:
    return await current_revision(engine) == head_revision()
