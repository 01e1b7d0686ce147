"""A local stand-in for the Tencent Cloud API (faceid 2018-03-01, sms 2021-01-11).

The real tencentcloud SDK talks to it through HttpProfile(endpoint=…, protocol="http"):
it posts to `http://<endpoint>` and signs TC3-HMAC-SHA256 with the canonical URI "/" and
the whole endpoint (path included) as Host. The sandbox checks that signature, then
dispatches on X-TC-Action. State is in memory, one process. See docs/sandbox-tencent.md.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from wxbackend import clock
from wxbackend.clock import timestamp
from wxbackend.sandbox import face_page
from wxbackend.sandbox.face_page import (
    FACE_OUTCOMES,
    FaceCheckClosed,
    FaceChecks,
    TencentError,
    redirect_target,
)
from wxbackend.tencent import tc3

SIGNATURE_WINDOW_S = 300
_CN = timedelta(hours=8)  # SMS daily limits reset at midnight Beijing time
_PHONE = re.compile(r"^\+861[3-9]\d{9}$")

# Action → (service in the credential scope, API version).
_ACTIONS: dict[str, tuple[str, str]] = {
    "DetectAuth": ("faceid", "2018-03-01"),
    "GetDetectInfoEnhanced": ("faceid", "2018-03-01"),
    "CheckBankCardInformation": ("faceid", "2018-03-01"),
    "BankCard4EVerification": ("faceid", "2018-03-01"),
    "SendSms": ("sms", "2021-01-11"),
}


# DOMAIN.md §8: real debit BINs, and credit ranges that look like them.
_DEBIT_BINS = {
    **dict.fromkeys(("621700", "622700", "436742", "622280"), "中国建设银行"),
    **dict.fromkeys(("622202", "622203", "622208", "620058"), "中国工商银行"),
    **dict.fromkeys(("621661", "621663", "601382", "456351"), "中国银行"),
    **dict.fromkeys(("622848", "622845", "622841"), "中国农业银行"),
}
_CREDIT_RANGES = (
    (622210, 622215, "中国工商银行"),
    (622750, 622765, "中国银行"),
    (622836, 622839, "中国农业银行"),
)


def _luhn_ok(card: str) -> bool:
    if not card.isdigit() or not 13 <= len(card) <= 19:
        return False
    digits = [int(d) for d in reversed(card)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0


def bank_card_info(card: str) -> dict[str, Any]:
    """CheckBankCardInformation's answer: AccountType 1 debit, 2 credit."""
    if not _luhn_ok(card):
        return {"Result": "-3", "Description": "银行卡不存在", "AccountType": None}
    bank, account_type = _DEBIT_BINS.get(card[:6]), 1
    for low, high, name in _CREDIT_RANGES:
        if low <= int(card[:6]) <= high:
            bank, account_type = name, 2
    if bank is None:
        return {"Result": "-1", "Description": "未查询到银行卡信息", "AccountType": None}
    return {
        "Result": "0",
        "Description": "查询成功",
        "AccountBank": bank,
        "AccountType": account_type,
    }


@dataclass(frozen=True)
class SandboxSms:
    phone: str
    sign_name: str
    template_id: str
    params: tuple[str, ...]
    sent_at: float


