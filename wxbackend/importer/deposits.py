"""deposits.csv: one month's contribution for one account per row."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date

from wxbackend.fund import bulk as fund_bulk
from wxbackend.fund import service as fund_service
from wxbackend.fund.models import AccountStatus, FundAccount
from wxbackend.importer import fields
from wxbackend.importer.base import Importer
from wxbackend.importer.fields import RowInvalid
from wxbackend.money import format_yuan
from wxbackend.notify import service as notify
from wxbackend.security.masking import mask_account_no

# Deposits for months older than this are history being loaded, not news to tell.
NOTIFY_MONTHS = 2


def _recent(month: date, today: date) -> bool:
    return (today.year - month.year) * 12 + today.month - month.month <= NOTIFY_MONTHS


@dataclass(frozen=True, slots=True)
class DepositRow:
    account_no: str
    month: date
    posted_on: date
    deposit_base: int | None
    employer_ratio_bp: int | None
    employee_ratio_bp: int | None


class DepositImporter(Importer[DepositRow]):
    kind = "deposits"
    required_columns = ("account_no", "month", "posted_on")
    optional_columns = ("deposit_base", "employer_ratio", "employee_ratio")

    def parse(self, row: dict[str, str]) -> DepositRow:
        base = fields.optional(row.get("deposit_base", ""))
        er = fields.optional(row.get("employer_ratio", ""))
        ee = fields.optional(row.get("employee_ratio", ""))
        item = DepositRow(
            account_no=fields.account_no(row["account_no"]),
            month=fields.month(row["month"], "month"),
            posted_on=fields.iso_date(row["posted_on"], "posted_on"),
            deposit_base=fields.money(base, "deposit_base") if base else None,
            employer_ratio_bp=fields.deposit_ratio_bp(er, "employer_ratio") if er else None,
            employee_ratio_bp=fields.deposit_ratio_bp(ee, "employee_ratio") if ee else None,
        )
        if item.posted_on > self.today:
            raise RowInvalid("posted_on is in the future")
        if item.month > self.today:
            raise RowInvalid("month is in the future")
        return item

    def keys(self, item: DepositRow) -> Iterable[tuple[str, Hashable]]:
        yield "deposit", (item.account_no, item.month)

    async def load(self, items: list[DepositRow]) -> None:
        self.accounts = await fund_bulk.accounts_by_nos(self.session, [i.account_no for i in items])
        self.booked = await fund_bulk.booked_deposit_months(
            self.session, [a.id for a in self.accounts.values()]
        )

    def _account(self, item: DepositRow) -> FundAccount:
        account = self.accounts.get(item.account_no)
        if account is None:
            raise RowInvalid(f"unknown account {mask_account_no(item.account_no)}")
        return account

    def check(self, item: DepositRow) -> None:
        account = self._account(item)
        if account.status is AccountStatus.CLOSED:
            raise RowInvalid("the account is closed")
        if (account.id, item.month) in self.booked:
            raise RowInvalid(f"deposit for {item.month:%Y-%m} is already posted")
        if item.posted_on < account.opened_on:
            raise RowInvalid("posted_on is before the account was opened")

    async def write(self, item: DepositRow) -> None:
        deposit = await fund_service.post_deposit(
            self.session,
            account=self._account(item),
            month=item.month,
            posted_on=item.posted_on,
            deposit_base=item.deposit_base,
            employer_ratio_bp=item.employer_ratio_bp,
            employee_ratio_bp=item.employee_ratio_bp,
        )
        if _recent(item.month, self.today):
            # The holder hears of this month's contribution (the SMS only if they take it);
            # a backfill of old months stays silent.
            await notify.enqueue_notice(
                self.session,
                account_id=deposit.account_id,
                kind="deposit_posted",
                values={
                    "month": f"{item.month.year}年{item.month.month}月",
                    "amount": format_yuan(deposit.employer_amount + deposit.employee_amount),
                },
                link_path="/h5/deposits",
            )
