"""The WeChat stand-in's page (/sandbox/wechat/): its controls and recorded traffic."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from wxbackend.sandbox.pages import HOME, LATEST, NOTE, card, count, links, page, table, text
from wxbackend.sandbox.wechat.state import WeChatSandboxState


def _summary(kind: str, body: dict[str, Any]) -> str:
    if kind == "custom":
        content = body.get("text", {}).get("content") if body.get("msgtype") == "text" else None
        return str(content or body.get("msgtype", ""))
    return f"模板 {body.get('template_id', '')}"


def wechat_index_router(state: WeChatSandboxState) -> APIRouter:
    """GET / of the WeChat stand-in (/sandbox/wechat/)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def index() -> HTMLResponse:
        sent = [card(f"已发送：{kind}", *_sent(kind, items)) for kind, items in state.sent.items()]
        menus = [
            card(f"菜单 · {appid}", f"<pre>{escape(json.dumps(menu, ensure_ascii=False))}</pre>")
            for appid, menu in state.menus.items()
        ]
        calls = sorted(state.calls.items(), key=lambda item: -item[1])
        return page(
            "微信沙箱",
            [
                text(NOTE),
                card(
                    "控制与原始记录",
                    links(
                        [
                            ("_sandbox/docs", "控制接口：注入错误、签发登录 code、令牌过期、重置"),
                            ("_sandbox/stats", "调用统计（JSON）"),
                            *(
                                (f"_sandbox/sent?kind={k}", f"已发送 {k}（JSON）")
                                for k in state.sent
                            ),
                        ]
                    ),
                ),
                card(
                    "access_token 与接口调用",
                    count("令牌请求", state.token_requests),
                    count("签发令牌", state.tokens_issued),
                    table(["接口", "调用次数"], [(p, str(n)) for p, n in calls], empty="尚无调用"),
                ),
                *sent,
                *(menus or [card("菜单", text("尚未创建菜单（wxbackend menu push）。"))]),
            ],
            nav=HOME,
        )

    return router


def _sent(kind: str, items: list[dict[str, Any]]) -> list[str]:
    rows = [
        (str(i["msgid"]), i["appid"], str(i["body"].get("touser", "")), _summary(kind, i["body"]))
        for i in reversed(items[-LATEST:])
    ]
    return [
        count("条数", len(items)),
        table(["msgid", "appid", "touser", "内容"], rows, empty="尚无记录"),
    ]
