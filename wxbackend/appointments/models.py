"""Appointment tables: one counter row per bookable slot, one row per booking."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from wxbackend.appointments.schedule import Half
from wxbackend.db import Base, UTCDateTime, utcnow
from wxbackend.enums import stored_enum


class AppointmentStatus(enum.StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"  # arrived at the hall, waiting to be called
    CALLED = "called"  # called to a counter
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"  # the half day ended without a check-in


ACTIVE = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN, AppointmentStatus.CALLED)


class AppointmentSlot(Base):
    """The places of one hall, business and half day: `booked` never exceeds `capacity`.

    A booking is one conditional UPDATE (`booked < capacity`), so parallel bookings of
    the last place cannot both succeed; `issued` only grows and numbers the tickets.
    """

    __tablename__ = "appointment_slot"
    __table_args__ = (UniqueConstraint("point_code", "business", "day", "half"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    point_code: Mapped[str] = mapped_column(String(32))
    business: Mapped[str] = mapped_column(String(24))
    day: Mapped[date] = mapped_column(Date)
    half: Mapped[Half] = mapped_column(stored_enum(Half))
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    issued: Mapped[int] = mapped_column(Integer, default=0)


_ACTIVE_SQL = "status IN ('booked', 'checked_in', 'called')"


class Appointment(Base):
    __tablename__ = "appointment"
    __table_args__ = (
        # At most one active booking per person, business and day, whatever the race.
        Index(
            "uq_appointment_active_per_day",
            "account_id",
            "business",
            "day",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
        Index("ix_appointment_hall_day", "point_code", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_no: Mapped[str] = mapped_column(String(32), unique=True)
    ticket: Mapped[str] = mapped_column(String(8))  # what the hall calls: T007
    account_id: Mapped[int] = mapped_column(ForeignKey("fund_account.id"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("appointment_slot.id"))
    point_code: Mapped[str] = mapped_column(String(32))
    business: Mapped[str] = mapped_column(String(24))
    day: Mapped[date] = mapped_column(Date)
    half: Mapped[Half] = mapped_column(stored_enum(Half))
    status: Mapped[AppointmentStatus] = mapped_column(stored_enum(AppointmentStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    called_by: Mapped[str | None] = mapped_column(String(64))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
