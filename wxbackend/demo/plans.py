"""What each demo account looks like: person, employer, state, deposits, loan."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from wxbackend.demo import identities as ids
from wxbackend.demo.history import AccountPlan, add_months
from wxbackend.demo.identities import DemoIdentity, Scenario
from wxbackend.demo.people import Person, PersonFactory
from wxbackend.demo.places import EMPLOYERS, EmployerSeed
from wxbackend.fund import calc
from wxbackend.fund.models import AccountStatus, RepaymentMethod

HISTORY_MONTHS = 40  # the window of monthly deposits modelled in detail
MIN_BASE_YUAN = 2_100  # Chengdu's minimum wage
MAX_BASE_YUAN = 28_000  # about 3x the average wage
_EMPLOYER_WEIGHTS = [e.size for e in EMPLOYERS]
_EMPLOYERS_BY_CODE = {e.code: e for e in EMPLOYERS}


@dataclass(frozen=True, slots=True)
class LoanPlan:
    principal: int
    annual_rate_bp: int
    term_months: int
    method: RepaymentMethod
    start_date: date
    overdue_periods: int


@dataclass(frozen=True, slots=True)
class AccountSpec:
    account_no: str
    person: Person
    employer_code: str
    status: AccountStatus
    status_changed_on: date | None
    plan: AccountPlan
    loan: LoanPlan | None


def loan_rate_bp(start: date) -> int:
    """Fund loan rate for over 5 years at the contract date (cut on 2024-05-18, 2025-05-08)."""
    if start >= date(2025, 5, 8):
        return 260
    if start >= date(2024, 5, 18):
        return 285
    return 310


class Planner:
    """Draws account specs from a seeded random source, relative to `today`."""

    def __init__(self, rng: random.Random, people: PersonFactory, today: date) -> None:
        self.rng = rng
        self.people = people
        self.today = today
        self.current = today.replace(day=1)
        self.window_start = add_months(self.current, -HISTORY_MONTHS)

    def _bases(self, base_yuan: int) -> dict[int, int]:
        """Deposit base per deposit year (re-assessed every July), in fen."""
        bases = {}
        first = calc.deposit_year_of(self.window_start)
        for year in range(first, calc.deposit_year_of(self.today) + 1):
            bases[year] = min(base_yuan, MAX_BASE_YUAN) * 100
            base_yuan = round(base_yuan * (1 + self.rng.uniform(0.0, 0.06)))
        return bases

    def _last_paid(self, employer: EmployerSeed) -> date:
        this_month_paid = self.today.day > employer.pay_day
        return self.current if this_month_paid else add_months(self.current, -1)

    def spec(
        self,
        *,
        account_no: str,
        person: Person,
        employer: EmployerSeed,
        scenario: Scenario,
        base_yuan: int,
        employer_ratio_bp: int,
        employee_ratio_bp: int,
        months_ago: int = 0,
    ) -> AccountSpec:
        rng = self.rng
        bases = self._bases(base_yuan)

        def base_for(month: date) -> int:
            return bases[calc.deposit_year_of(month)]

        status, changed, closed_on = AccountStatus.NORMAL, None, None
        first_month, last_month = self.window_start, self._last_paid(employer)
        if scenario is Scenario.NEW_JOINER:
            opened_on = add_months(self.current, -months_ago).replace(day=rng.randint(1, 3))
            first_month, last_month = opened_on.replace(day=1), add_months(self.current, -1)
            history_start, opening = opened_on, 0
        else:
            opened_on = self.window_start - timedelta(days=rng.randint(30, 15 * 365))
            history_start = self.window_start
            months_before = (self.window_start - opened_on).days // 30
            monthly = calc.deposit_shares(
                base_for(self.window_start), employer_ratio_bp, employee_ratio_bp
            ).total
            opening = round(monthly * months_before * rng.uniform(0.25, 1.0))
        if scenario is Scenario.SEALED:
            status, last_month = AccountStatus.SEALED, add_months(self.current, -months_ago)
            changed = add_months(last_month, 1).replace(day=rng.randint(1, 20))
        elif scenario is Scenario.FROZEN:
            status, changed = AccountStatus.FROZEN, self.today - timedelta(days=months_ago * 30)
        elif scenario is Scenario.CLOSED:
            status, last_month = AccountStatus.CLOSED, add_months(self.current, -months_ago - 1)
            closed_on = changed = add_months(last_month, 1).replace(day=rng.randint(5, 25))
        plan = AccountPlan(
            opened_on=opened_on,
            opening_balance=opening,
            history_start=history_start,
            first_month=first_month,
            last_month=last_month,
            pay_day=employer.pay_day,
            base_for=base_for,
            employer_ratio_bp=employer_ratio_bp,
            employee_ratio_bp=employee_ratio_bp,
            closed_on=closed_on,
        )
        return AccountSpec(account_no, person, employer.code, status, changed, plan, None)

    def random_spec(self, account_no: str) -> AccountSpec:
        rng = self.rng
        employer = rng.choices(EMPLOYERS, weights=_EMPLOYER_WEIGHTS)[0]
        roll = rng.random()
        scenario, months_ago = Scenario.HEALTHY, 0
        if roll < 0.05:
            scenario, months_ago = Scenario.NEW_JOINER, rng.randint(1, 8)
        elif roll < 0.15:
            scenario, months_ago = Scenario.SEALED, rng.randint(2, 24)
        elif roll < 0.17:
            scenario, months_ago = Scenario.FROZEN, rng.randint(1, 10)
        elif roll < 0.21:
            scenario, months_ago = Scenario.CLOSED, rng.randint(1, 30)
        young = scenario is Scenario.NEW_JOINER
        person = self.people.person(today=self.today, max_age=30 if young else 58)
        base_yuan = int(rng.lognormvariate(8.75, 0.45))  # median about 6,300 yuan
        base_yuan = max(MIN_BASE_YUAN, min(MAX_BASE_YUAN, base_yuan))
        employee_bp = employer.ratio_bp if rng.random() < 0.85 else rng.randrange(500, 1201, 100)
        spec = self.spec(
            account_no=account_no,
            person=person,
            employer=employer,
            scenario=scenario,
            base_yuan=base_yuan,
            employer_ratio_bp=employer.ratio_bp,
            employee_ratio_bp=employee_bp,
            months_ago=months_ago,
        )
        if scenario not in (Scenario.CLOSED, Scenario.NEW_JOINER) and rng.random() < 0.11:
            spec = self._with_random_loan(spec)
        return spec

    def _with_random_loan(self, spec: AccountSpec) -> AccountSpec:
        rng = self.rng
        earliest = max(spec.plan.opened_on + timedelta(days=365), self.today - timedelta(days=2900))
        latest = self.today - timedelta(days=60)
        if earliest >= latest:
            return spec
        start = earliest + timedelta(days=rng.randrange((latest - earliest).days))
        elapsed = (self.today.year - start.year) * 12 + self.today.month - start.month
        term = rng.randrange(max(120, (elapsed // 12 + 2) * 12), 361, 12)
        overdue = rng.randint(1, 3) if rng.random() < 0.08 else 0
        loan = LoanPlan(
            principal=rng.randrange(20, 71) * 10_000 * 100,
            annual_rate_bp=loan_rate_bp(start),
            term_months=term,
            method=(
                RepaymentMethod.EQUAL_INSTALMENT
                if rng.random() < 0.7
                else RepaymentMethod.EQUAL_PRINCIPAL
            ),
            start_date=start,
            overdue_periods=min(overdue, max(elapsed - 1, 0)),
        )
        return _replace_loan(spec, loan)

    def identity_spec(self, identity: DemoIdentity) -> AccountSpec:
        person = Person(identity.name, identity.id_no, identity.mobile, _born(identity.id_no))
        months_ago = {
            Scenario.SEALED: ids.SEALED_MONTHS_AGO,
            Scenario.CLOSED: ids.CLOSED_MONTHS_AGO,
            Scenario.NEW_JOINER: ids.NEW_JOINER_MONTHS,
            Scenario.FROZEN: 2,
        }.get(identity.scenario, 0)
        spec = self.spec(
            account_no=identity.account_no,
            person=person,
            employer=_EMPLOYERS_BY_CODE[identity.employer_code],
            scenario=identity.scenario,
            base_yuan=identity.deposit_base // 100,
            employer_ratio_bp=identity.ratio_bp,
            employee_ratio_bp=identity.ratio_bp,
            months_ago=months_ago,
        )
        if identity.scenario is Scenario.LOAN:
            start = add_months(self.current, -36).replace(day=18)
            loan = LoanPlan(
                40_000_000, loan_rate_bp(start), 240, RepaymentMethod.EQUAL_INSTALMENT, start, 0
            )
            spec = _replace_loan(spec, loan)
        elif identity.scenario is Scenario.OVERDUE_LOAN:
            start = add_months(self.current, -26).replace(day=8)
            loan = LoanPlan(
                30_000_000,
                loan_rate_bp(start),
                300,
                RepaymentMethod.EQUAL_PRINCIPAL,
                start,
                ids.OVERDUE_PERIODS,
            )
            spec = _replace_loan(spec, loan)
        return spec


def _replace_loan(spec: AccountSpec, loan: LoanPlan) -> AccountSpec:
    return AccountSpec(
        spec.account_no,
        spec.person,
        spec.employer_code,
        spec.status,
        spec.status_changed_on,
        spec.plan,
        loan,
    )


def _born(id_no: str) -> date:
    return date(int(id_no[6:10]), int(id_no[10:12]), int(id_no[12:14]))
