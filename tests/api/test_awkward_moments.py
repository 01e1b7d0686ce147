"""The date-sensitive answers at the moments that break calendars.

Each moment is the centre's wall clock (UTC+8). Several of them fall on another day in
UTC — 00:30 on the 1st in China is still the last day of the month in UTC, and a host in
another zone sees yet another day — so code that read the host's day instead of the
centre's would answer for the wrong month or year here. The expectations are worked out
by hand in the table, not computed by the code under test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import time_machine

from tests.api.signing_world import World
from tests.api.test_account_api import add_loan, bound
from tests.api.test_account_callback import ask
from wxbackend import clock
from wxbackend.cards import charges
from wxbackend.cards.codes import Action
from wxbackend.db import session_scope
from wxbackend.fund import calc, idcard, interest
from wxbackend.handlers import menu_keys


@dataclass(frozen=True)
class Moment:
    at: str  # ISO 8601 with the centre's offset
    day: date  # the centre's calendar day at that moment
    paid_up_to: str  # the last of the 3 monthly deposits (the months before this one)
    deposits_this_year: int  # how many of those 3 fall in this calendar year
    deposit_year: int  # named by the 30 June that closes it
    next_due: date  # a loan falling due on min(day, 28) each month: the next period


MOMENTS = {
    "1st of a month, 00:30 (UTC: the 28th of February)": Moment(
        "2027-03-01T00:30:00+08:00", date(2027, 3, 1), "2027-02", 2, 2027, date(2027, 4, 1)
    ),
    "10th of a month": Moment(
        "2026-12-10T09:00:00+08:00", date(2026, 12, 10), "2026-11", 3, 2027, date(2027, 1, 10)
    ),
    "last day of a month, 23:50": Moment(
        "2027-04-30T23:50:00+08:00", date(2027, 4, 30), "2027-03", 3, 2027, date(2027, 5, 28)
    ),
    "29 February": Moment(
        "2028-02-29T12:00:00+08:00", date(2028, 2, 29), "2028-01", 1, 2028, date(2028, 3, 28)
    ),
    "30 June, 23:59 (the deposit year's last minute)": Moment(
        "2027-06-30T23:59:00+08:00", date(2027, 6, 30), "2027-05", 3, 2027, date(2027, 7, 28)
    ),
    "1 July, 00:01 (a new deposit year; UTC: still 30 June)": Moment(
        "2027-07-01T00:01:00+08:00", date(2027, 7, 1), "2027-06", 3, 2028, date(2027, 8, 1)
    ),
    "31 December, 23:30": Moment(
        "2026-12-31T23:30:00+08:00", date(2026, 12, 31), "2026-11", 3, 2027, date(2027, 1, 28)
    ),
    "1 January, 00:30 (UTC: still 31 December)": Moment(
        "2027-01-01T00:30:00+08:00", date(2027, 1, 1), "2026-12", 0, 2027, date(2027, 2, 1)
    ),
}

at_each_moment = pytest.mark.parametrize("moment", MOMENTS.values(), ids=MOMENTS.keys())


@at_each_moment
def test_the_clock_reads_the_centres_day(moment: Moment) -> None:
    with time_machine.travel(moment.at, tick=False):
        assert clock.today_in_china() == moment.day
        assert clock.now().utcoffset() == timedelta(0)
        assert clock.china_now().date() == moment.day


@at_each_moment
async def test_account_overview(world: World, moment: Moment) -> None:
    with time_machine.travel(moment.at, tick=False):
        token, _, _ = await bound(world)
        body = (await world.call(token, "GET", "/api/account")).json()
        assert body["paid_up_to"] == moment.paid_up_to
        assert body["year"] == moment.day.year
        assert body["year_deposits"] == moment.deposits_this_year * 192_000
        assert body["balance"] == 3 * 192_000

        deposits = (await world.call(token, "GET", "/api/account/deposits")).json()
        assert deposits["items"][0]["month"] == moment.paid_up_to


@at_each_moment
async def test_yearly_statement_is_there_for_this_year_not_the_next(
    world: World, moment: Moment
) -> None:
    with time_machine.travel(moment.at, tick=False):
        token, _, _ = await bound(world)
        this_year = await world.call(token, "GET", f"/api/account/statement/{moment.day.year}")
        assert this_year.status_code == 200
        next_year = await world.call(token, "GET", f"/api/account/statement/{moment.day.year + 1}")
        assert next_year.status_code == 404


@at_each_moment
async def test_interest_year(world: World, moment: Moment) -> None:
    with time_machine.travel(moment.at, tick=False):
        assert calc.deposit_year_of(clock.today_in_china()) == moment.deposit_year
        start, end = calc.deposit_year(moment.deposit_year)
        assert start <= moment.day <= end
        token, _, person = await bound(world)
        closed_year = moment.deposit_year - 1  # the last year whose 30 June has passed
        async with session_scope(world.sessionmaker) as session:
            await interest.post_interest(session, account_id=person.account.id, year=closed_year)
        items = (await world.call(token, "GET", "/api/account/interest")).json()["items"]
        assert [i["period_end"] for i in items] == [f"{closed_year}-06-30"]


@at_each_moment
async def test_loan_periods_due_and_overdue(world: World, moment: Moment) -> None:
    with time_machine.travel(moment.at, tick=False):
        token, openid, person = await bound(world, oa=True)
        await add_loan(world, person.account.id, overdue=2)
        loan = (await world.call(token, "GET", "/api/account/loans")).json()["items"][0]
        assert (loan["periods_paid"], loan["periods_overdue"]) == (34, 2)
        assert loan["next_due_date"] == moment.next_due.isoformat()
        text = await ask(world, openid, menu_keys.LOAN_QUERY)
        assert "已还期数：34/240" in text
        assert "已逾期2期" in text
        due = moment.next_due
        assert f"下次还款：{due.year}年{due.month}月{due.day}日" in text


@at_each_moment
def test_id_numbers_born_today_are_valid_and_tomorrow_not(moment: Moment) -> None:
    with time_machine.travel(moment.at, tick=False):
        assert idcard.is_valid_id_no(idcard.make_id_no("510104", moment.day, 11))
        tomorrow = moment.day + timedelta(days=1)
        assert not idcard.is_valid_id_no(idcard.make_id_no("510104", tomorrow, 11))


@at_each_moment
async def test_billed_card_checks_count_on_the_centres_day(world: World, moment: Moment) -> None:
    action: Action = "verify_4e"
    with time_machine.travel(moment.at, tick=False):
        before = await charges.charged_on(world.store, action=action, day=moment.day)
        await charges.count_charge(world.store, action=action, code="0")
        assert await charges.charged_on(world.store, action=action) == before + 1
        assert await charges.charged_on(world.store, action=action, day=moment.day) == before + 1
