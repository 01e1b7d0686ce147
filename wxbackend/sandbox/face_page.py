"""The sandbox's stand-in for 慧眼's H5 face check: a page with four outcomes.

DetectAuth's Url points here. The person picks what "happened"; the page then sends the
browser to RedirectUrl with `token=<BizToken>` appended, as 慧眼 does, and
GetDetectInfoEnhanced answers accordingly (result codes as in
https://cloud.tencent.com/document/product/1007/31082).
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, cast, get_args
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wxbackend.clock import timestamp
from wxbackend.security.masking import mask_id_no, mask_name

FaceOutcome = Literal["pass", "fail", "other", "spoof"]
FACE_OUTCOMES: tuple[str, ...] = get_args(FaceOutcome)

_LABELS: dict[str, str] = {
    "pass": "本人通过",
    "fail": "人脸不匹配",
    "other": "他人冒用",
    "spoof": "活体攻击",
}

# "他人冒用": someone else's face passed, so 慧眼 reports *their* name and ID number.
OTHER_PERSON_NAME = "李四"
OTHER_PERSON_ID_NO = "110101199003070046"


BIZ_TOKEN_TTL_S = 7200.0  # time to do the check
RESULT_TTL_S = 3 * 86400.0  # time the result stays readable


class TencentError(Exception):
    """Answered as Tencent Cloud does: HTTP 200, {"Response": {"Error": {Code, Message}}}."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(code)


class FaceCheckClosed(TencentError):
    """The check cannot take an outcome any more: done already, or its token expired."""


@dataclass
class FaceCheck:
    biz_token: str
    rule_id: str
    id_card: str
    name: str
    extra: str
    redirect_url: str
    created_at: float
    outcome: FaceOutcome | None = None


def detect_text(
    *, outcome: str | None, expired: bool, name: str, id_card: str, extra: str
) -> dict[str, Any]:
    """GetDetectInfoEnhanced's Text for a check in this state."""
    text: dict[str, Any] = {
        "ErrCode": 17,
        "ErrMsg": "本次流程未完成",
        "IdCard": id_card,
        "Name": name,
        "Extra": extra,
        "LiveStatus": None,
        "LiveMsg": None,
        "Comparestatus": None,
        "Comparemsg": None,
        "Sim": None,
        "LivenessMode": 2,
        "UseIDType": 0,
    }
    if outcome is None:
        if expired:
            text.update(ErrCode=15, ErrMsg="Token 过期，请重试")
        return text
    if outcome == "spoof":
        text.update(
            ErrCode=1002, ErrMsg="疑似非真人录制", LiveStatus=1002, LiveMsg="疑似非真人录制"
        )
        return text
    text.update(LiveStatus=0, LiveMsg="成功")
    if outcome == "fail":
        text.update(ErrCode=2016, ErrMsg="无法判断为同一人，请确认身份后重试", Sim="41.27")
        text.update(Comparestatus=2016, Comparemsg="相似度未达到通过阈值")
        return text
    text.update(ErrCode=0, ErrMsg="成功", Comparestatus=0, Comparemsg="成功", Sim="93.56")
    if outcome == "other":
        text.update(Name=OTHER_PERSON_NAME, IdCard=OTHER_PERSON_ID_NO, Sim="90.12")
    return text


def redirect_target(redirect_url: str, biz_token: str) -> str | None:
    """RedirectUrl with token=<BizToken> added to its query, or None without one."""
    if not redirect_url:
        return None
    parts = urlsplit(redirect_url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), ("token", biz_token)]
    return urlunsplit(parts._replace(query=urlencode(query)))


