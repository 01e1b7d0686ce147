"""Write a whole fictional centre with bulk inserts, in the caller's transaction."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.demo.history import AccountHistory, build_history
from wxbackend.demo.identities import IDENTITIES
from wxbackend.demo.people import PersonFactory
from wxbackend.demo.places import CITY_AREA, DISTRICT_CODES, EMPLOYERS, POINTS
from wxbackend.demo.plans import AccountSpec, Planner
from wxbackend.fund import bulk as fund_bulk
from wxbackend.fund import calc, loans
from wxbackend.fund import service as fund
from wxbackend.fund.models import LoanStatus
from wxbackend.importer.creditcode import make_credit_code
from wxbackend.money import format_yuan
from wxbackend.points import service as points_service
from wxbackend.security.masking import mask_name
from wxbackend.security.pii import Vault

DOCS_PATH = "docs/demo.md"
DEFAULT_ACCOUNTS = 2000
DEFAULT_SEED = 2024


@dataclass
class DemoSummary:
    employers: int = 0
    accounts: int = 0
    deposits: int = 0
    journal_entries: int = 0
    interest_postings: int = 0
    loans: int = 0
    overdue_loans: int = 0
    points: int = 0
    total_balance: int = 0
    by_status: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.by_status.items()))
        return "\n".join(
            (
                f"employers:         {self.employers}",
                f"accounts:          {self.accounts} ({states})",
                f"deposits:          {self.deposits}",
                f"journal entries:   {self.journal_entries}",
                f"interest postings: {self.interest_postings}",
                f"loans:             {self.loans} ({self.overdue_loans} overdue)",
                f"service points:    {self.points}",
                f"total balance:     {format_yuan(self.total_balance)}",
            )
        )


async def _ensure_employers(session: AsyncSession) -> dict[str, int]:
    """The demo employers by code; ones already present (same code) are reused."""
    existing = await fund_bulk.employer_ids_by_code(session)
    rows = []
    for number, seed in enumerate(EMPLOYERS, start=1):
        if seed.code in existing:
            continue
        area = DISTRICT_CODES.get(seed.district, CITY_AREA)
        org_body = f"{2019 + number % 5}{number * 7919 % 10_000:04d}"
        rows.append(
            {
                "code": seed.code,
                "name": seed.name,
                "credit_code": make_credit_code(
                    authority=seed.authority, area=area, org_body=org_body
                ),
                "district": seed.district,
            }
        )
    new_ids = await fund_bulk.insert_employers(session, rows)
    existing.update({row["code"]: id_ for row, id_ in zip(rows, new_ids, strict=True)})
    return existing


async def _add_points(session: AsyncSession) -> int:
    existing = await points_service.existing_codes(session, [p.code for p in POINTS])
    rows = [
        {
            "code": p.code,
            "name": p.name,
            "district": p.district,
            "address": p.address,
            "latitude": p.latitude,
            "longitude": p.longitude,
            "hours": p.hours,
            "phone": p.phone,
            "services": p.services,
        }
        for p in POINTS
        if p.code not in existing
    ]
    await points_service.insert_points(session, rows)
    return len(rows)


def _specs(accounts: int, seed: int, today: date) -> list[AccountSpec]:
    taken_ids = {i.id_no for i in IDENTITIES}
    taken_mobiles = {i.mobile for i in IDENTITIES}
    # The documented identities come from a fixed source: the same whatever the seed.
    fixed = Planner(
        random.Random(0),
        PersonFactory(random.Random(0), taken_ids=set(), taken_mobiles=set()),
        today,
    )
    specs = [fixed.identity_spec(identity) for identity in IDENTITIES]
    rng = random.Random(seed)
    planner = Planner(
        rng, PersonFactory(rng, taken_ids=taken_ids, taken_mobiles=taken_mobiles), today
    )
    for n in range(accounts - len(specs)):
        specs.append(planner.random_spec(f"1001{10_001 + n:08d}"))
    return specs


def _account_row(
    vault: Vault, spec: AccountSpec, history: AccountHistory, employer_id: int
) -> dict[str, Any]:
    # Sealed exactly as fund.service.open_account seals them.
    id_sealed = vault.seal(spec.person.id_no.upper())
    mobile_sealed = vault.seal(spec.person.mobile)
    return {
        "account_no": spec.account_no,
        "name_masked": mask_name(spec.person.name),
        "name_enc": vault.seal(spec.person.name, key_id=id_sealed.key_id).blob,
        "id_no_enc": id_sealed.blob,
        "id_no_hash": vault.lookup_hash("id_no", spec.person.id_no),
        "mobile_enc": mobile_sealed.blob,
        "mobile_hash": vault.lookup_hash("mobile", spec.person.mobile),
        "pii_key_id": id_sealed.key_id,
        "employer_id": employer_id,
        "status": spec.status,
        "deposit_base": history.deposit_base,
        "employer_ratio_bp": spec.plan.employer_ratio_bp,
        "employee_ratio_bp": spec.plan.employee_ratio_bp,
        "paid_up_to": history.paid_up_to,
        "opened_on": spec.plan.opened_on,
        "status_changed_on": spec.status_changed_on,
        "balance": history.balance,
    }


async def _add_loans(
    session: AsyncSession, specs: list[AccountSpec], account_ids: list[int], today: date
) -> tuple[int, int]:
    with_loans = [(s.loan, a) for s, a in zip(specs, account_ids, strict=True) if s.loan]
    loan_rows = [
        {
            "contract_no": f"DK{loan.start_date:%Y%m}{n:06d}",
            "account_id": account_id,
            "principal": loan.principal,
            "annual_rate_bp": loan.annual_rate_bp,
            "term_months": loan.term_months,
            "method": loan.method,
            "start_date": loan.start_date,
            "status": LoanStatus.ACTIVE,
        }
        for n, (loan, account_id) in enumerate(with_loans, start=1)
    ]
    loan_ids = await fund_bulk.insert_loans(session, loan_rows)
    schedule: list[dict[str, Any]] = []
    for (loan, _), loan_id in zip(with_loans, loan_ids, strict=True):
        plan = calc.repayment_plan(
            principal=loan.principal,
            annual_rate_bp=loan.annual_rate_bp,
            term_months=loan.term_months,
            method=loan.method,
            start_date=loan.start_date,
        )
        rows = loans.schedule_rows(
            plan, loan_id=loan_id, today=today, overdue_periods=loan.overdue_periods
        )
        schedule.extend(
            {
                "loan_id": r.loan_id,
                "period_no": r.period_no,
                "due_date": r.due_date,
                "principal": r.principal,
                "interest": r.interest,
                "remaining_principal": r.remaining_principal,
                "status": r.status,
                "paid_on": r.paid_on,
            }
            for r in rows
        )
    await fund_bulk.insert_repayment_schedules(session, schedule)
    overdue = sum(1 for loan, _ in with_loans if loan.overdue_periods)
    return len(loan_rows), overdue


async def generate_demo(
    session: AsyncSession,
    vault: Vault,
    *,
    accounts: int = DEFAULT_ACCOUNTS,
    seed: int = DEFAULT_SEED,
    today: date,
) -> DemoSummary | None:
    """Generate the demo centre; None (and no change) when accounts already exist.

    Deterministic for a given seed and `today`. The caller's session scope commits.
    """
    if await fund.count_accounts(session):
        return None
    summary = DemoSummary()
    employer_ids = await _ensure_employers(session)
    summary.employers = len(EMPLOYERS)
    summary.points = await _add_points(session)
    specs = _specs(max(accounts, len(IDENTITIES)), seed, today)
    histories = [build_history(spec.plan, today=today) for spec in specs]
    account_rows = [
        _account_row(vault, spec, history, employer_ids[spec.employer_code])
        for spec, history in zip(specs, histories, strict=True)
    ]
    account_ids = await fund_bulk.insert_accounts(session, account_rows)
    deposits, entries, interest = [], [], []
    for spec, history, account_id in zip(specs, histories, account_ids, strict=True):
        history.with_account(account_id, employer_ids[spec.employer_code])
        deposits.extend(history.deposits)
        entries.extend(history.entries)
        interest.extend(history.interest)
        summary.by_status[spec.status.value] += 1
        summary.total_balance += history.balance
    await fund_bulk.insert_history(session, deposits=deposits, entries=entries, interest=interest)
    summary.loans, summary.overdue_loans = await _add_loans(session, specs, account_ids, today)
    summary.accounts = len(specs)
    summary.deposits = len(deposits)
    summary.journal_entries = len(entries)
    summary.interest_postings = len(interest)
    return summary
