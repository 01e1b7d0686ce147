"""The one read model of a booking: the same words in chat, H5, the API and the desk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.appointments.models import ACTIVE, Appointment, AppointmentStatus
from wxbackend.appointments.schedule import HALF_NAMES, AppointmentBook, Half
from wxbackend.points import service as points
from wxbackend.points.service import PointInfo

STATUS_WORDS = {
    AppointmentStatus.BOOKED: "已预约",
    AppointmentStatus.CHECKED_IN: "已签到",
    AppointmentStatus.CALLED: "已叫号",
    AppointmentStatus.CANCELLED: "已取消",
    AppointmentStatus.NO_SHOW: "未到",
}
WEEKDAYS = "一二三四五六日"


def day_text(day: date) -> str:
    """2026-12-03 -> 12月3日（周四）."""
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


@dataclass(frozen=True, slots=True)
class AppointmentView:
    id: int
    booking_no: str
    ticket: str
    status: AppointmentStatus
    status_word: str
    active: bool
    point_code: str
    hall_name: str
    hall_address: str
    hall_phone: str
    business: str
    business_name: str
    day: date
    half: Half
    when_text: str  # 12月3日（周四）上午 09:00-12:00
    documents: tuple[str, ...]


def view_of(row: Appointment, book: AppointmentBook, point: PointInfo | None) -> AppointmentView:
    business = book.business(row.business)
    times = ""
    if point is not None:
        times = next(
            (h.text for h in book.half_days(point.opening, row.day) if h.half is row.half), ""
        )
    return AppointmentView(
        id=row.id,
        booking_no=row.booking_no,
        ticket=row.ticket,
        status=row.status,
        status_word=STATUS_WORDS[row.status],
        active=row.status in ACTIVE,
        point_code=row.point_code,
        hall_name=point.name if point else row.point_code,
        hall_address=point.address if point else "",
        hall_phone=point.phone if point else "",
        business=row.business,
        business_name=business.name if business else row.business,
        day=row.day,
        half=row.half,
        when_text=f"{day_text(row.day)}{times or HALF_NAMES[row.half]}",
        documents=business.documents if business else (),
    )


async def views_of(
    session: AsyncSession, book: AppointmentBook, rows: Sequence[Appointment]
) -> list[AppointmentView]:
    found = await points.points_by_code(session, list({r.point_code for r in rows}))
    return [view_of(r, book, found.get(r.point_code)) for r in rows]
