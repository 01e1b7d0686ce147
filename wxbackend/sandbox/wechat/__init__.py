"""A local stand-in for api.weixin.qq.com (state in memory, one process)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from wxbackend.apidocs import install_api_docs
from wxbackend.sandbox.wechat import api, authorize, control
from wxbackend.sandbox.wechat.index import wechat_index_router
from wxbackend.sandbox.wechat.state import WeChatError, WeChatSandboxState
from wxbackend.sandbox.wechat_face import WeChatFaceState, wechat_face_router

__all__ = ["WeChatSandboxState", "create_wechat_sandbox"]


def _wechat_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, WeChatError):
        raise exc
    # WeChat reports errors in the body of an HTTP 200.
    return JSONResponse({"errcode": exc.errcode, "errmsg": exc.errmsg})


def _bad_body(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RequestValidationError):
        raise exc
    if "/_sandbox/" in request.url.path:
        return JSONResponse({"detail": exc.errors()}, status_code=422)
    # What WeChat answers to a body it cannot parse.
    return JSONResponse({"errcode": 47001, "errmsg": "data format error"})


def create_wechat_sandbox(
    state: WeChatSandboxState | None = None, *, face: WeChatFaceState | None = None
) -> FastAPI:
    """The WeChat API stand-in; pass `state` (and `face`) to inspect it from tests."""
    app = FastAPI(
        title="WeChat sandbox",
        docs_url=None,
        redoc_url=None,
        openapi_url="/_sandbox/openapi.json",
    )
    install_api_docs(app, docs_url="/_sandbox/docs")
    wechat = state or WeChatSandboxState()
    app.state.wechat_sandbox = wechat

    def is_valid_token(token: str) -> bool:
        try:
            wechat.app_for_token(token)
        except WeChatError:
            return False
        return True

    app.add_exception_handler(WeChatError, _wechat_error)
    app.add_exception_handler(RequestValidationError, _bad_body)
    app.include_router(api.router)
    app.include_router(control.router)
    app.include_router(wechat_index_router(wechat))
    app.include_router(authorize.router)
    app.include_router(wechat_face_router(is_valid_token=is_valid_token, state=face))
    return app
