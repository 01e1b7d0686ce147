"""Request and response bodies of the depositor's withdrawal API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from wxbackend.money import format_yuan
from wxbackend.withdraw.eligibility import KindEligibility
from wxbackend.withdraw.models import WithdrawalStatus
from wxbackend.withdraw.rules import RuleBook

STATUS_NAMES: dict[WithdrawalStatus, str] = {
    WithdrawalStatus.SUBMITTED: "已提交",
    WithdrawalStatus.UNDER_REVIEW: "审核中",
    WithdrawalStatus.APPROVED: "审核通过，待支付",
    WithdrawalStatus.PAYING: "支付中",
    WithdrawalStatus.PAID: "已到账",
    WithdrawalStatus.REJECTED: "未通过",
    WithdrawalStatus.CANCELLED: "已撤回",
    WithdrawalStatus.FAILED: "支付失败，款项已退回公积金账户",
    WithdrawalStatus.NEEDS_DOCUMENTS: "待补充材料",
    WithdrawalStatus.AWAITING_CARD: "待更换银行卡",
    WithdrawalStatus.PARKED: "支付结果确认中",
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


class ApplicationDraft(BaseModel):
    kind: str = Field(max_length=24)
    amount: str | None = Field(
        None,
        max_length=32,
        description='Yuan with at most 2 decimals, e.g. "1500.00"; null = the whole balance '
        "(closing kinds only)",
        examples=["1500.00"],
    )


class WithdrawalCreate(ApplicationDraft):
    password: str = Field(
        max_length=32, description="The query password: the depositor confirms the application"
    )


class ApplicationPreview(BaseModel):
    """What the depositor confirms before the application is filed."""

    kind: str
    kind_name: str
    amount: int = Field(description="Fen")
    amount_text: str
    amount_input: str | None = Field(description="The amount to send back; null = the balance")
    card: str = Field(description="Masked card the money goes to")
    closes_account: bool
    next_steps: str


class KindEligibilityRead(BaseModel):
    kind: str
    name: str
    eligible: bool
    reason: str | None = Field(description="Why not, and what to do (Chinese)")
    closes_account: bool
    max_amount: int = Field(description="Fen: the most this kind can take now")
    max_amount_text: str
    documents: list[DocumentKindRead]


def kind_eligibility_read(rules: RuleBook, found: KindEligibility) -> KindEligibilityRead:
    rule = found.rule
    return KindEligibilityRead(
        kind=rule.kind,
        name=rule.name,
        eligible=found.eligible,
        reason=found.refusal,
        closes_account=rule.closes_account,
        max_amount=found.max_amount,
        max_amount_text=format_yuan(found.max_amount),
        documents=[DocumentKindRead(kind=d, name=rules.document_names[d]) for d in rule.documents],
    )


class DocumentRead(BaseModel):
    id: int
    kind: str
    filename: str
    size: int
    name: str = ""


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
    documents: list[DocumentRead] = Field([], description="Files uploaded so far")
    documents_editable: bool = Field(False, description="Files may be added or removed")
    resubmittable: bool = Field(False, description="补件 complete: it may go back to review")
    events: list[WithdrawalEventRead] = []
    cancellable: bool = Field(False, description="The applicant may still withdraw it")
