"""A deterministic BankCardVerifier for tests and offline demos: no I/O, nothing billed.

    cards = FakeBankCardVerifier()
    cards.set_holder(card_no, name="张三", id_no=..., mobile=...)   # 4E matches only them
    cards.set_verify_code(card_no, "-13")                           # the card is lost
    cards.set_card_info(card_no, code="0", account_type=2)          # Tencent says credit

By default a card's information follows the shipped BIN table (debit → AccountType 1,
credit → 2, unknown BIN → "-1") and 4E matches anyone not excluded by `set_holder`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wxbackend.cards.bins import BinTable, CardKind, default_bins
from wxbackend.cards.codes import describe
from wxbackend.cards.gateway import CardInfo, CardVerificationUnavailable, VerifyResult
from wxbackend.security.masking import mask_card_no


@dataclass
class FakeBankCardVerifier:
    bins: BinTable = field(default_factory=default_bins)
    unavailable: bool = False
    # Every call, card masked: ("check_card_info" | "verify_4e", "622202*********1234").
    calls: list[tuple[str, str]] = field(default_factory=list)
    _infos: dict[str, CardInfo] = field(default_factory=dict)
    _codes: dict[str, str] = field(default_factory=dict)
    _holders: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    def set_card_info(self, card_no: str, *, code: str = "0", account_type: int | None) -> None:
        issuer = self.bins.issuer(card_no)
        self._infos[card_no] = CardInfo(
            code=code,
            bank=issuer.bank_name if issuer and code == "0" else None,
            account_type=account_type if code == "0" else None,
            charged=describe("check_card_info", code).charged,
        )

    def set_verify_code(self, card_no: str, code: str) -> None:
        self._codes[card_no] = code

    def set_holder(self, card_no: str, *, name: str, id_no: str, mobile: str) -> None:
        self._holders[card_no] = (name, id_no, mobile)

    def count(self, action: str) -> int:
        return sum(1 for called, _ in self.calls if called == action)

    async def check_card_info(self, card_no: str) -> CardInfo:
        self._call("check_card_info", card_no)
        if card_no in self._infos:
            return self._infos[card_no]
        issuer = self.bins.issuer(card_no)
        if issuer is None:
            return CardInfo(code="-1", bank=None, account_type=None, charged=True)
        kind = 1 if issuer.kind is CardKind.DEBIT else 2
        return CardInfo(code="0", bank=issuer.bank_name, account_type=kind, charged=True)

    async def verify_4e(self, *, name: str, id_no: str, card_no: str, mobile: str) -> VerifyResult:
        self._call("verify_4e", card_no)
        code = self._codes.get(card_no, "0")
        holder = self._holders.get(card_no)
        if code == "0" and holder is not None and holder != (name, id_no, mobile):
            code = "-1"
        return VerifyResult(
            code=code, matched=code == "0", charged=describe("verify_4e", code).charged
        )

    def _call(self, action: str, card_no: str) -> None:
        if self.unavailable:
            raise CardVerificationUnavailable(sdk_code="FailedOperation.Fake")
        self.calls.append((action, mask_card_no(card_no)))
