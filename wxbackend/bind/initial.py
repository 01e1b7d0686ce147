"""Initial query passwords, issued per employer and handed out by the employer agent."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.bind import repository as repo
from wxbackend.bind.models import Credential
from wxbackend.bind.passwords import generate_initial_password, hash_password
from wxbackend.clock import now
from wxbackend.errors import NotFound
from wxbackend.fund import service as fund


@dataclass(frozen=True, slots=True)
class SheetRow:
    account_no: str
    masked_name: str
    password: str


async def issue_initial_passwords(
    session: AsyncSession, *, employer_code: str, reissue: bool = False
) -> list[SheetRow]:
    """Give each open account of the employer a random initial password.

    Accounts that already have a password keep it unless `reissue` (which resets them
    to a new initial password the holder must change again).
    """
    employer = await fund.employer_by_code(session, employer_code)
    if employer is None:
        raise NotFound(f"单位 {employer_code} 不存在。")
    accounts = await fund.open_accounts_of_employer(session, employer.id)
    existing = await repo.credentials_for(session, [a.id for a in accounts])
    sheet: list[SheetRow] = []
    for account in accounts:
        credential = existing.get(account.id)
        if credential is not None and not reissue:
            continue
        password = generate_initial_password()
        hashed = await hash_password(password)
        if credential is None:
            session.add(Credential(account_id=account.id, password_hash=hashed, is_initial=True))
        else:
            credential.password_hash = hashed
            credential.is_initial = True
            credential.set_at = now()
        sheet.append(SheetRow(account.account_no, account.name_masked, password))
    await session.flush()
    return sheet


async def reissue_initial_password(session: AsyncSession, *, account_id: int) -> str:
    """A new random initial password for one account (the counter's reset, ID checked in
    person); the holder must change it before any query works. Returned once, never kept."""
    password = generate_initial_password()
    hashed = await hash_password(password)
    existing = await repo.credentials_for(session, [account_id])
    credential = existing.get(account_id)
    if credential is None:
        session.add(Credential(account_id=account_id, password_hash=hashed, is_initial=True))
    else:
        credential.password_hash = hashed
        credential.is_initial = True
        credential.set_at = now()
    await session.flush()
    return password
