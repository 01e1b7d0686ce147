"""The wechatpy adapters against the sandbox: what WeChat receives and what comes back."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from wxbackend.config import Settings
from wxbackend.sandbox.wechat.state import Fault
from wxbackend.store import Store
from wxbackend.wechat import build_wechat_gateways
from wxbackend.wechat.gateway import MiniProgramApi, OfficialAccountApi, WeChatApiError

if TYPE_CHECKING:
    from tests.sandbox_server import SandboxServer


JSCODE = "/sns/jscode2session"
MENU = {
    "button": [
        {"type": "click", "name": "公积金查询", "key": "QUERY_BALANCE"},
        {
            "name": "办事",
            "sub_button": [
                {"type": "view", "name": "提取指南", "url": "https://example.gov.cn/guide"},
                {"type": "location_select", "name": "附近网点", "key": "NEARBY"},
            ],
        },
    ]
}


@pytest.fixture
def gateways(wechat_settings: Settings, store: Store) -> tuple[OfficialAccountApi, MiniProgramApi]:
    return build_wechat_gateways(wechat_settings, store)


@pytest.fixture
def oa(gateways: tuple[OfficialAccountApi, MiniProgramApi]) -> OfficialAccountApi:
    return gateways[0]


@pytest.fixture
def mp(gateways: tuple[OfficialAccountApi, MiniProgramApi]) -> MiniProgramApi:
    return gateways[1]


def inject(sandbox: SandboxServer, path: str, errcode: int, *, delay_s: float = 0.0) -> None:
    sandbox.wechat.add_fault(path, Fault(errcode, "injected", delay_s, remaining=1))


async def test_send_template_twice_with_one_client_msg_id_sends_once(
    oa: OfficialAccountApi, wechat_sandbox: SandboxServer
) -> None:
    async def send() -> int:
        return await oa.send_template(
            openid="o-user-1",
            template_id="TPL_WITHDRAWAL",
            data={"thing1": "提取到账", "amount2": "¥1,200.00"},
            client_msg_id="withdrawal-42",
            url="https://example.gov.cn/w/42",
        )

    first = await send()
    second = await send()

    assert first == second
    sent = wechat_sandbox.wechat.sent["template"]
    assert len(sent) == 1
    assert sent[0]["body"]["client_msg_id"] == "withdrawal-42"
    assert sent[0]["body"]["data"] == {
        "thing1": {"value": "提取到账"},
        "amount2": {"value": "¥1,200.00"},
    }


async def test_menu_create_get_delete_round_trip(oa: OfficialAccountApi) -> None:
    await oa.delete_menu()
    assert await oa.get_menu() is None

    await oa.create_menu(MENU)
    assert await oa.get_menu() == MENU

    await oa.delete_menu()
    assert await oa.get_menu() is None


async def test_create_menu_with_too_long_name_is_refused(oa: OfficialAccountApi) -> None:
    with pytest.raises(WeChatApiError) as caught:
        await oa.create_menu({"button": [{"type": "click", "name": "一二三四五六", "key": "K"}]})
    assert caught.value.errcode == 40018


async def test_send_text_is_recorded_as_customer_service_message(
    oa: OfficialAccountApi, wechat_sandbox: SandboxServer
) -> None:
    await oa.send_text("o-user-1", "您的提取申请已受理。")

    (sent,) = wechat_sandbox.wechat.sent["custom"]
    assert sent["body"] == {
        "touser": "o-user-1",
        "msgtype": "text",
        "text": {"content": "您的提取申请已受理。"},
    }


async def test_send_subscribe_is_recorded(
    mp: MiniProgramApi, wechat_sandbox: SandboxServer, wechat_settings: Settings
) -> None:
    await mp.send_subscribe(
        openid="o-mini-1", template_id="TPL_SUB", data={"thing1": "审核通过"}, page="pages/a"
    )

    (sent,) = wechat_sandbox.wechat.sent["subscribe"]
    assert sent["appid"] == wechat_settings.wechat.mp.app_id
    assert sent["body"]["data"] == {"thing1": {"value": "审核通过"}}
    assert sent["body"]["page"] == "pages/a"


async def test_code_to_session_returns_the_users_openid(
    mp: MiniProgramApi, wechat_sandbox: SandboxServer
) -> None:
    code = wechat_sandbox.wechat.issue_code(kind="jscode", openid="o-mini-1", unionid="u-1")

    session = await mp.code_to_session(code)

    assert (session.openid, session.unionid) == ("o-mini-1", "u-1")
    assert session.session_key


async def test_code_to_session_with_unknown_code_is_40029(mp: MiniProgramApi) -> None:
    with pytest.raises(WeChatApiError) as caught:
        await mp.code_to_session("never-issued")
    assert caught.value.errcode == 40029


async def test_code_to_session_with_used_code_is_40163(
    mp: MiniProgramApi, wechat_sandbox: SandboxServer
) -> None:
    code = wechat_sandbox.wechat.issue_code(kind="jscode", openid="o-mini-1", unionid=None)
    await mp.code_to_session(code)

    with pytest.raises(WeChatApiError) as caught:
        await mp.code_to_session(code)
    assert caught.value.errcode == 40163


@pytest.mark.parametrize("errcode", [45011, 40226, -1])
async def test_code_to_session_surfaces_wechat_errors(
    mp: MiniProgramApi, wechat_sandbox: SandboxServer, errcode: int
) -> None:
    code = wechat_sandbox.wechat.issue_code(kind="jscode", openid="o-mini-1", unionid=None)
    inject(wechat_sandbox, JSCODE, errcode)

    with pytest.raises(WeChatApiError) as caught:
        await mp.code_to_session(code)
    assert caught.value.errcode == errcode


async def test_slow_wechat_times_out_as_errcode_minus_one(
    wechat_settings: Settings, store: Store, wechat_sandbox: SandboxServer
) -> None:
    fast = wechat_settings.wechat.model_copy(update={"timeout_s": 0.3})
    _, mp = build_wechat_gateways(wechat_settings.model_copy(update={"wechat": fast}), store)
    inject(wechat_sandbox, JSCODE, 0, delay_s=2.0)

    started = time.monotonic()
    with pytest.raises(WeChatApiError) as caught:
        await mp.code_to_session("any")
    assert caught.value.errcode == -1
    # Gave up on its own timeout instead of waiting for the late answer (2 s).
    assert time.monotonic() - started < 2.0


async def test_unreachable_wechat_is_errcode_minus_one_without_secret(
    wechat_settings: Settings, store: Store
) -> None:
    nowhere = wechat_settings.wechat.model_copy(update={"api_base_url": "http://127.0.0.1:9"})
    _, mp = build_wechat_gateways(wechat_settings.model_copy(update={"wechat": nowhere}), store)

    with pytest.raises(WeChatApiError) as caught:
        await mp.code_to_session("any")
    assert caught.value.errcode == -1
    assert wechat_settings.wechat.mp.app_secret.get_secret_value() not in str(caught.value)


async def test_oauth_identity_exchanges_a_code_once(
    oa: OfficialAccountApi, wechat_sandbox: SandboxServer
) -> None:
    code = wechat_sandbox.wechat.issue_code(kind="oauth", openid="o-user-1", unionid=None)

    identity = await oa.oauth_identity(code)

    assert identity.openid == "o-user-1"
    with pytest.raises(WeChatApiError) as caught:
        await oa.oauth_identity(code)
    assert caught.value.errcode == 40163
