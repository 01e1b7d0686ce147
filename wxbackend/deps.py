"""Typed dependency aliases for routes: the edge owns the unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.config import Settings
from wxbackend.db import session_scope
from wxbackend.security.pii import Vault
from wxbackend.store import Store


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    # scope="function" below: the commit happens before the response is sent, so a
    # failed commit can never be reported to the user as success.
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


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
VaultDep = Annotated[Vault, Depends(get_vault)]
