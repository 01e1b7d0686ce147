"""Reading the audit trail: by staff member, account and China-time day range."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.audit import repository as repo
from wxbackend.audit.models import AuditEvent
from wxbackend.clock import CHINA_TZ

MAX_ROWS = 5000


@dataclass(frozen=True, slots=True)
class AuditQuery:
    staff_actor: str | None = None  # "staff:<username>"
    account_id: int | None = None
    action: str | None = None
    day_from: date | None = None  # China time, inclusive
    day_to: date | None = None  # China time, inclusive


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=CHINA_TZ)


async def search_audit(
    session: AsyncSession, query: AuditQuery, *, limit: int = 200
) -> Sequence[AuditEvent]:
    """Newest first."""
    return await repo.search(
        session,
        staff_actor=query.staff_actor,
        account_id=query.account_id,
        action=query.action,
        since=_start(query.day_from) if query.day_from else None,
        before=_start(query.day_to) + timedelta(days=1) if query.day_to else None,
        limit=min(limit, MAX_ROWS),
    )


CSV_HEADER = ("时间", "操作", "结果", "工作人员", "渠道", "openid", "账户ID", "原因", "请求编号")


def _cell(value: object) -> str:
    """A spreadsheet never runs a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def audit_csv(events: Sequence[AuditEvent]) -> str:
    """The events as CSV (UTF-8 with BOM, so Excel opens the Chinese headers)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for e in events:
        writer.writerow(
            _cell(v)
            for v in (
                e.occurred_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S"),
                e.action,
                e.outcome.value,
                e.staff_actor or "",
                e.channel or "",
                e.openid or "",
                e.account_id,
                e.reason or "",
                e.request_id or "",
            )
        )
    return out.getvalue()
