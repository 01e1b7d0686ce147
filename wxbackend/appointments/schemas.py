"""What the appointment API takes and returns."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from wxbackend.appointments.models import Appointment, AppointmentStatus
from wxbackend.appointments.schedule import Half
from wxbackend.appointments.service import HallChoice, SlotChoice
from wxbackend.appointments.views import STATUS_WORDS, AppointmentView


class HallRead(BaseModel):
    point_code: str
    name: str
    district: str
    address: str
    phone: str
    hours_text: str
    distance_m: float | None
    businesses: list[str]

    @classmethod
    def of(cls, c: HallChoice) -> HallRead:
        return cls(
            point_code=c.point.code,
            name=c.point.name,
            district=c.point.district,
            address=c.point.address,
            phone=c.point.phone,
            hours_text=c.point.hours_text,
            distance_m=round(c.distance_m) if c.distance_m is not None else None,
            businesses=list(c.hall.businesses),
        )


class HallList(BaseModel):
    items: list[HallRead]


class SlotRead(BaseModel):
    day: date
    half: Half
    text: str  # 上午 09:00-12:00
    capacity: int
    left: int
    bookable: bool
    closed: str | None

    @classmethod
    def of(cls, s: SlotChoice) -> SlotRead:
        return cls(
            day=s.day,
            half=s.half,
            text=s.half_day.text,
            capacity=s.capacity,
            left=s.left,
            bookable=s.bookable,
            closed=s.closed,
        )


class SlotList(BaseModel):
    point_code: str
    business: str
    items: list[SlotRead]


class AppointmentCreate(BaseModel):
    point_code: str = Field(min_length=1, max_length=32)
    business: str = Field(min_length=1, max_length=24)
    day: date
    half: Half


class AppointmentRead(BaseModel):
    id: int
    booking_no: str
    ticket: str
    status: AppointmentStatus
    status_word: str
    active: bool
    point_code: str
    hall_name: str
    hall_address: str
    business: str
    business_name: str
    day: date
    half: Half
    when_text: str
    documents: list[str]

    @classmethod
    def of(cls, v: AppointmentView) -> AppointmentRead:
        return cls(
            id=v.id,
            booking_no=v.booking_no,
            ticket=v.ticket,
            status=v.status,
            status_word=v.status_word,
            active=v.active,
            point_code=v.point_code,
            hall_name=v.hall_name,
            hall_address=v.hall_address,
            business=v.business,
            business_name=v.business_name,
            day=v.day,
            half=v.half,
            when_text=v.when_text,
            documents=list(v.documents),
        )


class AppointmentList(BaseModel):
    items: list[AppointmentRead]


class DeskItemRead(BaseModel):
    """A booking on the hall's list: no personal data beyond the ticket and number."""

    id: int
    booking_no: str
    ticket: str
    business: str
    half: Half
    status: AppointmentStatus
    status_word: str
    checked_in_at: datetime | None
    called_at: datetime | None
    called_by: str | None

    @classmethod
    def of(cls, row: Appointment) -> DeskItemRead:
        return cls(
            id=row.id,
            booking_no=row.booking_no,
            ticket=row.ticket,
            business=row.business,
            half=row.half,
            status=row.status,
            status_word=STATUS_WORDS[row.status],
            checked_in_at=row.checked_in_at,
            called_at=row.called_at,
            called_by=row.called_by,
        )


class DeskList(BaseModel):
    point_code: str
    day: date
    items: list[DeskItemRead]


class CheckInCreate(BaseModel):
    booking_no: str = Field(min_length=4, max_length=32)


class CallNextCreate(BaseModel):
    business: str | None = Field(default=None, max_length=24)
