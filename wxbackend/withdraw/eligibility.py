"""The one precheck of every withdrawal kind: what the holder may apply for, and why not.

The H5 apply page, the JSON API (`GET /api/withdrawals/eligibility`) and the chat reply
all show it before a card is checked (billed) or a form is filled; `service.apply` runs
the same checks again under the account's row lock, atomically with the insert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.fund import loans as fund_loans
from wxbackend.fund import service as fund
from wxbackend.fund.models import AccountStatus, FundAccount
from wxbackend.security.pii import Vault
from wxbackend.withdraw import repository as repo
from wxbackend.withdraw.retirement import born_and_sex, earliest_retirement_day
from wxbackend.withdraw.rules import (
    AccountFacts,
    Rule,
    RuleBook,
    kind_names,
    max_for,
    refusal,
)


@dataclass(frozen=True, slots=True)
class KindEligibility:
    """One kind for one holder today: may they apply, and if not, why and what to do."""

    rule: Rule
    refusal: str | None
    max_amount: int  # fen: the most this kind can take now

    @property
    def eligible(self) -> bool:
        return self.refusal is None


def consecutive_months(months: list[date], *, up_to: date | None) -> int:
    """Months deposited back to back, ending with the last paid-for month."""
    if up_to is None or not months:
        return 0
    count, expected = 0, up_to.replace(day=1)
    for month in months:  # newest first
        if month != expected:
            break
        count += 1
        expected = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    return count


async def account_facts(session: AsyncSession, vault: Vault, account: FundAccount) -> AccountFacts:
    """Everything the rules of any kind look at, read in the caller's transaction."""
    has_loan, overdue = await fund_loans.loan_flags(session, account.id)
    sealed_since = account.status_changed_on if account.status is AccountStatus.SEALED else None
    birth = born_and_sex(fund.reveal_id_no(vault, account))
    return AccountFacts(
        status=account.status,
        balance=account.balance,
        consecutive_deposit_months=consecutive_months(
            await fund.months_deposited(session, account.id), up_to=account.paid_up_to
        ),
        sealed_since=sealed_since,
        has_active_loan=has_loan,
        has_overdue_loan=overdue,
        open_kinds=await repo.open_kinds(session, account.id),
        last_paid=await repo.last_paid_by_kind(session, account.id),
        closing_filed=await repo.closing_filed(session, account.id),
        retirement_day=earliest_retirement_day(birth[1], birth[0]) if birth else None,
        other_open_account=await fund.has_other_normal_account(session, account),
        loan_principal_left=await fund_loans.outstanding_principal(session, account.id)
        if has_loan
        else 0,
    )


def judge(rules: RuleBook, rule: Rule, facts: AccountFacts, *, today: date) -> KindEligibility:
    return KindEligibility(
        rule=rule,
        refusal=refusal(rule, facts, today=today, names=kind_names(rules)),
        max_amount=max_for(rule, facts),
    )


async def precheck(
    session: AsyncSession, *, rules: RuleBook, vault: Vault, account: FundAccount, today: date
) -> list[KindEligibility]:
    """Every kind the centre offers, in the rules file's order, judged for this account."""
    facts = await account_facts(session, vault, account)
    return [judge(rules, rule, facts, today=today) for rule in rules.rules.values()]
