"""Bank cards (银行卡): bind the holder's own Type-I debit card of a supported bank.

Build the verifier once at startup with `build_card_verifier(settings)`; tests use
`wxbackend.cards.fakes.FakeBankCardVerifier`. See docs/cards.md.
"""

from __future__ import annotations

from wxbackend.cards.gateway import (
    BankCardVerifier,
    CardInfo,
    CardVerificationUnavailable,
    VerifyResult,
)
from wxbackend.cards.tencent import TencentBankCardVerifier
from wxbackend.config import Settings


def build_card_verifier(settings: Settings) -> BankCardVerifier:
    """Tencent Cloud faceid at the configured endpoint (the sandbox in development)."""
    return TencentBankCardVerifier(settings.tencent)


__all__ = [
    "BankCardVerifier",
    "CardInfo",
    "CardVerificationUnavailable",
    "TencentBankCardVerifier",
    "VerifyResult",
    "build_card_verifier",
]
