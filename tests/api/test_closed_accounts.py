"""Closed and sealed accounts: they sign up, read their history, and are told what not."""

from __future__ import annotations

import secrets

from tests.api.signing_world import PASSWORD, Person, World
from tests.api.test_account_callback import ask
from tests.api.test_h5_pages import logged_in, sign_up_through_pages
from tests.builders import luhn_complete, make_card, month_start
from wxbackend import clock
from wxbackend.db import session_scope
from wxbackend.fund import service as fund
from wxbackend.fund.models import AccountStatus
from wxbackend.handlers import menu_keys

CLOSED_SAYS = "该公积金账户已销户，不能再申请提取、绑定或更换银行卡"


async def _closed_person(world: World) -> Person:
    """Like the demo's 杨丽华: years of deposits, then retired and closed."""
    person = await world.person(name="杨丽华")
    async with session_scope(world.sessionmaker) as session:
        await make_card(session, world.vault, person.account)
        await fund.close_account(
            session, person.account.id, on=month_start(clock.today_in_china(), 1)
        )
    return person


async def test_a_closed_account_signs_up_and_reads_its_history(world: World) -> None:
    person = await _closed_person(world)
    token = await world.mp_login()
    await world.sign_up(token, person)  # used to stop at "身份信息核验未通过"

    overview = (await world.call(token, "GET", "/api/account")).json()
    assert overview["status"] == AccountStatus.CLOSED.value
    assert overview["status_label"] == "销户"
    assert "历史记录仍可查询" in overview["status_note"]
    # The three months before this one, whichever years they fall in.
    years = {month_start(clock.today_in_china(), back).year for back in (1, 2, 3)}
    total = 0
    for year in years:
        page = await world.call(token, "GET", f"/api/account/deposits?year={year}")
        total += page.json()["total"]
    assert total == 3
    assert (await world.call(token, "GET", "/api/withdrawals")).status_code == 200


async def test_a_closed_account_is_told_plainly_what_it_cannot_do(world: World) -> None:
    person = await _closed_person(world)
    token = await world.mp_login()
    await world.sign_up(token, person)
    applied = await world.client.post(
        "/api/withdrawals",
        json={"kind": "rent", "amount": "100.00", "password": PASSWORD},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": secrets.token_hex(8)},
    )
    assert (applied.status_code, applied.json()["code"]) == (403, "binding.account_closed")
    assert applied.json()["message"].startswith(CLOSED_SAYS)
    card = await world.call(
        token, "POST", "/api/cards", {"card_no": luhn_complete("622202"), "confirm_type1": True}
    )
    assert card.json()["code"] == "binding.account_closed"


async def test_the_h5_pages_of_a_closed_account(world: World) -> None:
    person = await _closed_person(world)
    await logged_in(world)
    await sign_up_through_pages(world, person)
    account = await world.client.get("/h5/account")
    assert account.status_code == 200
    assert "账户已销户" in account.text
    deposits = await world.client.get("/h5/deposits")
    assert deposits.status_code == 200
    apply = await world.client.get("/h5/withdrawals/new")
    assert apply.status_code == 403
    assert CLOSED_SAYS in apply.text
    assert 'name="amount"' not in apply.text  # no form to fill in for nothing


async def test_the_chat_tells_a_closed_account_its_state(world: World) -> None:
    person = await _closed_person(world)
    openid = "o-closed-" + secrets.token_hex(4)
    token = await world.h5_login(openid)
    await world.sign_up(token, person)
    text = await ask(world, openid, menu_keys.ACCOUNT_QUERY)
    assert "账户已销户" in text
    assert "历史记录仍可查询" in text


async def test_a_sealed_account_signs_up_and_is_told_which_withdrawals_remain(
    world: World,
) -> None:
    person = await world.person(status=AccountStatus.SEALED)
    token = await world.mp_login()
    await world.sign_up(token, person)
    overview = (await world.call(token, "GET", "/api/account")).json()
    assert overview["status_label"] == "封存"
    async with session_scope(world.sessionmaker) as session:
        await make_card(session, world.vault, person.account)
    rent = await world.client.post(
        "/api/withdrawals",
        json={"kind": "rent", "amount": "100.00", "password": PASSWORD},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": secrets.token_hex(8)},
    )
    assert rent.status_code == 422, rent.text
    assert "您的账户当前为封存状态" in rent.json()["message"]
