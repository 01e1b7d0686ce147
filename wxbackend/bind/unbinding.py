"""Unbinding an openid: by the holder (password or face) or at the counter."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.audit.models import AuditOutcome
from wxbackend.audit.trail import AuditTrail
from wxbackend.bind import notices
from wxbackend.bind import repository as repo
from wxbackend.bind.binding import bound_account, verify_password
from wxbackend.bind.context import BindContext
from wxbackend.bind.errors import NotBound
from wxbackend.bind.models import Binding, Purpose, Signing
from wxbackend.enums import Channel


async def unbind_with_password(
    ctx: BindContext, *, channel: Channel, openid: str, password: str
) -> None:
    account = await bound_account(ctx.session, channel=channel, openid=openid)
    await verify_password(
        ctx, account_id=account.id, password=password, channel=channel, openid=openid
    )
    await _unbind(ctx, channel=channel, openid=openid, account_id=account.id)


async def complete_unbind_by_face(ctx: BindContext, signing: Signing) -> None:
    """After a passed face check in an UNBIND procedure."""
    if (
        signing.purpose is not Purpose.UNBIND
        or signing.completed_at is None
        or signing.account_id is None
    ):
        raise NotBound()
    await _unbind(
        ctx, channel=signing.channel, openid=signing.openid, account_id=signing.account_id
    )


async def _unbind(ctx: BindContext, *, channel: Channel, openid: str, account_id: int) -> None:
    binding = await repo.binding_for_openid(ctx.session, channel=channel, openid=openid)
    if binding is None:
        raise NotBound()
    await notices.tell_unbound(ctx.security_notice, ctx.session, binding, by="自助")
    await repo.remove_binding(ctx.session, binding.id)
    ctx.audit.record(
        "binding.unbind", AuditOutcome.OK, channel=channel, openid=openid, account_id=account_id
    )


async def unbind_by_staff(
    session: AsyncSession, *, audit: AuditTrail, staff_actor: str, account_id: int, binding_id: int
) -> Binding:
    """The counter unbinds a lost phone's openid from the account it belongs to."""
    binding = next(
        (b for b in await repo.bindings_for_account(session, account_id) if b.id == binding_id),
        None,
    )
    if binding is None:
        raise NotBound()
    await repo.remove_binding(session, binding.id)
    audit.record(
        "binding.unbind",
        AuditOutcome.OK,
        channel=binding.channel,
        openid=binding.openid,
        staff_actor=staff_actor,
        account_id=account_id,
        reason="counter",
    )
    return binding
