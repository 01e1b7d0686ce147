"""Request-scoped dependencies of the binding API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from wxbackend.bind.context import BindContext
from wxbackend.config import Settings
from wxbackend.deps import AuditDep, SessionDep


def bind_context(request: Request, session: SessionDep, audit: AuditDep) -> BindContext:
    settings: Settings = request.app.state.settings
    state = request.app.state
    return BindContext(
        session=session,
        store=state.store,
        vault=state.vault,
        settings=settings.signing,
        sms=state.sms,
        faces=state.face_verifiers,
        audit=audit,
        locked_notice=getattr(state, "locked_notice", None),
        security_notice=getattr(state, "security_notice", None),
    )


BindContextDep = Annotated[BindContext, Depends(bind_context)]
