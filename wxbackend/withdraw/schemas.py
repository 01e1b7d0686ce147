"""Request and response bodies of the depositor's withdrawal API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from wxbackend.withdraw.models import WithdrawalStatus

STATUS_NAMES: dict[WithdrawalStatus, str] = {
    WithdrawalStatus.SUBMITTED: "已提交",
    WithdrawalStatus.UNDER_REVIEW: "审核中",
    WithdrawalStatus.APPROVED: "审核通过，待支付",
    WithdrawalStatus.PAYING: "支付中",
    WithdrawalStatus.PAID: "已到账",
    WithdrawalStatus.REJECTED: "未通过",
    WithdrawalStatus.CANCELLED: "已撤回",
    WithdrawalStatus.FAILED: "支付失败，款项已退回公积金账户",
}


def status_word(status: WithdrawalStatus | str, *, documents_missing: bool = False) -> str:
    """What a withdrawal's status is called on every page, reply and desk; unknown as stored.

    A submitted application still missing documents says so: 待上传材料.
    """
    if documents_missing and status == WithdrawalStatus.SUBMITTED:
        return "待上传材料"
    try:
        return STATUS_NAMES[WithdrawalStatus(status)]
    except ValueError:
        return str(status)


class DocumentKindRead(BaseModel):
    kind: str
    name: str


class WithdrawalKindRead(BaseModel):
    kind: str
    name: str
    closes_account: bool
    max_amount: int | None = Field(description="Fen; null = up to the whole balance")
    documents: list[DocumentKindRead]
    review: str


class WithdrawalCreate(BaseModel):
    kind: str = Field(max_length=24)
    amount: str | None = Field(
        None,
        max_length=16,
        description='Yuan with at most 2 decimals, e.g. "1500.00"; null = the whole balance',
        examples=["1500.00"],
    )


class WithdrawalEventRead(BaseModel):
    status: WithdrawalStatus
    status_name: str
    note: str | None
    at: datetime


class WithdrawalRead(BaseModel):
    id: int
    kind: str
    kind_name: str
    amount: int = Field(description="Fen")
    amount_text: str = Field(description="¥1,500.00")
    status: WithdrawalStatus
    status_name: str
    reason: str | None
    card: str = Field(description="Masked card the money goes to")
    closes_account: bool = False
    applied_on: date
    paid_at: datetime | None
    documents_missing: list[DocumentKindRead] = []
    events: list[WithdrawalEventRead] = []
    cancellable: bool = Field(False, description="The applicant may still withdraw it")


class DocumentRead(BaseModel):
    id: int
    kind: str
    filename: str
    size: int
