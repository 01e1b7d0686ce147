"""WeChat 人脸核身 2.0 for the WeChat sandbox: getverifyid, queryverifyinfo, and a control.

https://developers.weixin.qq.com/miniprogram/dev/server/API/face/api_getverifyid.html
https://developers.weixin.qq.com/miniprogram/dev/server/API/face/api_queryverifyinfo.html
The phone-side wx.requestFacialVerify is replaced by POST /_sandbox/face/{verify_id}.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from wxbackend.clock import timestamp

VERIFY_ID_TTL_S = 3600
# What the person "did" → verify_ret. 10000 passed; 10002 no usable face; 10004 the face
# is not the certificate holder's (someone else); 90002 the user cancelled.
OUTCOMES: dict[str, int] = {"pass": 10000, "fail": 10002, "other": 10004, "cancel": 90002}
NOT_DONE = 90000  # the sandbox's answer before the user finished (the real one is unspecified)
# A cert_hash or out_seq_no that is not the one the check was started with.
PARAMETER_ERROR = 10001


def _cert_hash(cert_type: str, cert_name: str, cert_no: str) -> str:
    def b64(value: str) -> str:
        return base64.b64encode(value.encode("utf-8")).decode("ascii")

    text = f"cert_type={b64(cert_type)}&cert_name={b64(cert_name)}&cert_no={b64(cert_no)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class VerifyCheck:
    openid: str
    out_seq_no: str
    cert_hash: str
    expires_at: float
    verify_ret: int = NOT_DONE


@dataclass
class WeChatFaceState:
    clock: Callable[[], float] = timestamp
    checks: dict[str, VerifyCheck] = field(default_factory=dict)

    def get_verify_id(self, body: dict[str, Any]) -> dict[str, Any]:
        cert = body.get("cert_info")
        if not isinstance(cert, dict) or cert.get("cert_type") != "IDENTITY_CARD":
            return {"errcode": 47001, "errmsg": "data format error"}
        fields = (body.get("out_seq_no"), body.get("openid"), cert.get("cert_name"))
        if not all(isinstance(v, str) and v for v in (*fields, cert.get("cert_no"))):
            return {"errcode": 47001, "errmsg": "data format error"}
        verify_id = "vid_" + secrets.token_urlsafe(24)
        self.checks[verify_id] = VerifyCheck(
            openid=str(body["openid"]),
            out_seq_no=str(body["out_seq_no"]),
            cert_hash=_cert_hash("IDENTITY_CARD", str(cert["cert_name"]), str(cert["cert_no"])),
            expires_at=self.clock() + VERIFY_ID_TTL_S,
        )
        return {"errcode": 0, "errmsg": "ok", "verify_id": verify_id, "expires_in": 3600}

    def query_verify_info(self, body: dict[str, Any]) -> dict[str, Any]:
        check = self.checks.get(str(body.get("verify_id") or ""))
        if check is None:
            return {"errcode": 40097, "errmsg": "invalid args: verify_id"}
        if str(body.get("openid") or "") != check.openid:
            return {"errcode": 40003, "errmsg": "invalid openid"}
        same_seq = hmac.compare_digest(str(body.get("out_seq_no") or ""), check.out_seq_no)
        same_cert = hmac.compare_digest(str(body.get("cert_hash") or ""), check.cert_hash)
        if not (same_seq and same_cert):
            return {"errcode": 0, "errmsg": "ok", "verify_ret": PARAMETER_ERROR}
        return {"errcode": 0, "errmsg": "ok", "verify_ret": check.verify_ret}

    def complete(self, verify_id: str, outcome: str) -> VerifyCheck:
        """KeyError if unknown; ValueError if the outcome is unknown or the id expired."""
        check = self.checks[verify_id]
        if outcome not in OUTCOMES or check.expires_at < self.clock():
            raise ValueError(outcome)
        check.verify_ret = OUTCOMES[outcome]
        return check


async def _json(request: Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def wechat_face_router(
    *, is_valid_token: Callable[[str], bool], state: WeChatFaceState | None = None
) -> APIRouter:
    """The two API calls (access_token checked with `is_valid_token`) and the control."""
    face = state or WeChatFaceState()
    router = APIRouter()

    async def call(
        request: Request, handler: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> JSONResponse:
        token = request.query_params.get("access_token", "")
        if not token:
            return JSONResponse({"errcode": 41001, "errmsg": "access_token missing"})
        if not is_valid_token(token):
            return JSONResponse({"errcode": 40001, "errmsg": "invalid credential"})
        body = await _json(request)
        if body is None:
            return JSONResponse({"errcode": 47001, "errmsg": "data format error"})
        return JSONResponse(handler(body))

    @router.post("/cityservice/face/identify/getverifyid")
    async def getverifyid(request: Request) -> JSONResponse:
        return await call(request, face.get_verify_id)

    @router.post("/cityservice/face/identify/queryverifyinfo")
    async def queryverifyinfo(request: Request) -> JSONResponse:
        return await call(request, face.query_verify_info)

    @router.post("/_sandbox/face/{verify_id}")
    async def complete(verify_id: str, request: Request) -> JSONResponse:
        """Stand in for wx.requestFacialVerify: {"outcome": "pass|fail|other|cancel"}."""
        body = await _json(request) or {}
        try:
            check = face.complete(verify_id, str(body.get("outcome")))
        except KeyError:
            return JSONResponse({"detail": "unknown verify_id"}, status_code=404)
        except ValueError:
            detail = f"outcome must be one of {sorted(OUTCOMES)}, before the id expires"
            return JSONResponse({"detail": detail}, status_code=422)
        return JSONResponse({"verify_id": verify_id, "verify_ret": check.verify_ret})

    return router
