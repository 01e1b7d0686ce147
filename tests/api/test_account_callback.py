"""Account questions in the official account, through the callback (simulated user)."""

from __future__ import annotations

import re

import time_machine

from tests.api.signing_world import World
from tests.api.test_account_api import add_loan, add_withdrawal, bound, loan_due_day
from tests.builders import next_number
from wxbackend import clock
from wxbackend.bind import repository as bind_repo
from wxbackend.bind.initial import issue_initial_passwords
from wxbackend.callback.runtime import callback_crypto
from wxbackend.callback.simulator import SimulatedUser
from wxbackend.content import load_content
from wxbackend.db import session_scope
from wxbackend.enums import Channel
from wxbackend.fund import service as fund
from wxbackend.fund.idcard import make_id_no
from wxbackend.fund.models import AccountStatus, Employer, FundAccount
from wxbackend.handlers import menu_keys
from wxbackend.handlers.messages import TEXT_REPLY_MAX_BYTES
from wxbackend.withdraw.models import WithdrawalStatus


async def ask(world: World, openid: str, xml_of: str, *, text: str | None = None) -> str:
    """Send a menu click (or a text) as this follower; the reply's text."""
    user = SimulatedUser(callback_crypto(world.settings), openid=openid)
    # Events are deduplicated by sender + CreateTime: two clicks need two CreateTimes.
    # Rising with both the clock and the counter, so a second ticking over between two
    # clicks cannot make them equal.
    created = int(clock.timestamp()) - 100_000 + next_number() % 100_000
    xml = user.text(text) if text is not None else user.event("CLICK", xml_of, CreateTime=created)
    signed = user.sign(xml, mode="safe")
    response = await world.client.post(
        "/wechat/callback", params=signed.params, content=signed.body
    )
    assert response.status_code == 200
    reply = user.read_reply(response.content)
    assert reply is not None
    assert len(reply.text.encode()) <= TEXT_REPLY_MAX_BYTES
    return reply.text


def texts(world: World) -> dict[str, str]:
    return dict(load_content(public_base_url=world.settings.server.public_base_url).texts)


async def test_account_query_for_a_bound_follower(world: World) -> None:
    _, openid, _ = await bound(world, oa=True, name="王建国")
    text = await ask(world, openid, menu_keys.ACCOUNT_QUERY)
    assert text.startswith("王**的公积金账户")
    assert "王建国" not in text
    assert "账户余额：¥5,760.00" in text
    assert "月缴存额：¥1,920.00（单位¥960.00，个人¥960.00）" in text
    assert "比例：单位12%、个人12%" in text
    assert re.search(r"缴至：\d{4}年\d{1,2}月", text)
    assert "缴存单位：成都****有限公司" in text
    base = world.settings.server.public_base_url.rstrip("/")
    assert f'href="{base}/h5/account"' in text
    # The same answer to the words people type.
    assert await ask(world, openid, "", text="余额") == text
    assert await ask(world, openid, "", text="我想查询一下") == text


async def test_account_query_answers_from_the_current_state(world: World) -> None:
    _, openid, person = await bound(world, oa=True, name="王建国")
    assert "账户余额：¥5,760.00" in await ask(world, openid, menu_keys.ACCOUNT_QUERY)
    this_month = clock.today_in_china().replace(day=1)
    async with session_scope(world.sessionmaker) as session:
        account = await session.get(FundAccount, person.account.id)
        assert account is not None
        await fund.post_deposit(
            session, account=account, month=this_month, posted_on=clock.today_in_china()
        )
    text = await ask(world, openid, menu_keys.ACCOUNT_QUERY)
    assert "账户余额：¥7,680.00" in text
    assert f"缴至：{this_month.year}年{this_month.month}月" in text

    async with session_scope(world.sessionmaker) as session:
        found = await bind_repo.binding_for_openid(
            session, channel=Channel.OFFICIAL_ACCOUNT, openid=openid
        )
        assert found is not None
        await bind_repo.remove_binding(session, found.id)
    assert await ask(world, openid, menu_keys.ACCOUNT_QUERY) == texts(world)["binding"]


async def test_every_account_key_for_unbound_followers_explains_binding(world: World) -> None:
    openid = f"o-unbound-{next_number()}"
    for key in (
        menu_keys.ACCOUNT_QUERY,
        menu_keys.DEPOSIT_DETAILS,
        menu_keys.WITHDRAWAL_PROGRESS,
        menu_keys.LOAN_QUERY,
    ):
        assert await ask(world, openid, key) == texts(world)["binding"]


async def test_mini_program_binding_is_not_an_official_account_binding(world: World) -> None:
    _, openid, _ = await bound(world)  # bound through the mini-program
    assert await ask(world, openid, menu_keys.ACCOUNT_QUERY) == texts(world)["binding"]


async def test_initial_password_holders_are_asked_to_change_it(world: World) -> None:
    _, openid, person = await bound(world, oa=True)
    async with session_scope(world.sessionmaker) as session:
        employer = await session.get(Employer, person.account.employer_id)
        assert employer is not None
        await issue_initial_passwords(session, employer_code=employer.code, reissue=True)
    text = await ask(world, openid, menu_keys.DEPOSIT_DETAILS)
    assert text == texts(world)["account_initial_password"]
    assert "¥" not in text


