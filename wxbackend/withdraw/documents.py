"""Supporting documents: size and type checked by content, not by the name or header."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.errors import InvalidInput
from wxbackend.withdraw import repository as repo
from wxbackend.withdraw.errors import WithdrawalStateChanged
from wxbackend.withdraw.models import Withdrawal, WithdrawalDocument, WithdrawalStatus
from wxbackend.withdraw.rules import RuleBook
from wxbackend.withdraw.service import documents_complete, rule_for
from wxbackend.withdraw.supplements import EDITABLE, may_attach

# What a phone camera or a scanner produces; anything else is refused.
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
_SAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


class DocumentRefused(InvalidInput):
    code = "withdrawal.document_refused"
    default_message = "材料无法上传。"


def sniff_type(content: bytes) -> str | None:
    for signature, content_type in _SIGNATURES:
        if content.startswith(signature):
            return content_type
    return None


_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}


def safe_filename(name: str | None, content_type: str) -> str:
    """The upload's name without path or odd characters, ending in its real type's
    extension: a %PDF- file named p.html is kept as p.pdf, never as a page."""
    base = (name or "document").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _SAFE_NAME.sub("_", base).strip("._") or "document"
    stem, dot, _extension = cleaned.rpartition(".")
    return (stem if dot and stem else cleaned)[-96:] + _EXTENSIONS[content_type]


async def attach_document(
    session: AsyncSession,
    *,
    rules: RuleBook,
    withdrawal: Withdrawal,
    kind: str,
    filename: str | None,
    content: bytes,
    max_bytes: int,
) -> WithdrawalDocument:
    """Store one document; the last required one sends a new application to review."""
    if withdrawal.status not in EDITABLE:
        raise WithdrawalStateChanged("该申请已提交审核，不能再上传材料。")
    rule = rule_for(rules, withdrawal.kind)
    if not may_attach(withdrawal, kind, rule.documents):
        raise DocumentRefused(f"{rule.name}不需要这类材料。", field="kind")
    if not content:
        raise DocumentRefused("文件为空，请重新选择。", field="file")
    if len(content) > max_bytes:
        limit_mb = max_bytes // (1024 * 1024)
        raise DocumentRefused(f"文件超过{limit_mb}MB，请压缩后再上传。", field="file")
    content_type = sniff_type(content)
    if content_type is None:
        raise DocumentRefused("仅支持 JPG、PNG 图片或 PDF 文件。", field="file")
    document = WithdrawalDocument(
        withdrawal_id=withdrawal.id,
        kind=kind,
        filename=safe_filename(filename, content_type),
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    await repo.add(session, document)
    if withdrawal.status is WithdrawalStatus.SUBMITTED:
        await documents_complete(session, rules=rules, withdrawal=withdrawal)
    return document
