"""Issued deposit certificates: the facts as certified, found by their code's hash."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from wxbackend.db import Base, UTCDateTime, utcnow


class DepositCertificate(Base):
    """One certificate, found by the keyed hash (HMAC-SM3) of its verification code; the
    code itself is sealed (SM4-GCM) so its holder can download the PDF again."""

    __tablename__ = "deposit_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_enc: Mapped[bytes] = mapped_column(LargeBinary)
    pii_key_id: Mapped[str] = mapped_column(String(16))
    account_id: Mapped[int] = mapped_column(ForeignKey("fund_account.id"), index=True)
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    # The facts as certified on the issue day (masked name and ID, employer, status, base,
    # ratios, monthly amount, paid-up-to month, balance): the PDF and verify page show them.
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(200))
