"""What the binding services need, gathered once per unit of work by the edge."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.audit.trail import AuditTrail
from wxbackend.bind.notices import SecurityNotice
from wxbackend.bind.passwords import Lockout
from wxbackend.config_features import SigningSettings
from wxbackend.faceid.gateway import FaceChannel, FaceVerifier
from wxbackend.security.pii import Vault
from wxbackend.sms import SmsSender
from wxbackend.store import Store


class LockedNotice(Protocol):
    """Writes the "password locked" notice for the account (notify's outbox, in `session`)."""

    async def __call__(
        self, session: AsyncSession, *, account_id: int, unlock_at: str
    ) -> object: ...


@dataclass
class BindContext:
    session: AsyncSession
    store: Store
    vault: Vault
    settings: SigningSettings
    sms: SmsSender
    faces: Mapping[FaceChannel, FaceVerifier]  # by channel: "h5" / "miniprogram"
    audit: AuditTrail
    # Wired by the app (notify is not bind's to import); None: no notice.
    locked_notice: LockedNotice | None = None
    # notify.service.enqueue_security_notice, wired the same way; None: no notice.
    security_notice: SecurityNotice | None = None

    @property
    def lockout(self) -> Lockout:
        return Lockout(
            self.store,
            max_failures=self.settings.password_max_failures,
            lock_s=self.settings.password_lock_s,
        )
