"""Issuing a deposit certificate to its holder, and verifying one by its code.

The facts are fixed on the issue day and kept with the certificate, so a receiver who
verifies later sees what was certified (and whether it was revoked or has expired).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.account import service as account
from wxbackend.certificates import codes
from wxbackend.certificates import repository as repo
from wxbackend.certificates.errors import CertificateNotFound, TooManyCertificates
from wxbackend.certificates.models import DepositCertificate
from wxbackend.config_features import CertificateSettings
from wxbackend.enums import Channel
from wxbackend.fund import service as fund
from wxbackend.security.masking import mask_id_no
from wxbackend.security.pii import Vault


class Validity(enum.StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Issued:
    certificate: DepositCertificate
    code: str


@dataclass(frozen=True, slots=True)
class Verification:
    validity: Validity
    certificate: DepositCertificate | None


def _code_hash(vault: Vault, code: str) -> str:
    return vault.lookup_hash("certificate_code", code).hex()


async def _facts(
    session: AsyncSession, vault: Vault, *, channel: Channel, openid: str, today: date
) -> tuple[int, dict[str, Any]]:
    overview = await account.get_overview(session, channel=channel, openid=openid, today=today)
    holder = await account.caller_account(session, channel=channel, openid=openid)
    return holder.id, {
        "name_masked": overview.name,
        "id_masked": mask_id_no(fund.reveal_id_no(vault, holder)),
        "account_no_masked": overview.account_no,
        "employer": await fund.employer_name(session, holder),
        "employer_masked": overview.employer,
        "status_label": overview.status_label,
        "deposit_base": overview.deposit_base,
        "employer_ratio_bp": overview.employer_ratio_bp,
        "employee_ratio_bp": overview.employee_ratio_bp,
        "monthly_amount": overview.monthly_amount,
        "paid_up_to": overview.paid_up_to,
        "balance": overview.balance,
        "opened_on": overview.opened_on.isoformat(),
    }


async def issue_certificate(
    session: AsyncSession,
    vault: Vault,
    settings: CertificateSettings,
    *,
    channel: Channel,
    openid: str,
    today: date,
) -> Issued:
    """A new certificate of the caller's own account, valid `validity_days` from today."""
    account_id, facts = await _facts(session, vault, channel=channel, openid=openid, today=today)
    # The day's count and the insert under the account's row lock: parallel requests
    # queue here, so the limit holds (a count outside the lock let 20 of 20 through).
    await fund.lock_account(session, account_id)
    if await repo.issued_on(session, account_id=account_id, day=today) >= settings.max_per_day:
        raise TooManyCertificates()
    code = codes.new_code()
    sealed = vault.seal(code)
    row = DepositCertificate(
        code_hash=_code_hash(vault, code),
        code_enc=sealed.blob,
        pii_key_id=sealed.key_id,
        account_id=account_id,
        issued_on=today,
        expires_on=today + timedelta(days=settings.validity_days),
        facts=facts,
    )
    return Issued(await repo.add(session, row), code)


async def own_certificate(
    session: AsyncSession, vault: Vault, *, channel: Channel, openid: str, certificate_id: int
) -> Issued:
    holder = await account.caller_account(session, channel=channel, openid=openid)
    row = await repo.of_account(session, account_id=holder.id, certificate_id=certificate_id)
    if row is None:
        raise CertificateNotFound()
    return Issued(row, vault.open(row.pii_key_id, row.code_enc))


async def holder_name(session: AsyncSession, vault: Vault, certificate: DepositCertificate) -> str:
    """The holder's full name, printed on the certificate itself (never on the web page)."""
    holder = await fund.get_account(session, certificate.account_id)
    return fund.reveal_name(vault, holder) if holder else certificate.facts["name_masked"]


async def verify_code(
    session: AsyncSession, vault: Vault, *, text: str, today: date
) -> Verification:
    code = codes.normalise(text)
    if code is None:
        return Verification(Validity.UNKNOWN, None)
    row = await repo.by_code_hash(session, _code_hash(vault, code))
    if row is None:
        return Verification(Validity.UNKNOWN, None)
    if row.revoked_at is not None:
        return Verification(Validity.REVOKED, row)
    if today > row.expires_on:
        return Verification(Validity.EXPIRED, row)
    return Verification(Validity.VALID, row)


async def revoke_certificate(
    session: AsyncSession, vault: Vault, *, text: str, reason: str, at: datetime
) -> bool:
    """Revoke by code (the centre's operators); False when unknown or already revoked."""
    code = codes.normalise(text)
    if code is None:
        return False
    return await repo.revoke(session, _code_hash(vault, code), at=at, reason=reason)
