"""The yearly statement (对账单): every balance movement of a calendar year, in
Simplified Chinese with personal data masked (rendered as PDF by statement_pdf)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.account import display
from wxbackend.account import repository as repo
from wxbackend.account.service import caller_account
from wxbackend.enums import Channel
from wxbackend.errors import NotFound
from wxbackend.fund import service as fund
from wxbackend.fund.models import ACCOUNT_STATUS_NAMES, EntryType
from wxbackend.security.masking import mask_account_no, mask_id_no
from wxbackend.security.pii import Vault


class StatementYearNotFound(NotFound):
    code = "account.statement_year_not_found"
    default_message = "没有该年度的对账单。"


@dataclass(frozen=True, slots=True)
class StatementLine:
    value_date: date
    label: str
    amount: int  # signed fen
    balance: int  # running balance after this line


@dataclass(frozen=True, slots=True)
class Statement:
    year: int
    generated_on: date
    name: str
    account_no: str
    id_no: str
    employer: str
    status_label: str
    opening_balance: int
    closing_balance: int
    deposits: int
    interest: int
    withdrawals: int  # money out, as a positive amount
    others: int  # reversals and adjustments, signed
    lines: tuple[StatementLine, ...]


def _label(entry_type: EntryType, ref: str) -> str:
    label = display.ENTRY_LABELS[entry_type]
    if entry_type is EntryType.DEPOSIT and ref.startswith("deposit:"):
        try:
            month = date.fromisoformat(ref.removeprefix("deposit:") + "-01")
        except ValueError:
            return label
        return f"{label}（{display.month_text(month)}）"
    return label


async def build_statement(
    session: AsyncSession,
    vault: Vault,
    *,
    channel: Channel,
    openid: str,
    year: int,
    today: date,
) -> Statement:
    account = await caller_account(session, channel=channel, openid=openid)
    if not account.opened_on.year <= year <= today.year:
        raise StatementYearNotFound()
    start, end = date(year, 1, 1), date(year, 12, 31)
    opening = await repo.balance_before(session, account_id=account.id, day=start)
    entries = await repo.journal(session, account_id=account.id, start=start, end=end)
    totals = dict.fromkeys(EntryType, 0)
    lines, balance = [], opening
    for e in entries:
        balance += e.amount
        totals[e.entry_type] += e.amount
        lines.append(StatementLine(e.value_date, _label(e.entry_type, e.ref), e.amount, balance))
    employer = await repo.employer_name(session, account.employer_id) or ""
    return Statement(
        year=year,
        generated_on=today,
        name=account.name_masked,
        account_no=mask_account_no(account.account_no),
        id_no=mask_id_no(fund.reveal_id_no(vault, account)),
        employer=display.mask_employer(employer),
        status_label=ACCOUNT_STATUS_NAMES[account.status],
        opening_balance=opening,
        closing_balance=balance,
        deposits=totals[EntryType.DEPOSIT],
        interest=totals[EntryType.INTEREST],
        withdrawals=-totals[EntryType.WITHDRAWAL],
        others=totals[EntryType.OPENING]
        + totals[EntryType.REVERSAL]
        + totals[EntryType.ADJUSTMENT],
        lines=tuple(lines),
    )
