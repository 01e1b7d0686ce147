"""Domain errors: a stable code, a Chinese message for the user, an HTTP status.

Services raise these; one handler in app.py renders them. Services never raise
HTTPException.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar


class DomainError(Exception):
    """Base of every error a user may see."""

    code: ClassVar[str] = "error"
    status: ClassVar[int] = 400
    default_message: ClassVar[str] = "请求无法完成，请稍后再试。"

    def __init__(self, message: str | None = None, **detail: Any) -> None:
        self.message = message or self.default_message
        self.detail = detail
        super().__init__(self.message)

    def retry_after_s(self, now: datetime) -> int | None:
        """Seconds until trying again makes sense (429, 423, 503), from the detail."""
        if self.status not in (423, 429, 503):
            return None
        wait = self.detail.get("retry_after_s")
        if isinstance(wait, int | float):
            return max(1, int(wait))
        unlock_at = self.detail.get("unlock_at")
        if isinstance(unlock_at, str):
            try:
                return max(1, int((datetime.fromisoformat(unlock_at) - now).total_seconds()))
            except ValueError:
                pass
        return 60


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = "未找到相关信息。"


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 422
    default_message = "填写的信息有误，请检查后重试。"


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = "操作与当前状态冲突，请刷新后重试。"


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    default_message = "无权进行此操作。"


class Unauthenticated(DomainError):
    code = "unauthenticated"
    status = 401
    default_message = "登录已失效，请重新进入。"


class TooManyRequests(DomainError):
    code = "too_many_requests"
    status = 429
    default_message = "操作过于频繁，请稍后再试。"


class UpstreamUnavailable(DomainError):
    code = "upstream_unavailable"
    status = 503
    default_message = "服务繁忙，请稍后再试。"
