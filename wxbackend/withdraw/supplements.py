"""补件: the reviewer asks for more documents; the applicant completes the same application.

The reviewer names the kinds and the reason (`request_documents`); the applicant sees them
as missing, uploads, lists, replaces or removes files, and resubmits the same application
(`resubmit`), which goes back to review. Nothing is applied for again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.errors import InvalidInput
from wxbackend.withdraw import repository as repo
from wxbackend.withdraw.errors import WithdrawalStateChanged
from wxbackend.withdraw.models import Withdrawal, WithdrawalStatus
from wxbackend.withdraw.notices import tell_applicant
from wxbackend.withdraw.rules import RuleBook
from wxbackend.withdraw.service import transition

S = WithdrawalStatus
# While the applicant may still change the files: before review, and when asked for more.
EDITABLE = (S.SUBMITTED, S.NEEDS_DOCUMENTS)


class DocumentsStillMissing(InvalidInput):
    code = "withdrawal.documents_missing"
    default_message = "还有材料未上传，请上传后再提交。"


def requested_kinds(withdrawal: Withdrawal) -> list[str]:
    return [k for k in (withdrawal.requested_documents or "").split(",") if k]


async def request_documents(
    session: AsyncSession,
    withdrawal: Withdrawal,
    *,
    rules: RuleBook,
    actor: str,
    reason: str,
    kinds: list[str],
) -> None:
    """Send an application under review back to its applicant for the named documents."""
    unknown = [k for k in kinds if k not in rules.document_names]
    if not kinds or unknown:
        raise InvalidInput("请选择需要补充的材料。", field="documents")
    names = "、".join(rules.document_names[k] for k in kinds)
    await transition(
        session,
        withdrawal,
        from_statuses=(S.UNDER_REVIEW,),
        to=S.NEEDS_DOCUMENTS,
        actor=actor,
        note=f"请补充{names}：{reason}",
        reason=reason,
        requested_documents=",".join(dict.fromkeys(kinds)),
    )
    await tell_applicant(session, withdrawal, "documents_needed", documents=names[:20])


async def requested_since(session: AsyncSession, withdrawal: Withdrawal) -> datetime | None:
    """When the reviewer last asked for documents (uploads after it answer the request)."""
    events = await repo.events_of(session, withdrawal.id)
    asked = [e.at for e in events if e.to_status == S.NEEDS_DOCUMENTS.value]
    return asked[-1] if asked else None


async def still_requested(session: AsyncSession, withdrawal: Withdrawal) -> list[str]:
    """The requested kinds with no file uploaded since the request."""
    if withdrawal.status is not S.NEEDS_DOCUMENTS:
        return []
    since = await requested_since(session, withdrawal)
    fresh = {
        d.kind
        for d in await repo.documents_of(session, withdrawal.id)
        if since is None or d.uploaded_at >= since
    }
    return [k for k in requested_kinds(withdrawal) if k not in fresh]


async def remove_document(
    session: AsyncSession, withdrawal: Withdrawal, *, document_id: int
) -> None:
    """Take back one file while the application can still be changed."""
    if withdrawal.status not in EDITABLE:
        raise WithdrawalStateChanged("该申请已提交审核，不能再修改材料。")
    document = await repo.document_of(session, withdrawal_id=withdrawal.id, document_id=document_id)
    if document is None:
        raise InvalidInput("未找到该材料。", field="document")
    await repo.delete(session, document)


async def resubmit(session: AsyncSession, withdrawal: Withdrawal, *, actor: str) -> None:
    """The applicant sends the completed application back to review."""
    if withdrawal.status is not S.NEEDS_DOCUMENTS:
        raise WithdrawalStateChanged()
    missing = await still_requested(session, withdrawal)
    if missing:
        raise DocumentsStillMissing()
    await transition(
        session,
        withdrawal,
        from_statuses=(S.NEEDS_DOCUMENTS,),
        to=S.UNDER_REVIEW,
        actor=actor,
        note="已补充材料，重新提交审核",
        reason=None,
    )


def may_attach(withdrawal: Withdrawal, kind: str, rule_documents: tuple[str, ...]) -> bool:
    """Which kinds an upload may be: the kind's own, or any the reviewer asked for."""
    return kind in rule_documents or kind in requested_kinds(withdrawal)
