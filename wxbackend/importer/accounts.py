"""accounts.csv: one fund account per row, with an optional opening balance."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date

from wxbackend.fund import bulk as fund_bulk
from wxbackend.fund import service as fund_service
from wxbackend.fund.models import AccountStatus
from wxbackend.importer import fields
from wxbackend.importer.base import Importer
from wxbackend.importer.fields import RowInvalid
from wxbackend.security.masking import mask_account_no


@dataclass(frozen=True, slots=True)
class AccountRow:
    account_no: str
    name: str
    id_no: str
    mobile: str | None
    employer_code: str
    status: AccountStatus
    deposit_base: int
    employer_ratio_bp: int
    employee_ratio_bp: int
    opened_on: date
    opening_balance: int
    paid_up_to: date | None


class AccountImporter(Importer[AccountRow]):
    kind = "accounts"
    required_columns = (
        "account_no",
        "name",
        "id_no",
        "mobile",
        "employer_code",
        "status",
        "deposit_base",
        "employer_ratio",
        "employee_ratio",
        "opened_on",
    )
    optional_columns = ("opening_balance", "paid_up_to")

    def parse(self, row: dict[str, str]) -> AccountRow:
        mobile = fields.optional(row["mobile"])
        balance_text = fields.optional(row.get("opening_balance", ""))
        paid_up_to = fields.optional(row.get("paid_up_to", ""))
        item = AccountRow(
            account_no=fields.account_no(row["account_no"]),
            name=fields.text_max(row["name"], "name", 64),
            id_no=fields.id_no(row["id_no"]),
            mobile=fields.mobile(mobile) if mobile else None,
            employer_code=fields.required(row["employer_code"], "employer_code"),
            status=fields.status(row["status"]),
            deposit_base=fields.money(row["deposit_base"], "deposit_base"),
            employer_ratio_bp=fields.deposit_ratio_bp(row["employer_ratio"], "employer_ratio"),
            employee_ratio_bp=fields.deposit_ratio_bp(row["employee_ratio"], "employee_ratio"),
            opened_on=fields.iso_date(row["opened_on"], "opened_on"),
            opening_balance=fields.money(balance_text, "opening_balance") if balance_text else 0,
            paid_up_to=fields.month(paid_up_to, "paid_up_to") if paid_up_to else None,
        )
        if item.opened_on > self.today:
            raise RowInvalid("opened_on is in the future")
        if item.status is AccountStatus.CLOSED and item.opening_balance:
            raise RowInvalid("a closed account must have a zero opening_balance")
        return item

    def keys(self, item: AccountRow) -> Iterable[tuple[str, Hashable]]:
        yield "account_no", item.account_no
        yield "id_no", item.id_no

    async def load(self, items: list[AccountRow]) -> None:
        self.employers = await fund_bulk.employer_ids_by_code(self.session)
        self.existing_nos = await fund_bulk.existing_account_nos(
            self.session, [i.account_no for i in items]
        )
        self.hashes = {i.id_no: self.vault.lookup_hash("id_no", i.id_no) for i in items}
        self.existing_hashes = await fund_bulk.existing_id_hashes(
            self.session, list(self.hashes.values())
        )

    def check(self, item: AccountRow) -> None:
        if item.account_no in self.existing_nos:
            raise RowInvalid(f"account {mask_account_no(item.account_no)} already exists")
        if self.hashes[item.id_no] in self.existing_hashes:
            raise RowInvalid("this ID number already has an account")
        if item.employer_code not in self.employers:
            raise RowInvalid(f"unknown employer_code {item.employer_code}")

    async def write(self, item: AccountRow) -> None:
        await fund_service.open_account(
            self.session,
            self.vault,
            account_no=item.account_no,
            identity=fund_service.Identity(name=item.name, id_no=item.id_no),
            mobile=item.mobile,
            employer_id=self.employers[item.employer_code],
            status=item.status,
            deposit_base=item.deposit_base,
            employer_ratio_bp=item.employer_ratio_bp,
            employee_ratio_bp=item.employee_ratio_bp,
            opened_on=item.opened_on,
            opening_balance=item.opening_balance,
            paid_up_to=item.paid_up_to,
        )
