"""A fund account as read without the ORM (wxbackend/reads.py): the columns a query shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from wxbackend.fund.models import AccountStatus


@dataclass(frozen=True, slots=True)
class AccountRow:
    """The fields of `FundAccount` that the overview reads, from one committed row."""

    id: int
    account_no: str
    name_masked: str
    employer_id: int
    status: AccountStatus
    deposit_base: int
    employer_ratio_bp: int
    employee_ratio_bp: int
    paid_up_to: date | None
    opened_on: date
    balance: int