@dataclass
class FaceChecks:
    """The 慧眼 checks started with DetectAuth, in memory."""

    page_url: str  # e.g. http://127.0.0.1:8000/sandbox/tencent/face
    clock: Callable[[], float] = timestamp
    checks: dict[str, FaceCheck] = field(default_factory=dict)

    def detect_auth(self, params: dict[str, Any]) -> dict[str, Any]:
        rule_id = str(params.get("RuleId") or "")
        if not rule_id:
            raise TencentError("MissingParameter", "缺少参数 RuleId。")
        token = str(uuid.uuid4()).upper()
        self.checks[token] = FaceCheck(
            biz_token=token,
            rule_id=rule_id,
            id_card=str(params.get("IdCard") or ""),
            name=str(params.get("Name") or ""),
            extra=str(params.get("Extra") or ""),
            redirect_url=str(params.get("RedirectUrl") or ""),
            created_at=self.clock(),
        )
        return {"BizToken": token, "Url": f"{self.page_url}/{token}"}

    def get_detect_info_enhanced(self, params: dict[str, Any]) -> dict[str, Any]:
        check = self.checks.get(str(params.get("BizToken") or ""))
        if check is None:
            raise TencentError("InvalidParameterValue.BizTokenIllegal", "BizToken不合法。")
        if check.rule_id != str(params.get("RuleId") or ""):
            raise TencentError("InvalidParameterValue.RuleIdNotExist", "RuleId 与 BizToken 不符。")
        age = self.clock() - check.created_at
        if age > RESULT_TTL_S:
            raise TencentError("InvalidParameterValue.BizTokenExpired", "BizToken过期。")
        text = detect_text(
            outcome=check.outcome,
            expired=age > BIZ_TOKEN_TTL_S,
            name=check.name,
            id_card=check.id_card,
            extra=check.extra,
        )
        return {"Text": text, "IdCardData": None, "BestFrame": None, "VideoData": None}

    def complete(self, biz_token: str, outcome: str) -> FaceCheck:
        """Record what the person chose; KeyError if unknown, ValueError if no outcome."""
        check = self.checks[biz_token]
        if outcome not in FACE_OUTCOMES:
            raise ValueError("unknown outcome")
        if check.outcome is not None:
            raise FaceCheckClosed("FailedOperation", "本次校验已完成。")
        if self.clock() - check.created_at > BIZ_TOKEN_TTL_S:
            raise FaceCheckClosed("InvalidParameterValue.BizTokenExpired", "核身链接已过期。")
        check.outcome = cast(FaceOutcome, outcome)
        return check


_STYLE = """
body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;
background:#f5f6f8;color:#222}
main{max-width:420px;margin:0 auto;padding:24px 16px}
h1{font-size:20px;margin:0 0 4px}p{color:#666;font-size:14px;line-height:1.6}
.card{background:#fff;border-radius:12px;padding:16px;margin:16px 0}
button{display:block;width:100%;margin:10px 0;padding:14px;font-size:17px;border:0;
border-radius:8px;background:#e9ecf1;color:#222}
button.pass{background:#07c160;color:#fff}
.note{font-size:12px;color:#999;text-align:center}
"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    document = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )
    return HTMLResponse(document, status_code=status)


def _message(title: str, text: str, status: int = 200) -> HTMLResponse:
    return _page(title, f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>", status)


def face_page_router(faces: FaceChecks) -> APIRouter:
    """GET shows the check; POST records the chosen outcome and redirects."""
    router = APIRouter()

    @router.get("/face/{biz_token}", response_class=HTMLResponse, include_in_schema=False)
    async def show(biz_token: str) -> Response:
        check = faces.checks.get(biz_token)
        if check is None:
            return _message("链接无效", "该人脸核身链接不存在或已失效。", 404)
        if check.outcome is not None:
            return _message("核身已完成", "本次人脸核身已完成，请返回业务页面。")
        buttons = "".join(
            f'<button name="outcome" value="{key}" class="{key}">{html.escape(label)}</button>'
            for key, label in _LABELS.items()
        )
        body = (
            "<h1>人脸核身（沙箱）</h1>"
            "<p>这是开发环境的模拟页面，不会采集人脸。请选择本次核身的结果。</p>"
            f'<div class="card"><p>姓名：{html.escape(mask_name(check.name))}<br>'
            f"身份证号：{html.escape(mask_id_no(check.id_card))}</p></div>"
            f'<form method="post" action="{html.escape(biz_token)}">{buttons}</form>'
            '<p class="note">腾讯云慧眼 · 模拟环境</p>'
        )
        return _page("人脸核身", body)

    @router.post("/face/{biz_token}", include_in_schema=False)
    async def choose(biz_token: str, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        try:
            check = faces.complete(biz_token, form.get("outcome", ""))
        except KeyError:
            return _message("链接无效", "该人脸核身链接不存在或已失效。", 404)
        except ValueError:
            return _message("请选择结果", "请返回上一页选择一个核身结果。", 422)
        except FaceCheckClosed as exc:
            return _message("无法完成", exc.message, 409)
        target = redirect_target(check.redirect_url, check.biz_token)
        if target is None:
            return _message("核身完成", "结果已提交，请返回业务页面。")
        return RedirectResponse(target, status_code=303)

    return router
