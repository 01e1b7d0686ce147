"""The outbox of notices to users, and the mini-program's one-time subscribe consents."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from wxbackend.db import Base, UTCDateTime, utcnow
from wxbackend.enums import stored_enum


class NoticeStatus(enum.StrEnum):
    PENDING = "pending"  # due at next_attempt_at
    QUEUED = "queued"  # handed to the job queue (Redis); lease_until guards a lost message
    SENDING = "sending"  # claimed by one worker until lease_until
    SENT = "sent"
    DEAD = "dead"  # gave up: last_error says why; `wxbackend outbox retry` revives it


class NoticeChannel(enum.StrEnum):
    TEMPLATE = "template"  # official-account template message
    SUBSCRIBE = "subscribe"  # mini-program subscribe message
    SMS = "sms"
    CUSTOM = "custom"  # customer-service text (a callback reply that missed the deadline)


class OutboxNotice(Base):
    """One notice to one account holder, written in the transaction of what it reports."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a late callback reply to a follower who may not be bound (then `openid`).
    account_id: Mapped[int | None] = mapped_column(ForeignKey("fund_account.id"), index=True)
    openid: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    # Display values only (amounts, masked card numbers, reasons): never raw personal data.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    link_path: Mapped[str | None] = mapped_column(String(256))
    # The event reported (kind + the changed row and its version): a producer that runs
    # again for the same event finds it and writes nothing (see service.enqueue_notice).
    dedup_key: Mapped[str | None] = mapped_column(String(96), unique=True)
    status: Mapped[NoticeStatus] = mapped_column(stored_enum(NoticeStatus))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel: Mapped[NoticeChannel | None] = mapped_column(stored_enum(NoticeChannel))
    last_error: Mapped[str | None] = mapped_column(String(300))
    # The template message's msgid; TEMPLATESENDJOBFINISH reports its fate.
    wechat_msgid: Mapped[int | None] = mapped_column(BigInteger, index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(48))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def client_msg_id(self) -> str:
        """WeChat drops a second template message with the same client_msg_id."""
        return f"outbox-{self.id}"


class SubscribeConsent(Base):
    """One-time subscribe-message consents left per mini-program user and template."""

    __tablename__ = "subscribe_consent"
    __table_args__ = (UniqueConstraint("openid", "template_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64))
    template_id: Mapped[str] = mapped_column(String(64))
    remaining: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class SmsPreference(Base):
    """Which notice SMS a holder takes (a missing row: all of them, the default)."""

    __tablename__ = "sms_preference"

    account_id: Mapped[int] = mapped_column(ForeignKey("fund_account.id"), primary_key=True)
    deposit_sms: Mapped[bool] = mapped_column(Boolean, default=True)
    withdrawal_sms: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
