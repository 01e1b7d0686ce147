"""Request and response bodies of the bank card API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from wxbackend.cards.models import CardStatus


class CardCreate(BaseModel):
    card_no: str = Field(
        min_length=16, max_length=23, description="Card number; spaces between groups allowed"
    )
    confirm_type1: bool = Field(
        description="The holder confirms this is their own Type-I (I类) account; must be true"
    )
    password: str | None = Field(
        None,
        max_length=32,
        description="6-digit query password; required when replacing an active card",
    )


class BankRead(BaseModel):
    code: str
    name: str


class CardRead(BaseModel):
    masked_card_no: str = Field(description="First 6 + last 4, e.g. 622202*********1234")
    bank_code: str
    bank_name: str
    status: CardStatus
    bound_at: datetime
    notice: str | None = Field(None, description="Why the card cannot be used, when it cannot")


class ActiveCardRead(BaseModel):
    card: CardRead | None = Field(description="Null when no card is bound")
    supported_banks: list[BankRead] = Field(description="Banks whose cards may be bound")
    type1_explained: str
