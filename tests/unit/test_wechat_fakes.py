"""The gateway fakes behave like WeChat where other tests rely on it."""

from __future__ import annotations

import pytest

from wxbackend.wechat.fakes import FakeMiniProgram, FakeOfficialAccount, SentText
from wxbackend.wechat.gateway import WeChatApiError


async def test_send_text_is_recorded() -> None:
    oa = FakeOfficialAccount()
    await oa.send_text("o1", "您好")
    assert oa.sent_texts == [SentText("o1", "您好")]


async def test_send_template_is_idempotent_by_client_msg_id() -> None:
    oa = FakeOfficialAccount()
    first = await oa.send_template(openid="o1", template_id="T", data={}, client_msg_id="c1")
    second = await oa.send_template(openid="o1", template_id="T", data={}, client_msg_id="c1")
    assert first == second
    assert len(oa.sent_templates) == 1


async def test_oauth_code_works_once() -> None:
    oa = FakeOfficialAccount()
    oa.add_oauth_code("c", openid="o1")
    assert (await oa.oauth_identity("c")).openid == "o1"
    with pytest.raises(WeChatApiError) as caught:
        await oa.oauth_identity("c")
    assert caught.value.errcode == 40163


async def test_unknown_js_code_is_40029() -> None:
    with pytest.raises(WeChatApiError) as caught:
        await FakeMiniProgram().code_to_session("nope")
    assert caught.value.errcode == 40029


async def test_fail_next_raises_then_recovers() -> None:
    mp = FakeMiniProgram()
    mp.fail_next(43101)
    with pytest.raises(WeChatApiError):
        await mp.send_subscribe(openid="o1", template_id="T", data={"thing1": "x"})
    await mp.send_subscribe(openid="o1", template_id="T", data={"thing1": "x"})
    assert len(mp.sent_subscribes) == 1


async def test_menu_round_trip() -> None:
    oa = FakeOfficialAccount()
    menu = {"button": [{"type": "click", "name": "查询", "key": "Q"}]}
    await oa.create_menu(menu)
    assert await oa.get_menu() == menu
    await oa.delete_menu()
    assert await oa.get_menu() is None
