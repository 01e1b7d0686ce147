"""What the staff API takes and returns. Personal data leaves masked."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from wxbackend.security.masking import mask_account_no, mask_id_no, mask_name
from wxbackend.staff.queue import QueueRow
from wxbackend.staff.service import WithdrawalFile
from wxbackend.withdraw.models import (
    Withdrawal,
    WithdrawalDocument,
    WithdrawalEvent,
    WithdrawalStatus,
)

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class StaffLoginCreate(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)
    # The current 6-digit TOTP code (enrolled on the desk, /desk/login).
    otp: str = Field("", max_length=8)


class StaffLoginRead(BaseModel):
    token: str
    expires_in: int
    username: str
    role: str


class ApprovalCreate(BaseModel):
    note: Note | None = None


class RejectionCreate(BaseModel):
    reason: Reason


class DocumentsRequestCreate(BaseModel):
    """补件: what the applicant must add, and why."""

    reason: Reason
    documents: list[Annotated[str, StringConstraints(max_length=32)]] = Field(
        min_length=1, max_length=10, description="Document kinds from the rules file"
    )


class QueueItemRead(BaseModel):
    id: int
    holder_name: str
    account_no: str
    kind: str
    amount: int  # fen
    closes_account: bool
    status: WithdrawalStatus
    status_name: str
    applied_on: date
    documents: int

    @classmethod
    def of(cls, row: QueueRow) -> QueueItemRead:
        w = row.withdrawal
        return cls(
            id=w.id,
            holder_name=mask_name(row.holder_name),
            account_no=mask_account_no(row.account_no),
            kind=w.kind,
            amount=w.amount,
            closes_account=w.closes_account,
            status=w.status,
            status_name=row.status_name,
            applied_on=w.applied_on,
            documents=row.documents,
        )


class QueueRead(BaseModel):
    items: list[QueueItemRead]


class EventRead(BaseModel):
    from_status: str | None
    to_status: str
    actor: str
    note: str | None
    at: datetime

    @classmethod
    def of(cls, event: WithdrawalEvent) -> EventRead:
        return cls(
            from_status=event.from_status,
            to_status=event.to_status,
            actor=event.actor,
            note=event.note,
            at=event.at,
        )


class DocumentRead(BaseModel):
    id: int
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime

    @classmethod
    def of(cls, document: WithdrawalDocument) -> DocumentRead:
        return cls(
            id=document.id,
            kind=document.kind,
            filename=document.filename,
            content_type=document.content_type,
            size=document.size,
            sha256=document.sha256,
            uploaded_at=document.uploaded_at,
        )


class WithdrawalDetailRead(BaseModel):
    id: int
    status: WithdrawalStatus
    status_name: str
    kind: str
    amount: int  # fen
    closes_account: bool
    applied_on: date
    reason: str | None
    holder_name: str
    id_no: str
    account_no: str
    account_status: str
    card: str | None
    bank_code: str | None
    events: list[EventRead]
    documents: list[DocumentRead]

    @classmethod
    def of(cls, found: WithdrawalFile) -> WithdrawalDetailRead:
        w, account = found.withdrawal, found.account
        return cls(
            id=w.id,
            status=w.status,
            status_name=found.status_name,
            kind=w.kind,
            amount=w.amount,
            closes_account=w.closes_account,
            applied_on=w.applied_on,
            reason=w.reason,
            holder_name=account.name_masked,
            id_no=mask_id_no(found.id_no),
            account_no=mask_account_no(account.account_no),
            account_status=account.status.value,
            card=found.card.masked if found.card else None,
            bank_code=found.card.bank_code if found.card else None,
            events=[EventRead.of(e) for e in found.events],
            documents=[DocumentRead.of(d) for d in found.documents],
        )


class DecisionRead(BaseModel):
    id: int
    status: WithdrawalStatus


class ParkedPayoutRead(BaseModel):
    """A payout whose outcome stayed unknown: for an operator to resolve."""

    id: int
    bank_reference: str
    amount: int  # fen
    kind: str
    attempts: int
    last_error: str | None
    since: datetime

    @classmethod
    def of(cls, w: Withdrawal) -> ParkedPayoutRead:
        return cls(
            id=w.id,
            bank_reference=w.bank_reference,
            amount=w.amount,
            kind=w.kind,
            attempts=w.payout_attempts,
            last_error=w.last_payout_error,
            since=w.updated_at,
        )
