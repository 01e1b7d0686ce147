"""Security notices of binding and passwords, written through the app's hook.

bind may not import notify (notify reads bind's bindings), so the app hands notify's
`enqueue_security_notice` to the context; these build the values and the event keys.
The staff counter uses the same values and keys (`unbound_values`, `unbound_key`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.bind.models import Binding, Signing
from wxbackend.enums import Channel
from wxbackend.security.masking import mask_openid

CHANNEL_NAMES = {Channel.OFFICIAL_ACCOUNT: "微信公众号", Channel.MINI_PROGRAM: "微信小程序"}


class SecurityNotice(Protocol):
    """notify.service.enqueue_security_notice: in `session`, once per `dedup_key`."""

    async def __call__(
        self,
        session: AsyncSession,
        *,
        account_id: int,
        kind: str,
        values: Mapping[str, str],
        dedup_key: str,
        link_path: str | None = None,
    ) -> object: ...


def _version(moment: datetime) -> str:
    return f"{moment:%Y%m%d%H%M%S%f}"


def binding_values(binding: Binding) -> dict[str, str]:
    return {
        "channel_name": CHANNEL_NAMES.get(binding.channel, "微信"),
        "wechat_user": mask_openid(binding.openid),
    }


def unbound_values(binding: Binding, *, by: str) -> dict[str, str]:
    return {**binding_values(binding), "by": by}


def unbound_key(binding: Binding) -> str:
    """One unbinding per binding row (its id and when it was made: SQLite reuses ids)."""
    return f"{binding.id}:{_version(binding.bound_at)}"


def password_key(account_id: int, set_at: datetime) -> str:
    """One notice per password set (the credential's `set_at` is its version)."""
    return f"{account_id}:{_version(set_at)}"


async def tell_bound(
    notice: SecurityNotice | None, session: AsyncSession, signing: Signing, binding: Binding
) -> None:
    if notice is not None:
        await notice(
            session,
            account_id=binding.account_id,
            kind="account_bound",
            values=binding_values(binding),
            dedup_key=f"{signing.id}:{binding.id}",
        )


async def tell_unbound(
    notice: SecurityNotice | None, session: AsyncSession, binding: Binding, *, by: str
) -> None:
    if notice is not None:
        await notice(
            session,
            account_id=binding.account_id,
            kind="account_unbound",
            values=unbound_values(binding, by=by),
            dedup_key=unbound_key(binding),
        )


async def tell_password(
    notice: SecurityNotice | None,
    session: AsyncSession,
    *,
    account_id: int,
    set_at: datetime,
    reset: bool,
) -> None:
    """The query password was changed (old one given) or reset (forgot it)."""
    if notice is None:
        return
    if reset:
        await notice(
            session,
            account_id=account_id,
            kind="password_reset",
            values={"how": "自助"},
            dedup_key=password_key(account_id, set_at),
        )
    else:
        await notice(
            session,
            account_id=account_id,
            kind="password_changed",
            values={},
            dedup_key=password_key(account_id, set_at),
            link_path="/h5/password/forgot",
        )
