"""The audit trail: who did what, when, through which channel, and how it ended.

Events are buffered during a unit of work and written afterwards in a transaction of
their own, so a refused attempt is recorded even though the request's work rolls back
(and SQLite's single writer is never asked to serve two transactions at once).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wxbackend.audit.models import AuditEvent, AuditOutcome
from wxbackend.db import session_scope
from wxbackend.enums import Channel

log = structlog.get_logger(__name__)


class AuditTrail:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self._pending: list[AuditEvent] = []
        self._after: list[Callable[[AsyncSession], Awaitable[object]]] = []

    def after(self, write: Callable[[AsyncSession], Awaitable[object]]) -> None:
        """Write something more with the events, kept even if the request's work rolls back.

        For a consequence of a refusal (the "password locked" notice): the refusal's own
        transaction is rolled back, this one is not.
        """
        self._after.append(write)

    def record(
        self,
        action: str,
        outcome: AuditOutcome,
        *,
        channel: Channel | None = None,
        openid: str | None = None,
        staff_actor: str | None = None,
        account_id: int | None = None,
        reason: str | None = None,
    ) -> None:
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        self._pending.append(
            AuditEvent(
                action=action,
                outcome=outcome,
                channel=channel.value if channel else None,
                openid=openid,
                staff_actor=staff_actor,
                account_id=account_id,
                reason=reason,
                request_id=request_id,
            )
        )
        log.info("audit", action=action, outcome=outcome.value, reason=reason)

    async def flush(self) -> None:
        """Write the buffered events; called by the edge after its unit of work ends."""
        if not self._pending and not self._after:
            return
        events, self._pending = self._pending, []
        writes, self._after = self._after, []
        async with session_scope(self._sessionmaker) as session:
            session.add_all(events)
            for write in writes:
                await write(session)
