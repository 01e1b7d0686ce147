"""Stand-ins for api.weixin.qq.com, under the same paths and with the same answers."""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from wxbackend.sandbox.wechat.menu import check_menu
from wxbackend.sandbox.wechat.state import WeChatError, WeChatSandboxState

OK: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}


def sandbox_state(request: Request) -> WeChatSandboxState:
    state: WeChatSandboxState = request.app.state.wechat_sandbox
    return state


async def json_body(request: Request) -> dict[str, Any]:
    """The JSON object posted; WeChat reads it whatever the Content-Type (wechatpy sends none)."""
    try:
        body = json.loads(await request.body())
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise WeChatError(47001, "data format error")
    return body


StateDep = Annotated[WeChatSandboxState, Depends(sandbox_state)]
JsonBody = Annotated[dict[str, Any], Depends(json_body)]


async def apply_faults(request: Request, state: StateDep) -> None:
    """Injected faults (POST /_sandbox/faults) come first, as if WeChat itself failed."""
    fault = state.take_fault(request.scope["route"].path)
    if fault is None:
        return
    if fault.delay_s > 0:
        await asyncio.sleep(fault.delay_s)
    if fault.errcode != 0:
        raise WeChatError(fault.errcode, fault.errmsg)


def token_app(state: StateDep, access_token: Annotated[str, Query()] = "") -> str:
    """The appid the call's access_token was issued to; 40001/42001 otherwise."""
    if not access_token:
        raise WeChatError(41001, "access_token missing")
    return state.app_for_token(access_token)


AppIdDep = Annotated[str, Depends(token_app)]
router = APIRouter(dependencies=[Depends(apply_faults)])


def _credentials(appid: object, secret: object) -> str:
    if not appid:
        raise WeChatError(41002, "appid missing")
    if not secret:
        raise WeChatError(41004, "appsecret missing")
    return str(appid)


@router.get("/cgi-bin/token")
async def token(
    state: StateDep,
    grant_type: str = "",
    appid: str = "",
    secret: str = "",
) -> dict[str, Any]:
    if grant_type != "client_credential":
        raise WeChatError(40002, "invalid grant_type")
    access_token, expires_in = state.plain_token(_credentials(appid, secret))
    return {"access_token": access_token, "expires_in": expires_in}


@router.post("/cgi-bin/stable_token")
async def stable_token(state: StateDep, body: JsonBody) -> dict[str, Any]:
    if body.get("grant_type") != "client_credential":
        raise WeChatError(40002, "invalid grant_type")
    app_id = _credentials(body.get("appid"), body.get("secret"))
    access_token, expires_in = state.stable_token(
        app_id, force_refresh=bool(body.get("force_refresh"))
    )
    return {"access_token": access_token, "expires_in": expires_in}


@router.post("/cgi-bin/menu/create")
async def menu_create(state: StateDep, app_id: AppIdDep, body: JsonBody) -> dict[str, Any]:
    check_menu(body)
    state.menus[app_id] = body
    return OK


@router.get("/cgi-bin/menu/get")
async def menu_get(state: StateDep, app_id: AppIdDep) -> dict[str, Any]:
    menu = state.menus.get(app_id)
    if menu is None:
        raise WeChatError(46003, "menu no exist")
    return {"menu": menu}


@router.get("/cgi-bin/menu/delete")
async def menu_delete(state: StateDep, app_id: AppIdDep) -> dict[str, Any]:
    state.menus.pop(app_id, None)
    return OK


@router.post("/cgi-bin/message/custom/send")
async def custom_send(state: StateDep, app_id: AppIdDep, body: JsonBody) -> dict[str, Any]:
    if not body.get("touser"):
        raise WeChatError(40003, "invalid openid")
    if body.get("msgtype") not in {"text", "image", "news", "mpnews", "miniprogrampage"}:
        raise WeChatError(40008, "invalid message type")
    state.record("custom", app_id, body)
    return OK


@router.post("/cgi-bin/message/template/send")
async def template_send(state: StateDep, app_id: AppIdDep, body: JsonBody) -> dict[str, Any]:
    if not body.get("touser"):
        raise WeChatError(40003, "invalid openid")
    if not body.get("template_id"):
        raise WeChatError(40037, "invalid template_id")
    client_msg_id = body.get("client_msg_id")
    key = (app_id, str(client_msg_id))
    # client_msg_id makes the send idempotent: a resend answers with the first msgid.
    if client_msg_id and key in state.template_msgids:
        return {**OK, "msgid": state.template_msgids[key]}
    msgid = state.record("template", app_id, body)
    if client_msg_id:
        state.template_msgids[key] = msgid
    return {**OK, "msgid": msgid}


@router.post("/cgi-bin/message/subscribe/send")
async def subscribe_send(state: StateDep, app_id: AppIdDep, body: JsonBody) -> dict[str, Any]:
    if not body.get("touser"):
        raise WeChatError(40003, "invalid openid")
    if not body.get("template_id"):
        raise WeChatError(40037, "invalid template_id")
    data = body.get("data")
    if not isinstance(data, dict) or not data:
        raise WeChatError(47003, "argument invalid! data is empty")
    for name, item in data.items():
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            raise WeChatError(47003, f"argument invalid! data.{name}.value is empty")
    state.record("subscribe", app_id, body)
    return OK


@router.get("/sns/jscode2session")
async def jscode2session(
    state: StateDep,
    appid: str = "",
    secret: str = "",
    js_code: str = "",
    grant_type: str = "",
) -> dict[str, Any]:
    _credentials(appid, secret)
    login = state.redeem_code(js_code, kind="jscode")
    answer: dict[str, Any] = {
        "openid": login.openid,
        # wx.login rotates session_key: every successful exchange hands out a new one.
        "session_key": secrets.token_urlsafe(16),
    }
    if login.unionid:
        answer["unionid"] = login.unionid
    return answer


@router.get("/sns/oauth2/access_token")
async def oauth2_access_token(
    state: StateDep,
    appid: str = "",
    secret: str = "",
    code: str = "",
    grant_type: str = "",
) -> dict[str, Any]:
    _credentials(appid, secret)
    login = state.redeem_code(code, kind="oauth")
    answer: dict[str, Any] = {
        "access_token": "sbx_web_" + secrets.token_urlsafe(16),
        "expires_in": 7200,
        "refresh_token": "sbx_refresh_" + secrets.token_urlsafe(16),
        "openid": login.openid,
        "scope": "snsapi_base",
    }
    if login.unionid:
        answer["unionid"] = login.unionid
    return answer
