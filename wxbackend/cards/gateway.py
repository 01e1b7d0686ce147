"""The bank card verification interface: card information and four-element matching."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from wxbackend.errors import UpstreamUnavailable

DEBIT = 1  # CheckBankCardInformation AccountType: 1 debit, 2 credit, 3 prepaid, 4 semi-credit


@dataclass(frozen=True, slots=True)
class CardInfo:
    """CheckBankCardInformation's answer; `bank` and `account_type` only when code is "0"."""

    code: str
    bank: str | None
    account_type: int | None
    charged: bool

    @property
    def found(self) -> bool:
        return self.code == "0"

    @property
    def is_debit(self) -> bool:
        return self.found and self.account_type == DEBIT


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """BankCard4EVerification's answer: matched only for Result "0"."""

    code: str
    matched: bool
    charged: bool


class CardVerificationUnavailable(UpstreamUnavailable):
    code = "card.verification_unavailable"
    default_message = "银行卡验证服务暂时不可用，请稍后再试。"


class BankCardVerifier(Protocol):
    """Tencent Cloud's bank card checks (faceid), or a fake."""

    async def check_card_info(self, card_no: str) -> CardInfo: ...

    async def verify_4e(self, *, name: str, id_no: str, card_no: str, mobile: str) -> VerifyResult:
        """Do name, ID number and mobile belong to this card's holder?"""
        ...
