"""Ledger rules: every balance change is a journal entry, posted with the balance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.errors import Conflict, DomainError, NotFound
from wxbackend.fund import calc
from wxbackend.fund import repository as repo
from wxbackend.fund.models import (
    AccountStatus,
    Deposit,
    Employer,
    EntryType,
    FundAccount,
    JournalEntry,
)
from wxbackend.security.masking import mask_name
from wxbackend.security.pii import Vault


class InsufficientBalance(DomainError):
    code = "fund.insufficient_balance"
    status = 409
    default_message = "账户余额不足。"


class AccountNotFound(NotFound):
    code = "fund.account_not_found"
    default_message = "未找到公积金账户。"


@dataclass(frozen=True, slots=True)
class Identity:
    """A person's name and ID number as typed or verified."""

    name: str
    id_no: str


async def post_entry(
    session: AsyncSession,
    *,
    account_id: int,
    entry_type: EntryType,
    amount: int,
    value_date: date,
    ref: str,
    memo: str | None = None,
) -> JournalEntry:
    """Move money on an account: one conditional balance update plus one journal row.

    Refuses to overdraw. The unique (account, type, ref) makes a repeated business event
    fail instead of moving money twice.
    """
    if amount == 0:
        raise ValueError("a journal entry must move money")
    new_balance = await repo.add_to_balance(session, account_id=account_id, amount=amount)
    if new_balance is None:
        if await repo.get_account(session, account_id) is None:
            raise AccountNotFound()
        raise InsufficientBalance()
    entry = JournalEntry(
        account_id=account_id,
        entry_type=entry_type,
        amount=amount,
        balance_after=new_balance,
        value_date=value_date,
        ref=ref,
        memo=memo,
    )
    return await repo.add_entry(session, entry)


async def add_employer(
    session: AsyncSession, *, code: str, name: str, credit_code: str | None, district: str | None
) -> Employer:
    employer = Employer(code=code, name=name, credit_code=credit_code, district=district)
    session.add(employer)
    await session.flush()
    return employer


async def open_account(
    session: AsyncSession,
    vault: Vault,
    *,
    account_no: str,
    identity: Identity,
    mobile: str | None,
    employer_id: int,
    status: AccountStatus,
    deposit_base: int,
    employer_ratio_bp: int,
    employee_ratio_bp: int,
    opened_on: date,
    opening_balance: int = 0,
    paid_up_to: date | None = None,
) -> FundAccount:
    """Create an account with its personal data sealed; an opening balance is journaled."""
    id_sealed = vault.seal(identity.id_no.upper())
    mobile_sealed = vault.seal(mobile) if mobile else None
    account = FundAccount(
        account_no=account_no,
        name_masked=mask_name(identity.name),
        name_enc=vault.seal(identity.name, key_id=id_sealed.key_id).blob,
        id_no_enc=id_sealed.blob,
        id_no_hash=vault.lookup_hash("id_no", identity.id_no),
        mobile_enc=mobile_sealed.blob if mobile_sealed else None,
        mobile_hash=vault.lookup_hash("mobile", mobile) if mobile else None,
        pii_key_id=id_sealed.key_id,
        employer_id=employer_id,
        status=status,
        deposit_base=deposit_base,
        employer_ratio_bp=employer_ratio_bp,
        employee_ratio_bp=employee_ratio_bp,
        paid_up_to=paid_up_to,
        opened_on=opened_on,
        balance=0,
    )
    session.add(account)
    await session.flush()
    if opening_balance:
        await post_entry(
            session,
            account_id=account.id,
            entry_type=EntryType.OPENING,
            amount=opening_balance,
            value_date=opened_on,
            ref="opening",
            memo="核心系统迁移余额",
        )
    return account


async def lock_account(session: AsyncSession, account_id: int) -> FundAccount:
    """The account row, locked until the caller's transaction ends (see the repository)."""
    account = await repo.lock_account(session, account_id)
    if account is None:
        raise AccountNotFound()
    return account


async def has_other_normal_account(session: AsyncSession, account: FundAccount) -> bool:
    """The same person is paid into another account (a later employer)."""
    return await repo.other_accounts_in_status(
        session, id_hash=account.id_no_hash, account_id=account.id, status=AccountStatus.NORMAL
    )


async def employer_by_code(session: AsyncSession, code: str) -> Employer | None:
    return await repo.get_employer_by_code(session, code)


async def open_accounts_of_employer(session: AsyncSession, employer_id: int) -> list[FundAccount]:
    """The employer's accounts that are not closed, by account number."""
    return list(await repo.open_accounts_of_employer(session, employer_id))


