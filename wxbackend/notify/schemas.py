"""What the mini-program reports after wx.requestSubscribeMessage, and what it gets back."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ConsentCreate(BaseModel):
    """Template ids the user answered "accept" for (one consent each)."""

    accepted: list[str] = Field(default_factory=list, max_length=20)


class ConsentRead(BaseModel):
    """Sends left per template id, for the templates just reported."""

    remaining: dict[str, int]


class SmsChoicesRead(BaseModel):
    """Which notice SMS the holder takes; verification codes and security notices always go."""

    deposit: bool = Field(description="An SMS when a month's contribution is booked")
    withdrawal: bool = Field(description="SMS about withdrawal applications and payouts")


class SmsChoicesUpdate(BaseModel):
    deposit: bool
    withdrawal: bool
