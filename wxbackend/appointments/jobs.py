"""Clock-driven jobs: remind tomorrow's bookings (outbox), mark yesterday's no-shows.

Both are safe to run from several workers and again after a crash: a reminder is
claimed with a conditional update of `reminded_at` before its notice is written (in the
same transaction), and a no-show is a conditional status change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wxbackend.appointments import repository as repo
from wxbackend.appointments.models import AppointmentStatus
from wxbackend.appointments.schedule import AppointmentBook
from wxbackend.appointments.views import views_of
from wxbackend.db import session_scope
from wxbackend.notify import service as notify

log = structlog.get_logger(__name__)
REMINDER = "appointment_reminder"
BATCH = 200


@dataclass
class JobReport:
    reminded: int = 0
    no_shows: int = 0


def _slot_time(day: date, when_text: str) -> str:
    """WeChat's time type: 2026年12月3日 09:00~12:00."""
    times = when_text.rsplit(" ", 1)[-1].replace("-", "~")
    return f"{day.year}年{day.month}月{day.day}日 {times}"


async def send_reminders(
    sessionmaker: async_sessionmaker[AsyncSession],
    book: AppointmentBook,
    *,
    today: date,
    now: datetime,
) -> int:
    """A notice for every booking of tomorrow not reminded yet; returns how many."""
    tomorrow = today + timedelta(days=1)
    sent = 0
    while True:
        async with session_scope(sessionmaker) as session:
            rows = await repo.due_reminders(session, day=tomorrow, limit=BATCH)
            for view, row in zip(await views_of(session, book, rows), rows, strict=True):
                if not await repo.mark_reminded(session, row.id, now):
                    continue  # another worker reminded it
                await notify.enqueue_notice(
                    session,
                    account_id=row.account_id,
                    kind=REMINDER,
                    values={
                        "kind_name": "网上预约",
                        "hall": view.hall_name,
                        "business": view.business_name,
                        "slot_time": _slot_time(row.day, view.when_text),
                        "ticket": view.ticket,
                    },
                    link_path=f"/h5/appointments/{row.id}",
                )
                sent += 1
        if len(rows) < BATCH:
            break
    if sent:
        log.info("appointments.reminded", count=sent, day=tomorrow.isoformat())
    return sent


async def mark_no_shows(sessionmaker: async_sessionmaker[AsyncSession], *, today: date) -> int:
    """Bookings of past days never checked in become no-shows (they count against limits)."""
    marked = 0
    while True:
        async with session_scope(sessionmaker) as session:
            rows = await repo.unattended(session, before=today, limit=BATCH)
            for row in rows:
                marked += await repo.set_status(
                    session,
                    row.id,
                    before=[AppointmentStatus.BOOKED],
                    after=AppointmentStatus.NO_SHOW,
                )
        if len(rows) < BATCH:
            break
    if marked:
        log.info("appointments.no_shows", count=marked)
    return marked


async def run_jobs(
    sessionmaker: async_sessionmaker[AsyncSession],
    book: AppointmentBook,
    *,
    now: datetime,
    today: date,
    reminder_hour: int,
    china_hour: int,
) -> JobReport:
    """One pass of both jobs (the worker's loop, `wxbackend appointments run`)."""
    report = JobReport(no_shows=await mark_no_shows(sessionmaker, today=today))
    if china_hour >= reminder_hour:
        report.reminded = await send_reminders(sessionmaker, book, today=today, now=now)
    return report