async def test_sealed_frozen_and_closed_accounts_explain_what_to_do(world: World) -> None:
    expected = {
        AccountStatus.SEALED: "账户已封存",
        AccountStatus.FROZEN: "账户已冻结",
        AccountStatus.CLOSED: "账户已销户",
    }
    for status, words in expected.items():
        # Close it after binding, as a retirement would.
        _, openid, person = await bound(world, oa=True)
        async with session_scope(world.sessionmaker) as session:
            account = await session.get(FundAccount, person.account.id)
            assert account is not None
            account.status = status
        text = await ask(world, openid, menu_keys.ACCOUNT_QUERY)
        assert words in text
        assert "12329" in text or "单位" in text


async def test_deposit_details(world: World) -> None:
    _, openid, _ = await bound(world, oa=True)
    text = await ask(world, openid, menu_keys.DEPOSIT_DETAILS)
    months = re.findall(r"^\d{4}年\d{1,2}月 ¥1,920\.00（单位¥960\.00，个人¥960\.00）$", text, re.M)
    assert len(months) == 3
    assert "/h5/deposits" in text
    assert await ask(world, openid, "", text="缴存明细") == text


async def test_withdrawal_progress(world: World) -> None:
    _, openid, person = await bound(world, oa=True)
    assert "您还没有提取申请" in await ask(world, openid, menu_keys.WITHDRAWAL_PROGRESS)
    await add_withdrawal(world, person.account.id, status=WithdrawalStatus.REJECTED)
    await add_withdrawal(world, person.account.id, status=WithdrawalStatus.UNDER_REVIEW)
    text = await ask(world, openid, menu_keys.WITHDRAWAL_PROGRESS)
    assert "租房提取 ¥4,500.00：审核中" in text
    assert "租房提取 ¥4,500.00：未通过" in text
    assert "原因：材料不全" in text
    assert "/h5/withdrawals" in text
    assert await ask(world, openid, "", text="提取进度") == text


async def test_loan_query_with_overdue_periods(world: World) -> None:
    _, openid, person = await bound(world, oa=True)
    assert "暂无正在还款的公积金贷款" in await ask(world, openid, menu_keys.LOAN_QUERY)
    contract = await add_loan(world, person.account.id, overdue=2)
    text = await ask(world, openid, menu_keys.LOAN_QUERY)
    assert f"合同号：{contract}" in text
    assert "贷款金额：¥400,000.00，240期，年利率3.1%，等额本息" in text
    assert "已还期数：34/240" in text
    assert re.search(rf"下次还款：\d{{4}}年\d{{1,2}}月{loan_due_day()}日 ¥[\d,]+\.\d\d", text)
    assert "已逾期2期" in text
    assert "/h5/loan" in text
    assert await ask(world, openid, "", text="贷款查询") == text


async def test_can_i_withdraw_answers_with_the_callers_own_precheck(world: World) -> None:
    born = clock.today_in_china().replace(month=1, day=1)
    thirty = make_id_no("510104", born.replace(year=born.year - 30), next_number() % 500 * 2 + 1)
    _, openid, person = await bound(world, oa=True, id_no=thirty)  # a man of 30
    text = await ask(world, openid, "", text="我能提取吗")
    lines = text.splitlines()
    assert lines[0] == "您现在可以申请的提取"
    assert "· 租房提取：最多¥4,500.00" in lines  # the cap: the balance is ¥5,760.00
    refused = lines[lines.index("暂不能申请") + 1 :]
    assert any(line.startswith("· 退休提取（销户）：") and "退休" in line for line in refused)
    assert any(line.startswith("· 偿还住房贷款提取（冲还贷）：未查询到") for line in refused)
    base = world.settings.server.public_base_url.rstrip("/")
    assert f'href="{base}/h5/withdrawals/new"' in text
    # Asked in other words, the same answer; the general guide points here.
    assert await ask(world, openid, "", text="我现在可以取吗") == text
    assert "我能提取吗" in await ask(world, openid, "", text="提取")

    async with session_scope(world.sessionmaker) as session:
        account = await session.get(FundAccount, person.account.id)
        assert account is not None
        account.status = AccountStatus.FROZEN
    frozen = await ask(world, openid, "", text="我能提取吗")
    assert frozen.startswith("您现在暂不能申请提取\n\n原因\n")
    assert "已冻结" in frozen
    assert "/h5/withdrawals/new" not in frozen


async def test_can_i_withdraw_asks_an_unbound_follower_to_bind(world: World) -> None:
    openid = f"o-unbound-{next_number()}"
    assert await ask(world, openid, "", text="我能提取吗") == texts(world)["binding"]


async def test_two_followers_texting_in_one_millisecond_each_get_their_own_answer(
    world: World,
) -> None:
    """The callback deduplicates on MsgId, which WeChat keeps unique across followers;
    `wxbackend sim`'s users must too, even when the clock stands still between them."""
    with time_machine.travel(clock.now(), tick=False):
        first = await ask(world, "o-same-ms-1", "", text="帮助")
        second = await ask(world, "o-same-ms-2", "", text="热线")
    assert "回复以下关键词获取帮助" in first
    assert "12329" in second
    assert second != first
