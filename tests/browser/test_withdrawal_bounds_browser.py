"""Each withdrawal rule at its boundary, as a depositor sees it on the H5 apply page.

Retirement (the day before and the day of the statutory age, per cohort of the phased
2025 schedule), leaving the city (sealed one day short of 6 calendar months vs 6 months),
the rent cap, the 90- and 365-day frequencies, and the exclusive (closing) kinds, walked
in headless Chromium: the apply page lists every kind, the eligible ones as choices and
the others under 暂不能办理 with their reason, so one page load checks several kinds.

Holders are built from the centre's clock, so the module holds on any day and host time
zone. On days when nobody of a cohort reaches the age today or tomorrow (the schedule
skips whole months), the clock is moved forward to the nearest day that has both.
One server and one browser context serve the whole module; each test signs up its own
holders. Refusal screenshots in test-artifacts/h5-bounds/ (docs/img/withdrawals/ keeps
one of each for docs/withdrawals.md).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.browser.bounds import (
    MEN,
    WOMEN_CADRES,
    WOMEN_WORKERS,
    Cohort,
    Walk,
    born_reaching,
    chinese_day,
    id_no,
    on_a_day_with_both,
    open_walk,
    six_months_after,
)
from tests.browser.conftest import ARTIFACTS_ROOT, AppServer, fresh_artifacts, run_app_server
from tests.browser.test_h5_browser import PASSWORD
from wxbackend import clock
from wxbackend.config import Settings
from wxbackend.db import session_scope
from wxbackend.fund.models import AccountStatus
from wxbackend.money import format_yuan
from wxbackend.security.pii import Vault
from wxbackend.store import RedisStore
from wxbackend.withdraw import service as withdraw
from wxbackend.withdraw.models import Withdrawal, WithdrawalStatus
from wxbackend.withdraw.rules import load_rules
from wxbackend.worker import run_worker


@pytest.fixture(scope="module")
async def server(settings: Settings) -> AsyncIterator[AppServer]:
    with run_app_server(settings) as running:
        yield running
    configured = running.settings.store
    if configured.redis_url:
        store = RedisStore(configured.redis_url, prefix=configured.key_prefix)
        await store.delete_prefix()
        await store.close()


@pytest.fixture(scope="module")
async def walk(server: AppServer, engine: AsyncEngine, vault: Vault) -> AsyncIterator[Walk]:
    async with open_walk(server, engine, vault, fresh_artifacts(ARTIFACTS_ROOT / "h5-bounds")) as w:
        yield w


@pytest.fixture(autouse=True)
def clear_of_midnight() -> Iterator[None]:
    """Each test reads "today" and "tomorrow" before the pages do: one that would start in
    the last minutes of a China day (a moved-clock CI run) starts just after midnight."""
    now = clock.china_now()
    if (now.hour, now.minute) < (23, 50):
        yield
        return
    after = datetime.combine(now.date() + timedelta(days=1), time(0, 1), tzinfo=clock.CHINA_TZ)
    with time_machine.travel(after, tick=True):
        yield


# --- retirement ------------------------------------------------------------------------


@pytest.mark.parametrize("cohort", [MEN, WOMEN_WORKERS], ids=lambda c: c.name)
async def test_retirement_opens_on_the_day_of_the_statutory_age(walk: Walk, cohort: Cohort) -> None:
    with on_a_day_with_both(cohort) as today:
        tomorrow = today + timedelta(days=1)
        early_born, due_born = born_reaching(cohort, tomorrow), born_reaching(cohort, today)
        assert early_born is not None
        assert due_born is not None

        await walk.holder(id_no=id_no(early_born, male=cohort.male))
        await walk.apply_page()
        assert "retirement" not in await walk.offered()
        assert await walk.refused("retirement") == (
            f"您尚未达到法定退休年龄（{chinese_day(tomorrow)}达到），"
            "暂不能办理退休提取。如已办理提前退休，请携退休证到服务大厅办理。"
        )
        if cohort is MEN:
            await walk.shot("retirement-not-yet")

        due = await walk.holder(id_no=id_no(due_born, male=cohort.male))
        await walk.apply_page()
        assert "retirement" in await walk.offered()
        await walk.to_confirmation("retirement")
        await walk.page.wait_for_selector("#confirm-summary")
        assert await walk.page.inner_text("#confirm-kind") == "退休提取（销户）"
        assert await walk.page.inner_text("#confirm-amount") == format_yuan(due.balance)


async def test_a_woman_cadre_qualifies_from_the_workers_age(walk: Walk) -> None:
    """The ID number does not say cadre or worker: a woman whose cadres' age (55 -> 58)
    is still ahead has long reached the workers' one, and is offered the retirement
    withdrawal with the certificate staff review."""
    today = clock.today_in_china()
    day = today + timedelta(days=1)
    while (born := born_reaching(WOMEN_CADRES, day)) is None:
        day += timedelta(days=1)
    await walk.holder(id_no=id_no(born, male=False))
    await walk.apply_page()
    assert "retirement" in await walk.offered()
    option = await walk.page.inner_text("label[for=kind-retirement]")
    assert "提取全部余额并销户" in option
    assert "需上传：退休证明" in option


# --- leaving the city / unemployment ---------------------------------------------------


async def test_leaving_the_city_opens_after_six_calendar_months_sealed(walk: Walk) -> None:
    today = clock.today_in_china()
    # The last sealing day that makes 6 calendar months by today (month ends clamp: sealed
    # 31 August makes 6 months on 28/29 February), and the day after it: 5 months 30 days
    # (or 29, 28) -- one day short.
    enough = today - timedelta(days=200)
    while six_months_after(enough + timedelta(days=1)) <= today:
        enough += timedelta(days=1)
    short = enough + timedelta(days=1)
    assert six_months_after(enough) <= today < six_months_after(short)

    holder = await walk.holder()
    await walk.update_account(holder, status=AccountStatus.SEALED, status_changed_on=short)
    await walk.apply_page()
    assert "leave_city" not in await walk.offered()
    assert await walk.refused("leave_city") == (
        f"离职离市提取（销户）需账户封存满6个月，{chinese_day(six_months_after(short))}起可申请。"
    )
    assert "仅限正常状态" in await walk.refused("rent")
    await walk.shot("leave-city-sealed-short")

    await walk.update_account(holder, status_changed_on=enough)
    await walk.apply_page()
    assert "leave_city" in await walk.offered()
    await walk.to_confirmation("leave_city")
    await walk.page.wait_for_selector("#confirm-summary")
    assert await walk.page.inner_text("#confirm-kind") == "离职离市提取（销户）"


# --- caps and frequencies --------------------------------------------------------------


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=clock.CHINA_TZ)


async def test_rent_cap_and_the_rent_and_illness_frequencies(walk: Walk) -> None:
    page = walk.page
    holder = await walk.holder()
    await walk.apply_page()
    assert "本次最多可提取 ¥4,500.00" in await page.inner_text("label[for=kind-rent]")

    await walk.to_confirmation("rent", "")
    assert await walk.errors() == "请输入提取金额。"
    await walk.to_confirmation("rent", "4500.01")
    assert await walk.errors() == "租房提取单次最多可提取4500元。"
    assert await page.input_value("#f-amount") == "4500.01"
    await walk.shot("rent-over-cap")

    await walk.to_confirmation("rent", "4500.00")
    await page.wait_for_selector("#confirm-summary")
    assert await page.inner_text("#confirm-amount") == "¥4,500.00"
    await page.fill("#f-password", PASSWORD)
    await page.click("#confirm-submit")
    await page.wait_for_url(re.compile(r".*/h5/withdrawals/\d+$"))
    rent_id = int(page.url.rsplit("/", 1)[1])

    # An illness withdrawal, filed and approved at the desk (its documents aside).
    async with session_scope(walk.sessions) as session:
        illness = await withdraw.apply(
            session,
            rules=load_rules(),
            vault=walk.vault,
            account=holder,
            kind="illness",
            amount=100_00,
            actor="test",
            today=clock.today_in_china(),
        )
        await withdraw.transition(
            session,
            illness,
            from_statuses=(WithdrawalStatus.SUBMITTED,),
            to=WithdrawalStatus.UNDER_REVIEW,
            actor="test",
        )
        await withdraw.approve(session, illness, actor="staff:test")
    report = await run_worker(walk.server.settings, once=True)
    assert {rent_id, illness.id} <= set(report.paid)

    async def paid_days_ago(rent: int, sick: int) -> None:
        today = clock.today_in_china()
        async with session_scope(walk.sessions) as session:
            for withdrawal_id, days in ((rent_id, rent), (illness.id, sick)):
                await session.execute(
                    update(Withdrawal)
                    .where(Withdrawal.id == withdrawal_id)
                    .values(paid_at=_noon(today - timedelta(days=days)))
                )

    await paid_days_ago(89, 364)
    await walk.apply_page()
    today = clock.today_in_china()
    tomorrow = chinese_day(today + timedelta(days=1))
    assert {"rent", "illness"}.isdisjoint(await walk.offered())
    assert await walk.refused("rent") == (
        f"租房提取每90天可办理一次，上次于{chinese_day(today - timedelta(89))}到账，"
        f"{tomorrow}起可再次申请。"
    )
    assert await walk.refused("illness") == (
        f"重大疾病提取每365天可办理一次，"
        f"上次于{chinese_day(today - timedelta(364))}到账，{tomorrow}起可再次申请。"
    )
    await walk.shot("rent-illness-too-soon")

    await paid_days_ago(90, 365)
    await walk.apply_page()
    assert {"rent", "illness"} <= await walk.offered()


# --- exclusive kinds -------------------------------------------------------------------


async def test_a_closing_application_excludes_every_other_kind(walk: Walk) -> None:
    page = walk.page
    today = clock.today_in_china()
    holder = await walk.holder(id_no=id_no(today.replace(year=today.year - 64, day=1), male=True))
    async with session_scope(walk.sessions) as session:
        purchase = await withdraw.apply(
            session,
            rules=load_rules(),
            vault=walk.vault,
            account=holder,
            kind="purchase",
            amount=1000_00,
            actor="test",
            today=today,
        )
    await walk.apply_page()
    assert "您有一笔购房提取正在办理中，不能同时申请退休提取（销户）" in await walk.refused(
        "retirement"
    )
    assert "rent" in await walk.offered()  # non-exclusive kinds may be open together
    await walk.shot("retirement-while-purchase-open")

    # "请办结或撤回后再申请": from the apply page to the open application, and withdraw it.
    await page.click("#my-withdrawals")
    await page.click(f"a[href='/h5/withdrawals/{purchase.id}']")
    page.once("dialog", lambda dialog: dialog.accept())
    await page.click("#cancel")
    await page.wait_for_url(f"**/h5/withdrawals/{purchase.id}")
    assert await page.inner_text("#status") == "已撤回"
    await walk.apply_page()
    assert "retirement" in await walk.offered()
    await walk.to_confirmation("retirement")
    await page.wait_for_selector("#confirm-summary")
    await page.fill("#f-password", PASSWORD)
    await page.click("#confirm-submit")
    await page.wait_for_url(re.compile(r".*/h5/withdrawals/\d+$"))
    closing_id = int(page.url.rsplit("/", 1)[1])

    await walk.apply_page()
    assert await walk.offered() == set()
    assert await page.inner_text("#not-eligible h2") == "暂不符合提取条件"
    for kind, name in (("rent", "租房提取"), ("illness", "重大疾病提取"), ("purchase", "购房提取")):
        assert f"您有一笔退休提取（销户）正在办理中，不能同时申请{name}" in await walk.refused(
            kind
        ), kind
    assert "您已有一笔退休提取（销户）正在办理中" in await walk.refused("retirement")
    await walk.shot("others-while-closing-open")

    # Reviewed and paid: the account is closed, and no second closing (nor anything) opens.
    async with session_scope(walk.sessions) as session:
        closing = await session.get(Withdrawal, closing_id)
        assert closing is not None
        await withdraw.transition(
            session,
            closing,
            from_statuses=(WithdrawalStatus.SUBMITTED,),
            to=WithdrawalStatus.UNDER_REVIEW,
            actor="test",
        )
        await withdraw.approve(session, closing, actor="staff:test")
    assert closing_id in (await run_worker(walk.server.settings, once=True)).paid
    await page.goto(walk.base + f"/h5/withdrawals/{closing_id}")
    assert await page.inner_text("#status") == "已到账"
    assert await walk.apply_page() == 403
    assert await walk.offered() == set()
    assert "该公积金账户已销户，不能再申请提取" in await page.inner_text("body")
    await walk.shot("after-closing")
    # Were the account open again (sealed, say): still no second closing withdrawal.
    await walk.update_account(holder, status=AccountStatus.SEALED)
    assert await walk.apply_page() == 200
    for kind in ("retirement", "leave_city"):
        assert await walk.refused(kind) == "您的账户已办理过销户类提取，不能重复申请。", kind
