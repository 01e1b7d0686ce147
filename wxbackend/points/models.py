"""Service point table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wxbackend.db import Base, UTCDateTime, utcnow


class ServicePoint(Base):
    __tablename__ = "service_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    district: Mapped[str] = mapped_column(String(32), index=True)
    address: Mapped[str] = mapped_column(String(256))
    latitude: Mapped[float] = mapped_column(Float)  # WGS-84 degrees; location, not money
    longitude: Mapped[float] = mapped_column(Float)
    # Opening hours, e.g. "mon-fri 09:00-12:00,13:30-17:00; sat 09:00-12:00".
    hours: Mapped[str] = mapped_column(String(256))
    phone: Mapped[str] = mapped_column(String(32))
    services: Mapped[str] = mapped_column(Text, default="")  # "、"-separated list
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
