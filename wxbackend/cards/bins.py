"""The BIN table and the banks each district supports, loaded from TOML and validated once."""

from __future__ import annotations

import enum
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Self

from pydantic import BaseModel, Field, PrivateAttr, field_validator, model_validator

DEFAULT_BINS = Path(__file__).with_name("bins.toml")
BIN_LENGTH = 6
DEFAULT_DISTRICT = "default"


class CardKind(enum.StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


@dataclass(frozen=True, slots=True)
class Issuer:
    """What the first six digits say: which bank, and whether debit or credit."""

    bank_code: str
    bank_name: str
    kind: CardKind


class Bank(BaseModel):
    model_config = {"frozen": True, "extra": "forbid"}

    name: str = Field(min_length=1)


class BinRange(BaseModel):
    model_config = {"frozen": True, "extra": "forbid"}

    bank: str
    kind: CardKind
    prefixes: tuple[str, ...] = Field(min_length=1)

    @field_validator("prefixes")
    @classmethod
    def _six_digits(cls, prefixes: tuple[str, ...]) -> tuple[str, ...]:
        for item in prefixes:
            low, _, high = item.partition("-")
            high = high or low
            for part in (low, high):
                if len(part) != BIN_LENGTH or not part.isdigit():
                    raise ValueError(f"BIN {item!r}: expected 6 digits or 'low-high'")
            if int(low) > int(high):
                raise ValueError(f"BIN range {item!r} is reversed")
        return prefixes

    def expand(self) -> list[str]:
        out: list[str] = []
        for item in self.prefixes:
            low, _, high = item.partition("-")
            out.extend(f"{n:06d}" for n in range(int(low), int(high or low) + 1))
        return out


class BinTable(BaseModel):
    """Banks, their BINs and the districts' supported banks; lookups by card number."""

    model_config = {"frozen": True, "extra": "forbid", "populate_by_name": True}

    banks: dict[str, Bank]
    ranges: tuple[BinRange, ...] = Field(alias="bin", min_length=1)
    districts: dict[str, tuple[str, ...]]
    _by_prefix: dict[str, Issuer] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for rng in self.ranges:
            if rng.bank not in self.banks:
                raise ValueError(f"BIN range names unknown bank {rng.bank!r}")
        seen: dict[str, str] = {}
        for rng in self.ranges:
            for prefix in rng.expand():
                if prefix in seen:
                    raise ValueError(f"BIN {prefix} listed twice ({seen[prefix]}, {rng.bank})")
                seen[prefix] = rng.bank
                self._by_prefix[prefix] = Issuer(rng.bank, self.banks[rng.bank].name, rng.kind)
        if DEFAULT_DISTRICT not in self.districts:
            raise ValueError("[districts] needs a 'default' list")
        for district, codes in self.districts.items():
            unknown = set(codes) - set(self.banks)
            if unknown or not codes:
                raise ValueError(f"district {district!r}: unknown or no banks {sorted(unknown)}")
        return self

    def issuer(self, card_no: str) -> Issuer | None:
        """The issuer by the card's first six digits; None for a BIN we do not know."""
        return self._by_prefix.get(card_no[:BIN_LENGTH])

    def supported_banks(self, district: str | None) -> tuple[str, ...]:
        """Bank codes accepted for an account in `district` (its employer's district)."""
        if district and district in self.districts:
            return self.districts[district]
        return self.districts[DEFAULT_DISTRICT]

    def bank_name(self, bank_code: str) -> str:
        bank = self.banks.get(bank_code)
        return bank.name if bank else bank_code

    def bank_names(self, bank_codes: tuple[str, ...]) -> str:
        """「中国建设银行、中国工商银行」 for messages."""
        return "、".join(self.bank_name(code) for code in bank_codes)


def load_bins(path: Path | str | None = None) -> BinTable:
    """Read and validate a BIN file (default: the one shipped with the package)."""
    with Path(path or DEFAULT_BINS).open("rb") as handle:
        return BinTable.model_validate(tomllib.load(handle))


@cache
def default_bins() -> BinTable:
    return load_bins()
