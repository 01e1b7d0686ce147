"""Local stand-ins for external systems, mounted at /sandbox in development and tests.

`create_sandbox_app(settings)` serves the WeChat API under /wechat and Tencent Cloud under
/tencent (so the main app exposes them at /sandbox/wechat and /sandbox/tencent), and the
paying bank under /bank. State is in memory: the sandbox is single-process by design.
See docs/sandbox.md.
"""

from __future__ import annotations

from fastapi import FastAPI

from wxbackend.apidocs import install_api_docs
from wxbackend.config import Settings
from wxbackend.sandbox.bank import BankSandboxState, bank_sandbox_router
from wxbackend.sandbox.index import (
    bank_index_router,
    sandbox_index_router,
    tencent_index_router,
)
from wxbackend.sandbox.tencent import TencentSandboxState, tencent_sandbox_router
from wxbackend.sandbox.wechat import WeChatSandboxState, create_wechat_sandbox
from wxbackend.sandbox.wechat_face import WeChatFaceState

__all__ = [
    "BankSandboxState",
    "TencentSandboxState",
    "WeChatFaceState",
    "WeChatSandboxState",
    "create_sandbox_app",
    "create_wechat_sandbox",
]


def create_sandbox_app(
    settings: Settings,
    *,
    wechat: WeChatSandboxState | None = None,
    wechat_face: WeChatFaceState | None = None,
    tencent: TencentSandboxState | None = None,
    bank: BankSandboxState | None = None,
    public_url: str | None = None,
) -> FastAPI:
    """Every sandbox under one app: /wechat (API, OAuth page, face 2.0) and /tencent.

    `public_url` is where this app is reachable from a browser (default: the service's
    public base URL + /sandbox); the 慧眼 stand-in links its face page from there.
    """
    base = public_url or settings.server.public_base_url + "/sandbox"
    app = FastAPI(title="wxbackend sandbox", docs_url=None, redoc_url=None)
    # /sandbox/docs: the control endpoints of the Tencent Cloud and bank stand-ins.
    install_api_docs(app, docs_url="/docs")
    app.state.tencent = tencent or TencentSandboxState(
        secret_id=settings.tencent.secret_id.get_secret_value(),
        secret_key=settings.tencent.secret_key.get_secret_value(),
        public_url=base + "/tencent",
    )
    # Included, not mounted: the Tencent SDK posts to the endpoint itself (".../tencent"),
    # which a Mount would answer with a redirect built from the SDK's unusual Host header.
    app.include_router(
        tencent_sandbox_router(app.state.tencent), prefix="/tencent", tags=["Tencent Cloud"]
    )
    app.include_router(tencent_index_router(app.state.tencent), prefix="/tencent")
    app.state.bank = bank or BankSandboxState(
        merchant_id=settings.bank.merchant_id,
        api_key=settings.bank.api_key.get_secret_value(),
    )
    app.include_router(bank_sandbox_router(app.state.bank), prefix="/bank", tags=["bank"])
    app.include_router(bank_index_router(app.state.bank), prefix="/bank")
    app.state.wechat = wechat or WeChatSandboxState()
    app.mount("/wechat", create_wechat_sandbox(app.state.wechat, face=wechat_face))
    app.include_router(
        sandbox_index_router(
            wechat=app.state.wechat, tencent=app.state.tencent, bank=app.state.bank
        )
    )
    return app
