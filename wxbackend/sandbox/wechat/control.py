"""Sandbox-only controls under /_sandbox: inspect, reset, inject faults, issue codes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from wxbackend.sandbox.wechat.api import StateDep
from wxbackend.sandbox.wechat.state import CodeKind, Fault, SentKind

router = APIRouter(prefix="/_sandbox", tags=["sandbox control"])

_ERRMSGS = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40029: "invalid code",
    40163: "code been used",
    40226: "high risk user",
    42001: "access_token expired",
    43101: "user refuse to accept the msg",
    45009: "reach max api daily quota limit",
    45011: "api minute-quota reach limit",
}


class FaultIn(BaseModel):
    path: str = Field(pattern=r"^/", examples=["/sns/jscode2session"])
    errcode: int = Field(-1, description="0 with delay_s > 0 delays a normal answer")
    errmsg: str | None = None
    count: int = Field(1, ge=1)
    delay_s: float = Field(0.0, ge=0, le=60)


class CodeIn(BaseModel):
    openid: str = Field(min_length=1)
    unionid: str | None = None
    kind: CodeKind = "jscode"


@router.get("/sent")
async def sent(state: StateDep, kind: SentKind) -> dict[str, Any]:
    """What was sent, oldest first: [{"appid", "msgid", "body"}]."""
    return {"items": state.sent[kind]}


@router.get("/stats")
async def stats(state: StateDep) -> dict[str, Any]:
    """Token fetches, tokens issued and calls per path."""
    return {
        "token_requests": state.token_requests,
        "tokens_issued": state.tokens_issued,
        "calls": state.calls,
    }


@router.post("/reset")
async def reset(state: StateDep) -> dict[str, Any]:
    state.reset()
    return {"ok": True}


@router.post("/faults")
async def add_fault(state: StateDep, fault: FaultIn) -> dict[str, Any]:
    errmsg = fault.errmsg or _ERRMSGS.get(fault.errcode, "injected by sandbox")
    state.add_fault(fault.path, Fault(fault.errcode, errmsg, fault.delay_s, fault.count))
    return {"ok": True}


@router.post("/codes")
async def issue_code(state: StateDep, body: CodeIn) -> dict[str, Any]:
    """A single-use login code for `openid`: kind "jscode" (wx.login) or "oauth" (H5)."""
    code = state.issue_code(kind=body.kind, openid=body.openid, unionid=body.unionid)
    return {"code": code}


@router.post("/tokens/expire")
async def expire_tokens(state: StateDep) -> dict[str, Any]:
    """Age every access_token past its lifetime: the next API call answers 42001."""
    return {"expired": state.expire_tokens()}
