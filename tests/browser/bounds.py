"""The boundary walks' helpers: the retirement statute restated, and a depositor's walk.

`born_reaching` restates the 2025 schedule (DOMAIN.md section 11) without using
`withdraw/retirement.py`, so a wrong product calculation fails the browser tests.
"""

from __future__ import annotations

import calendar
import contextlib
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import time_machine
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, AppServer, _unavailable
from tests.browser.test_h5_browser import PHONE, WECHAT_UA
from tests.browser.walks import sign_up
from tests.builders import make_account, make_card, next_number
from wxbackend import clock
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.fund.idcard import make_id_no
from wxbackend.fund.models import FundAccount
from wxbackend.security.pii import Vault

BALANCE = 5_000_000  # ¥50,000 opening balance, plus the deposits asked for

# --- the statute, restated (independently of withdraw/retirement.py) -----------------


@dataclass(frozen=True)
class Cohort:
    name: str
    male: bool
    base_years: int
    first_born: tuple[int, int]  # (year, month) of the first birth month whose age rises
    months_per_step: int
    max_extra: int


MEN = Cohort("men", True, 60, (1965, 1), 4, 36)
WOMEN_WORKERS = Cohort("women_workers", False, 50, (1975, 1), 2, 60)
WOMEN_CADRES = Cohort("women_cadres", False, 55, (1970, 1), 4, 36)


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def born_reaching(cohort: Cohort, day: date) -> date | None:
    """A birth date whose statutory age in `cohort` is reached on `day`, or None (the
    phased schedule skips some months). The age is base years plus one month per step of
    birth months; a birthday on the 29th-31st falls on the month's last day."""
    for extra in range(cohort.max_extra + 1):
        index = day.year * 12 + day.month - 1 - (cohort.base_years * 12 + extra)
        year, month = divmod(index, 12)
        month += 1
        since = (year - cohort.first_born[0]) * 12 + month - cohort.first_born[1]
        if (
            0 if since < 0 else min(cohort.max_extra, since // cohort.months_per_step + 1)
        ) != extra:
            continue
        if day.day == _last_day(day.year, day.month):
            return date(year, month, _last_day(year, month))  # the 31st -> the 30th, 28th...
        if day.day <= _last_day(year, month):
            return date(year, month, day.day)
    return None


def six_months_after(day: date) -> date:
    index = day.year * 12 + day.month - 1 + 6
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, _last_day(year, month + 1)))


def chinese_day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def id_no(born: date, *, male: bool) -> str:
    return make_id_no("510104", born, 2 * (next_number() % 400) + (1 if male else 0))


@contextlib.contextmanager
def on_a_day_with_both(cohort: Cohort) -> Iterator[date]:
    """Today, or (when nobody of the cohort reaches the age today or tomorrow) the nearest
    later day on which someone does and someone else the day after: the clock is moved
    there, keeping the time of day, until the block ends."""
    today = clock.today_in_china()
    day = today
    while born_reaching(cohort, day) is None or born_reaching(cohort, day + timedelta(1)) is None:
        day += timedelta(days=1)
    if day == today:
        yield day
        return
    with time_machine.travel(clock.china_now() + (day - today), tick=True):
        yield day


# --- a depositor in one browser context ------------------------------------------------


@dataclass
class Walk:
    server: AppServer
    page: Any
    vault: Vault
    sessions: Any
    shots: Path

    @property
    def base(self) -> str:
        return self.server.base_url

    async def holder(self, *, months: int = 3, **overrides: Any) -> FundAccount:
        """A depositor with a card, signed up in the browser (the context's previous
        follower is forgotten first)."""
        async with session_scope(self.sessions) as session:
            account = await make_account(
                session, self.vault, months_of_deposits=months, opening_balance=BALANCE, **overrides
            )
            await make_card(session, self.vault, account)
        await self.page.context.clear_cookies()
        await sign_up(self.page, self.base, self.vault, account, prefix="o-bounds-")
        return account

    async def apply_page(self) -> int:
        response = await self.page.goto(self.base + "/h5/withdrawals/new")
        return int(response.status)

    async def refused(self, kind: str) -> str:
        return str(await self.page.inner_text(f"#refused-{kind} .weui-cell__desc"))

    async def offered(self) -> set[str]:
        values = await self.page.locator("input[name=kind]").evaluate_all(
            "nodes => nodes.map(n => n.value)"
        )
        return set(values)

    async def errors(self) -> str:
        """The form's refusal(s), as shown next to the form or the field."""
        await self.page.wait_for_selector(".h5-error")
        return "\n".join(await self.page.locator(".h5-error").all_inner_texts())

    async def to_confirmation(self, kind: str, amount: str = "") -> None:
        await self.page.click(f"label[for=kind-{kind}]")
        await self.page.fill("#f-amount", amount)
        await self.page.click("#apply-submit")

    async def shot(self, name: str) -> None:
        await self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)

    async def update_account(self, account: FundAccount, **values: Any) -> None:
        async with session_scope(self.sessions) as session:
            await session.execute(
                update(FundAccount).where(FundAccount.id == account.id).values(**values)
            )


@contextlib.asynccontextmanager
async def open_walk(
    server: AppServer, engine: AsyncEngine, vault: Vault, shots: Path
) -> AsyncIterator[Walk]:
    """Debian's Chromium and one phone-sized context (skipped, or failed under CI, if absent)."""
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing: apt-get install -y chromium")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _unavailable("the playwright package is missing: pip install -e '.[test]'")
    async with async_playwright() as pw:
        browser: Any = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(
            viewport=PHONE, user_agent=WECHAT_UA, locale="zh-CN", is_mobile=True, has_touch=True
        )
        page = await context.new_page()
        page.set_default_timeout(10_000)
        try:
            yield Walk(server, page, vault, create_sessionmaker(engine), shots)
        finally:
            await context.close()
            await browser.close()
