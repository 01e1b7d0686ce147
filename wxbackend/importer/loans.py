"""loans.csv: one loan contract per row; its repayment schedule is generated."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date

from wxbackend.fund import bulk as fund_bulk
from wxbackend.fund import calc
from wxbackend.fund import loans as fund_loans
from wxbackend.fund.models import AccountStatus, FundAccount, RepaymentMethod
from wxbackend.importer import fields
from wxbackend.importer.base import Importer
from wxbackend.importer.fields import RowInvalid
from wxbackend.security.masking import mask_account_no

MAX_TERM_MONTHS = 360
MAX_RATE_BP = 1000


@dataclass(frozen=True, slots=True)
class LoanRow:
    contract_no: str
    account_no: str
    principal: int
    annual_rate_bp: int
    term_months: int
    method: RepaymentMethod
    start_date: date
    overdue_periods: int


class LoanImporter(Importer[LoanRow]):
    kind = "loans"
    required_columns = (
        "contract_no",
        "account_no",
        "principal",
        "annual_rate",
        "term_months",
        "method",
        "start_date",
    )
    optional_columns = ("overdue_periods",)

    def parse(self, row: dict[str, str]) -> LoanRow:
        overdue = fields.optional(row.get("overdue_periods", ""))
        item = LoanRow(
            contract_no=fields.text_max(row["contract_no"], "contract_no", 32),
            account_no=fields.account_no(row["account_no"]),
            principal=fields.money(row["principal"], "principal"),
            annual_rate_bp=fields.percent_bp(
                row["annual_rate"], "annual_rate", low=1, high=MAX_RATE_BP
            ),
            term_months=fields.integer(
                row["term_months"], "term_months", low=1, high=MAX_TERM_MONTHS
            ),
            method=fields.method(row["method"]),
            start_date=fields.iso_date(row["start_date"], "start_date"),
            overdue_periods=(
                fields.integer(overdue, "overdue_periods", low=0, high=MAX_TERM_MONTHS)
                if overdue
                else 0
            ),
        )
        if item.principal <= 0:
            raise RowInvalid("principal must be positive")
        if item.start_date > self.today:
            raise RowInvalid("start_date is in the future")
        due = sum(
            1
            for n in range(1, item.term_months + 1)
            if calc.add_months(item.start_date, n) <= self.today
        )
        if item.overdue_periods > due:
            raise RowInvalid(
                f"overdue_periods {item.overdue_periods} exceeds the {due} periods due"
            )
        return item

    def keys(self, item: LoanRow) -> Iterable[tuple[str, Hashable]]:
        yield "contract_no", item.contract_no

    async def load(self, items: list[LoanRow]) -> None:
        self.accounts = await fund_bulk.accounts_by_nos(self.session, [i.account_no for i in items])
        self.existing = await fund_bulk.existing_contract_nos(
            self.session, [i.contract_no for i in items]
        )

    def _account(self, item: LoanRow) -> FundAccount:
        account = self.accounts.get(item.account_no)
        if account is None:
            raise RowInvalid(f"unknown account {mask_account_no(item.account_no)}")
        return account

    def check(self, item: LoanRow) -> None:
        if item.contract_no in self.existing:
            raise RowInvalid(f"loan contract {item.contract_no} already exists")
        if self._account(item).status is AccountStatus.CLOSED:
            raise RowInvalid("the account is closed")

    async def write(self, item: LoanRow) -> None:
        await fund_loans.add_loan(
            self.session,
            account_id=self._account(item).id,
            contract_no=item.contract_no,
            principal=item.principal,
            annual_rate_bp=item.annual_rate_bp,
            term_months=item.term_months,
            method=item.method,
            start_date=item.start_date,
            today=self.today,
            overdue_periods=item.overdue_periods,
        )
