"""Stand-in for open.weixin.qq.com/connect/oauth2/authorize: the WeChat client's side of
OAuth. A person picks which WeChat user they are; tests pass `sandbox_openid` and are
redirected at once. Either way a single-use OAuth code goes back to `redirect_uri`."""

from __future__ import annotations

from html import escape
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wxbackend.sandbox.wechat.api import StateDep

router = APIRouter(tags=["sandbox oauth"])

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>模拟微信授权</title>
<style>body{{font-family:sans-serif;margin:0;background:#ededed}}
main{{max-width:420px;margin:0 auto;padding:24px}}
.card{{background:#fff;border-radius:8px;padding:20px}}
input{{width:100%;box-sizing:border-box;padding:10px;margin:8px 0 16px;font-size:16px}}
button{{width:100%;padding:12px;border:0;border-radius:6px;background:#07c160;color:#fff;
font-size:17px}}
p.note{{color:#888;font-size:13px}}</style></head>
<body><main><div class="card">
<h2>沙箱 · 模拟微信网页授权</h2>
<p>公众号 <b>{appid}</b> 请求获取您的身份（静默授权 snsapi_base）。</p>
<form method="post">
<input type="hidden" name="redirect_uri" value="{redirect_uri}">
<input type="hidden" name="state" value="{state}">
<label>以哪个微信用户身份进入（openid）<input name="openid" value="{openid}" required></label>
<label>unionid（可不填）<input name="unionid" value=""></label>
<button type="submit" id="authorize">确认进入</button>
</form>
<p class="note">这是本地沙箱页面，真实环境中微信客户端会直接完成授权。</p>
</div></main></body></html>"""


def _redirect(
    state_store: StateDep, *, redirect_uri: str, state: str, openid: str, unionid: str | None
) -> Response:
    code = state_store.issue_code(kind="oauth", openid=openid, unionid=unionid or None)
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return RedirectResponse(
        redirect_uri + separator + urlencode({"code": code, "state": state}), status_code=302
    )


@router.get("/connect/oauth2/authorize", response_model=None)
async def authorize(
    state_store: StateDep,
    appid: str,
    redirect_uri: str,
    response_type: str = "code",
    scope: str = "snsapi_base",
    state: str = "",
    sandbox_openid: Annotated[str | None, Query()] = None,
    sandbox_unionid: Annotated[str | None, Query()] = None,
) -> Response:
    if response_type != "code" or scope not in ("snsapi_base", "snsapi_userinfo"):
        return HTMLResponse("参数错误：response_type 或 scope 无效", status_code=400)
    if len(state.encode()) > 128:
        return HTMLResponse("参数错误：state 超过128字节", status_code=400)
    if sandbox_openid:
        return _redirect(
            state_store,
            redirect_uri=redirect_uri,
            state=state,
            openid=sandbox_openid,
            unionid=sandbox_unionid,
        )
    page = _PAGE.format(
        appid=escape(appid),
        redirect_uri=escape(redirect_uri),
        state=escape(state),
        openid="o-sandbox-user",
    )
    return HTMLResponse(page)


@router.post("/connect/oauth2/authorize", response_model=None)
async def authorize_submit(
    state_store: StateDep,
    redirect_uri: Annotated[str, Form()],
    state: Annotated[str, Form()],
    openid: Annotated[str, Form(min_length=1, max_length=64)],
    unionid: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    return _redirect(
        state_store, redirect_uri=redirect_uri, state=state, openid=openid, unionid=unionid
    )