async def count_accounts(session: AsyncSession) -> int:
    return await repo.count_accounts(session)


async def get_account(session: AsyncSession, account_id: int) -> FundAccount | None:
    return await repo.get_account(session, account_id)


async def account_by_no(session: AsyncSession, account_no: str) -> FundAccount | None:
    """The account with this personal account number (个人账号), if any."""
    return (await repo.accounts_by_nos(session, [account_no])).get(account_no)


async def accounts_by_ids(session: AsyncSession, account_ids: list[int]) -> dict[int, FundAccount]:
    return await repo.accounts_by_ids(session, account_ids)


async def employer_name(session: AsyncSession, account: FundAccount) -> str:
    """The full name of the account's employer (certificates name it)."""
    return await repo.employer_name(session, account.employer_id) or ""


async def employer_district(session: AsyncSession, account: FundAccount) -> str | None:
    """The district of the account's employer (what a district's supported banks follow)."""
    return await repo.employer_district(session, account.employer_id)


async def find_accounts_by_id_no(
    session: AsyncSession, vault: Vault, id_no: str
) -> list[FundAccount]:
    """Exact lookup by ID number through its keyed hash; no plaintext is compared in SQL."""
    return list(await repo.accounts_by_id_hash(session, vault.lookup_hash("id_no", id_no)))


def reveal_id_no(vault: Vault, account: FundAccount) -> str:
    return vault.open(account.pii_key_id, account.id_no_enc)


def reveal_name(vault: Vault, account: FundAccount) -> str:
    """The holder's full name (for matching and for the bank); pages use name_masked."""
    return vault.open(account.pii_key_id, account.name_enc)


def change_mobile(vault: Vault, account: FundAccount, mobile: str) -> None:
    """Record the holder's new mobile (sealed under the row's key, with its lookup hash)."""
    account.mobile_enc = vault.seal(mobile, key_id=account.pii_key_id).blob
    account.mobile_hash = vault.lookup_hash("mobile", mobile)


def reveal_mobile(vault: Vault, account: FundAccount) -> str | None:
    if account.mobile_enc is None:
        return None
    return vault.open(account.pii_key_id, account.mobile_enc)


async def post_deposit(
    session: AsyncSession,
    *,
    account: FundAccount,
    month: date,
    posted_on: date,
    deposit_base: int | None = None,
    employer_ratio_bp: int | None = None,
    employee_ratio_bp: int | None = None,
) -> Deposit:
    """Book one month's contribution (both shares) and credit the account."""
    month = month.replace(day=1)
    if await repo.get_deposit(session, account_id=account.id, month=month) is not None:
        raise Conflict(f"{month:%Y年%m月}已汇缴。")
    base = account.deposit_base if deposit_base is None else deposit_base
    er = account.employer_ratio_bp if employer_ratio_bp is None else employer_ratio_bp
    ee = account.employee_ratio_bp if employee_ratio_bp is None else employee_ratio_bp
    shares = calc.deposit_shares(base, er, ee)
    deposit = Deposit(
        account_id=account.id,
        employer_id=account.employer_id,
        paid_for_month=month,
        deposit_base=base,
        employer_ratio_bp=er,
        employee_ratio_bp=ee,
        employer_amount=shares.employer_amount,
        employee_amount=shares.employee_amount,
        posted_on=posted_on,
    )
    session.add(deposit)
    if shares.total:
        await post_entry(
            session,
            account_id=account.id,
            entry_type=EntryType.DEPOSIT,
            amount=shares.total,
            value_date=posted_on,
            ref=f"deposit:{month:%Y-%m}",
        )
    if account.paid_up_to is None or month > account.paid_up_to:
        account.paid_up_to = month
    await session.flush()
    return deposit


async def months_deposited(session: AsyncSession, account_id: int) -> list[date]:
    """Paid-for months of the account's deposits, newest first (withdrawal rules count them)."""
    return await repo.months_deposited(session, account_id)


async def close_account(session: AsyncSession, account_id: int, *, on: date) -> None:
    """销户: the withdrawal that closes the account has paid out its whole balance."""
    account = await repo.get_account(session, account_id)
    if account is not None:
        account.status = AccountStatus.CLOSED
        account.status_changed_on = on
        await session.flush()


BalanceMismatch = repo.BalanceMismatch


async def check_ledger(session: AsyncSession) -> list[BalanceMismatch]:
    """Every account whose balance is not the sum of its journal entries."""
    return await repo.balance_mismatches(session)
