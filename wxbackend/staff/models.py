"""The centre's staff who review withdrawals, with their roles."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from wxbackend.db import Base, UTCDateTime, utcnow
from wxbackend.enums import stored_enum


class StaffRole(enum.StrEnum):
    REVIEWER = "reviewer"
    SUPERVISOR = "supervisor"


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(160))
    role: Mapped[StaffRole] = mapped_column(stored_enum(StaffRole))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
