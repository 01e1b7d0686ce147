"""The sandbox's index pages: /sandbox/ lists the stand-ins; the Tencent Cloud and bank
pages link their control endpoints and show the traffic they recorded (personal data
masked). The WeChat stand-in's page is wechat/index.py.

Links are relative, so the pages work wherever the sandbox is mounted and whatever the
port or public base URL.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from wxbackend.money import format_yuan
from wxbackend.sandbox.bank_state import BankSandboxState
from wxbackend.sandbox.pages import (
    HOME,
    LATEST,
    NOTE,
    Link,
    card,
    count,
    links,
    page,
    table,
    text,
    when,
)
from wxbackend.sandbox.tencent import TencentSandboxState
from wxbackend.sandbox.wechat.state import WeChatSandboxState
from wxbackend.security.masking import mask_card_no, mask_id_no, mask_mobile, mask_name


def sandbox_index_router(
    *, wechat: WeChatSandboxState, tencent: TencentSandboxState, bank: BankSandboxState
) -> APIRouter:
    """GET / of the sandbox app (/sandbox/ in the service)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def index() -> HTMLResponse:
        sent = sum(len(items) for items in wechat.sent.values())
        return page(
            "wxbackend 沙箱",
            [
                text(NOTE),
                card(
                    "微信（api.weixin.qq.com · open.weixin.qq.com）",
                    text(
                        "公众号与小程序接口、access_token、菜单、消息、网页授权页、人脸核身 2.0。"
                    ),
                    count("已记录的消息", sent),
                    links([("wechat/", "概览与记录"), ("wechat/_sandbox/docs", "控制接口")]),
                ),
                card(
                    "腾讯云（慧眼人脸核身 · 银行卡核验 · 短信）",
                    text("Tencent Cloud SDK 通过 TC3 签名调用；慧眼核验页由这里提供。"),
                    count("已发送短信", len(tencent.sms)),
                    count("人脸核验", len(tencent.faces.checks)),
                    links([("tencent/", "概览与记录"), ("docs", "控制接口")]),
                ),
                card(
                    "代发银行",
                    text("签名的代发、查询和日终对账单；结果由卡号决定，可注入故障。"),
                    count("代发记录", len(bank.payments)),
                    links([("bank/", "概览与记录"), ("docs", "控制接口")]),
                ),
                card(
                    "本服务",
                    links(
                        [
                            ("../docs", "API 文档（Swagger UI）"),
                            ("../redoc", "API 文档（ReDoc）"),
                            ("../h5/", "公众号 H5 页面（经沙箱网页授权登录）"),
                            ("../readyz", "就绪检查"),
                        ]
                    ),
                ),
            ],
        )

    return router


def tencent_index_router(state: TencentSandboxState) -> APIRouter:
    """GET / of the Tencent Cloud stand-in (/sandbox/tencent/)."""
    router = APIRouter(include_in_schema=False)

    @router.get("")
    async def with_slash() -> RedirectResponse:
        # The endpoint itself only takes the SDK's POSTs; a browser wants the page.
        return RedirectResponse("tencent/")

    @router.get("/")
    async def index() -> HTMLResponse:
        sms = [
            (when(m.sent_at), mask_mobile(m.phone[-11:]), m.template_id, " ".join(m.params))
            for m in reversed(state.sms[-LATEST:])
        ]
        checks = list(state.faces.checks.values())[-LATEST:]
        faces: list[list[str | Link]] = [
            [
                when(c.created_at),
                mask_name(c.name),
                mask_id_no(c.id_card) if c.id_card else "",
                c.outcome or ("face/" + c.biz_token, "打开核验页"),
            ]
            for c in reversed(checks)
        ]
        return page(
            "腾讯云沙箱",
            [
                text(NOTE),
                card(
                    "控制与原始记录",
                    links(
                        [
                            ("../docs", "控制接口（完成人脸核验、查看短信）"),
                            ("_sandbox/sms", "已发送短信（JSON，含验证码）"),
                        ]
                    ),
                ),
                card("短信", table(["时间", "手机号", "模板", "参数"], sms, empty="尚未发送短信")),
                card(
                    "慧眼人脸核验",
                    table(["发起时间", "姓名", "身份证号", "结果"], faces, empty="尚无核验"),
                ),
            ],
            nav=HOME,
        )

    return router


def bank_index_router(state: BankSandboxState) -> APIRouter:
    """GET / of the bank stand-in (/sandbox/bank/)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def index() -> HTMLResponse:
        rows = [
            (
                when(p.received_at),
                p.reference,
                format_yuan(p.amount),
                mask_card_no(p.card_no),
                mask_name(p.holder_name),
                f"{p.status.value} {p.code}".strip(),
                str(p.requests),
            )
            for p in reversed(list(state.payments.values())[-LATEST:])
        ]
        headers = ["收到时间", "流水号", "金额", "卡号", "户名", "状态", "请求次数"]
        return page(
            "银行沙箱",
            [
                text(NOTE),
                card(
                    "控制与原始记录",
                    links(
                        [
                            ("../docs", "控制接口：注入故障、结算挂起的代发、声明卡类型、重置"),
                            ("_sandbox/payments", "代发记录（JSON）"),
                        ]
                    ),
                ),
                card(
                    "代发记录",
                    count("笔数", len(state.payments)),
                    table(headers, rows, empty="尚无代发"),
                ),
            ],
            nav=HOME,
        )

    return router
