"""What certificate issuing and verifying refuse with."""

from __future__ import annotations

from wxbackend.errors import NotFound, TooManyRequests


class CertificateNotFound(NotFound):
    code = "certificate.not_found"
    default_message = "未找到该缴存证明。"


class TooManyCertificates(TooManyRequests):
    code = "certificate.too_many"
    default_message = "今日开具缴存证明次数已达上限，请明日再试。"
