"""Signing progress, bindings and query passwords."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wxbackend.db import Base, UTCDateTime, utcnow
from wxbackend.enums import Channel, stored_enum


class Purpose(enum.StrEnum):
    SIGNING = "signing"  # 签约 and binding
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a secret
    UNBIND = "unbind"  # a new face check instead of the password
    # Account number or ID number + the query password (+ an SMS code when the openid is
    # not known to belong to the holder): binds a second channel without a face check.
    PASSWORD_BIND = "password_bind"  # noqa: S105 - a purpose, not a secret
    # A new face check, then an SMS code to the new number; the old number is told.
    MOBILE_CHANGE = "mobile_change"
    # Mini-program "刷脸登录": name + ID number, then a face check, binds a signed holder.
    FACE_LOGIN = "face_login"


class SigningStep(enum.StrEnum):
    AGREEMENT = "agreement"
    IDENTITY = "identity"
    SMS = "sms"
    FACE = "face"
    PASSWORD = "password"  # noqa: S105 - a step name, not a secret
    BOUND = "bound"


class Signing(Base):
    """One person's way through the verification steps, resumable from where they left.

    The same steps serve signing, password reset (SMS + face) and unbinding by face.
    """

    __tablename__ = "signing"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[Purpose] = mapped_column(stored_enum(Purpose))
    channel: Mapped[Channel] = mapped_column(stored_enum(Channel))
    openid: Mapped[str] = mapped_column(String(64), index=True)
    unionid: Mapped[str | None] = mapped_column(String(64))
    step: Mapped[SigningStep] = mapped_column(stored_enum(SigningStep))
    agreement_version: Mapped[str | None] = mapped_column(String(32))
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    account_id: Mapped[int | None] = mapped_column(ForeignKey("fund_account.id"), index=True)
    identity_matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sms_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    face_provider: Mapped[str | None] = mapped_column(String(16))
    # BizToken (慧眼) or verify_id (微信人脸核身): unique, so one check binds one signing.
    face_ref: Mapped[str | None] = mapped_column(String(128), unique=True)
    face_nonce: Mapped[str | None] = mapped_column(String(64))
    face_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    face_passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Binding(Base):
    """openid ↔ fund account: one per channel per account, one account per openid."""

    __tablename__ = "binding"
    __table_args__ = (
        UniqueConstraint("channel", "openid"),
        UniqueConstraint("account_id", "channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("fund_account.id"), index=True)
    channel: Mapped[Channel] = mapped_column(stored_enum(Channel))
    openid: Mapped[str] = mapped_column(String(64))
    unionid: Mapped[str | None] = mapped_column(String(64), index=True)
    bound_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Credential(Base):
    """An account's 6-digit query password (scrypt hash). Failures are counted in the store."""

    __tablename__ = "credential"

    account_id: Mapped[int] = mapped_column(ForeignKey("fund_account.id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(160))
    # Issued by the centre through the employer agent: must be changed before queries work.
    is_initial: Mapped[bool] = mapped_column(Boolean)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