@dataclass
class TencentSandboxState:
    """What the sandbox knows: the one key pair it accepts, face checks, sent SMS."""

    secret_id: str
    secret_key: str
    # Where the sandbox is reachable from a browser, e.g. http://127.0.0.1:8000/sandbox/tencent
    public_url: str
    sms_daily_limit: int = 10
    # Cards BankCard4EVerification reports as not matching their holder's details.
    mismatched_cards: set[str] = field(default_factory=lambda: {"6217000010000000003"})
    clock: Callable[[], float] = timestamp
    sms: list[SandboxSms] = field(default_factory=list)
    faces: FaceChecks = field(init=False)

    def __post_init__(self) -> None:
        self.faces = FaceChecks(page_url=f"{self.public_url.rstrip('/')}/face", clock=self.clock)

    def check_signature(self, *, query: str, headers: Mapping[str, str], body: bytes) -> None:
        """Raise TencentError unless the request is signed with our key, recently."""
        auth = tc3.parse_authorization(headers.get("authorization", ""))
        if auth is None or not {"host", "content-type"} <= set(auth.signed_headers):
            raise TencentError("AuthFailure.InvalidAuthorization", "Authorization 格式不正确。")
        if not hmac.compare_digest(auth.secret_id, self.secret_id):
            raise TencentError("AuthFailure.SecretIdNotFound", "密钥不存在。")
        try:
            timestamp = int(headers.get("x-tc-timestamp", ""))
        except ValueError:
            raise TencentError(
                "AuthFailure.InvalidAuthorization", "X-TC-Timestamp 无效。"
            ) from None
        # The wire is checked against real time, whatever the state's clock says.
        if abs(clock.timestamp() - timestamp) > SIGNATURE_WINDOW_S:
            raise TencentError("AuthFailure.SignatureExpire", "签名过期，请检查本地时间。")
        action = headers.get("x-tc-action", "")
        service = _ACTIONS.get(action, ("", ""))[0]
        date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
        expected = tc3.signature(
            secret_key=self.secret_key,
            method="POST",
            canonical_uri="/",
            query=query,
            headers=headers,
            signed_headers=auth.signed_headers,
            body=body,
            timestamp=str(timestamp),
            date=date,
            service=auth.service,
        )
        if (
            auth.date != date
            or auth.service != service
            or not hmac.compare_digest(expected, auth.signature)
        ):
            raise TencentError(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated. "
                "Please check your signature is correct.",
            )

    def send_sms(self, params: dict[str, Any]) -> dict[str, Any]:
        for name in ("SmsSdkAppId", "SignName", "TemplateId", "PhoneNumberSet"):
            if not params.get(name):
                raise TencentError("MissingParameter", f"缺少参数 {name}。")
        statuses = [self._send_one(str(phone), params) for phone in params["PhoneNumberSet"]]
        return {"SendStatusSet": statuses}

    def _send_one(self, phone: str, params: dict[str, Any]) -> dict[str, Any]:
        status: dict[str, Any] = {
            "SerialNo": "",
            "PhoneNumber": phone,
            "Fee": 0,
            "SessionContext": str(params.get("SessionContext") or ""),
            "IsoCode": "CN",
        }
        now = self.clock()
        if not _PHONE.match(phone):
            status.update(
                Code="InvalidParameterValue.IncorrectPhoneNumber", Message="手机号格式错误"
            )
            return status
        today = datetime.fromtimestamp(now, UTC) + _CN
        sent_today = sum(
            1
            for sms in self.sms
            if sms.phone == phone
            and (datetime.fromtimestamp(sms.sent_at, UTC) + _CN).date() == today.date()
        )
        if sent_today >= self.sms_daily_limit:
            status.update(
                Code="LimitExceeded.PhoneNumberDailyLimit",
                Message="单个手机号日下发短信条数超过上限",
            )
            return status
        self.sms.append(
            SandboxSms(
                phone=phone,
                sign_name=str(params["SignName"]),
                template_id=str(params["TemplateId"]),
                params=tuple(str(p) for p in params.get("TemplateParamSet") or ()),
                sent_at=now,
            )
        )
        serial = f"2433:{secrets.token_hex(12)}"
        return {**status, "SerialNo": serial, "Fee": 1, "Code": "Ok", "Message": "send success"}

    def check_bank_card(self, params: dict[str, Any]) -> dict[str, Any]:
        return bank_card_info(str(params.get("BankCard") or ""))

    def bank_card_4e(self, params: dict[str, Any]) -> dict[str, Any]:
        card = str(params.get("BankCard") or "")
        if card in self.mismatched_cards:
            return {"Result": "-1", "Description": "认证未通过"}
        if bank_card_info(card)["Result"] != "0":
            return {"Result": "-4", "Description": "银行卡号码有误"}
        return {"Result": "0", "Description": "认证通过"}


