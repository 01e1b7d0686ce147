"""Typed dependency aliases for routes: the edge owns the unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import structlog
from fastapi import Depends, Path, Request
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.audit.trail import AuditTrail
from wxbackend.config import Settings
from wxbackend.db import session_scope
from wxbackend.security.pii import Vault
from wxbackend.store import Store
from wxbackend.wechat.gateway import MiniProgramApi, OfficialAccountApi

log = structlog.get_logger(__name__)


async def get_audit(request: Request) -> AsyncIterator[AuditTrail]:
    """The request's audit buffer, written after the unit of work ends (even on errors)."""
    trail = AuditTrail(request.app.state.sessionmaker)
    try:
        yield trail
    finally:
        try:
            await trail.flush()
        except Exception:
            # The user's work is already committed or rolled back; failing the response
            # now would misreport it. Operators are alerted on this line.
            log.exception("audit.write_failed")


AuditDep = Annotated[AuditTrail, Depends(get_audit, scope="function")]


async def get_session(request: Request, _audit: AuditDep) -> AsyncIterator[AsyncSession]:
    # scope="function" below: the commit happens before the response is sent, so a
    # failed commit can never be reported to the user as success. Depending on the audit
    # buffer makes it outlive this scope: audit events are written after the commit.
    async with session_scope(request.app.state.sessionmaker) as session:
        yield session


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_vault(request: Request) -> Vault:
    vault: Vault = request.app.state.vault
    return vault


def get_official_account(request: Request) -> OfficialAccountApi:
    oa: OfficialAccountApi = request.app.state.wechat_oa
    return oa


def get_mini_program(request: Request) -> MiniProgramApi:
    mp: MiniProgramApi = request.app.state.wechat_mp
    return mp


# A row id in a path: 1 to the largest INTEGER (the id columns' type on PostgreSQL), so
# a larger number is a 422 before any query, never a 500 from the driver.
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]

SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
VaultDep = Annotated[Vault, Depends(get_vault)]
OfficialAccountDep = Annotated[OfficialAccountApi, Depends(get_official_account)]
MiniProgramDep = Annotated[MiniProgramApi, Depends(get_mini_program)]
