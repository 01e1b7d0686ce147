"""An in-memory SmsSender for unit tests: records messages, never sends.

sms = FakeSms()
await send_code(sms, ...)                      # code under test
assert sms.sent[-1].params[0] == "123456"
sms.fail_next("LimitExceeded.PhoneNumberDailyLimit")   # the next send raises it
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wxbackend.sms.gateway import e164, sms_error


@dataclass(frozen=True, slots=True)
class SentSms:
    phone: str  # +86 form
    template_id: str
    params: tuple[str, ...]


class FakeSms:
    def __init__(self, *, template_id: str = "100001") -> None:
        self.sent: list[SentSms] = []
        self._template_id = template_id
        self._failures: list[str] = []

    def fail_next(self, provider_code: str) -> None:
        """The next send raises the domain error for this Tencent Cloud code."""
        self._failures.append(provider_code)

    def sent_to(self, phone: str) -> list[SentSms]:
        return [sms for sms in self.sent if sms.phone == e164(phone)]

    async def send(
        self, *, phone: str, params: Sequence[str], template_id: str | None = None
    ) -> None:
        if self._failures:
            raise sms_error(self._failures.pop(0))
        self.sent.append(SentSms(e164(phone), template_id or self._template_id, tuple(params)))