_HANDLERS: dict[str, Callable[[TencentSandboxState, dict[str, Any]], dict[str, Any]]] = {
    "DetectAuth": lambda state, params: state.faces.detect_auth(params),
    "GetDetectInfoEnhanced": lambda state, params: state.faces.get_detect_info_enhanced(params),
    "SendSms": TencentSandboxState.send_sms,
    "CheckBankCardInformation": TencentSandboxState.check_bank_card,
    "BankCard4EVerification": TencentSandboxState.bank_card_4e,
}


def _answer(body: dict[str, Any], request_id: str) -> JSONResponse:
    # Exactly "application/json": the SDK only looks for an Error under that content type.
    return JSONResponse(
        {"Response": {**body, "RequestId": request_id}}, media_type="application/json"
    )


def tencent_sandbox_router(state: TencentSandboxState) -> APIRouter:
    """The API (POST at the router's root), the face page and /_sandbox controls.

    Include it with the prefix the endpoint setting names, e.g. prefix="/tencent" inside
    the sandbox app mounted at /sandbox → endpoint "127.0.0.1:8000/sandbox/tencent".
    """
    router = APIRouter()

    async def api(request: Request) -> JSONResponse:
        request_id = str(uuid.uuid4())
        body = await request.body()
        headers = {name.lower(): value for name, value in request.headers.items()}
        try:
            state.check_signature(query=request.url.query, headers=headers, body=body)
            action = headers.get("x-tc-action", "")
            if action not in _HANDLERS:
                raise TencentError("InvalidAction", f"接口 {action} 不存在。")
            if headers.get("x-tc-version") != _ACTIONS[action][1]:
                raise TencentError("NoSuchVersion", "接口版本不存在。")
            try:
                params = json.loads(body or b"{}")
            except ValueError:
                params = None
            if not isinstance(params, dict):
                raise TencentError("InvalidParameter", "请求体不是 JSON 对象。")
            result = _HANDLERS[action](state, params)
        except TencentError as exc:
            return _answer({"Error": {"Code": exc.code, "Message": exc.message}}, request_id)
        return _answer(result, request_id)

    # "" is the endpoint itself (…/sandbox/tencent); "/" is the same with a slash.
    router.add_api_route("", api, methods=["POST"], include_in_schema=False)
    router.add_api_route("/", api, methods=["POST"], include_in_schema=False)

    @router.post("/_sandbox/face/{biz_token}")
    async def complete_face(biz_token: str, request: Request) -> JSONResponse:
        """Finish a face check without a browser: {"outcome": "pass|fail|other|spoof"}."""
        try:
            body = await request.json()
            check = state.faces.complete(biz_token, str(body.get("outcome")))
        except KeyError:
            return JSONResponse({"detail": "unknown BizToken"}, status_code=404)
        except (ValueError, AttributeError):
            return JSONResponse({"detail": f"outcome must be one of {FACE_OUTCOMES}"}, 422)
        except FaceCheckClosed as exc:
            return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=409)
        redirect = redirect_target(check.redirect_url, check.biz_token)
        return JSONResponse({"outcome": check.outcome, "redirect_url": redirect})

    @router.get("/_sandbox/sms")
    async def sent_sms(phone: str | None = None) -> dict[str, Any]:
        """The SMS the sandbox has 'sent', oldest first; ?phone=13800138000 filters."""
        wanted = None if phone is None else "+86" + phone.removeprefix("+86")
        messages = [
            {
                "phone": sms.phone,
                "sign_name": sms.sign_name,
                "template_id": sms.template_id,
                "params": list(sms.params),
                "sent_at": sms.sent_at,
            }
            for sms in state.sms
            if wanted is None or sms.phone == wanted
        ]
        return {"messages": messages}

    router.include_router(face_page.face_page_router(state.faces))
    return router
