"""The documented demo identities (docs/demo.md): fixed people for trying every flow."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from wxbackend.fund.idcard import make_id_no
from wxbackend.fund.models import AccountStatus


class Scenario(enum.StrEnum):
    HEALTHY = "healthy"  # normal, long history, healthy balance
    LOAN = "loan"  # normal, a loan repaid on time
    OVERDUE_LOAN = "overdue_loan"  # normal, a loan with overdue periods
    SEALED = "sealed"  # employer stopped paying 8 months ago
    FROZEN = "frozen"
    CLOSED = "closed"  # retired, balance paid out
    NEW_JOINER = "new_joiner"  # only a few months of deposits


@dataclass(frozen=True, slots=True)
class DemoIdentity:
    account_no: str
    name: str
    id_no: str
    mobile: str
    employer_code: str
    scenario: Scenario
    deposit_base: int  # fen
    ratio_bp: int

    @property
    def status(self) -> AccountStatus:
        return {
            Scenario.SEALED: AccountStatus.SEALED,
            Scenario.FROZEN: AccountStatus.FROZEN,
            Scenario.CLOSED: AccountStatus.CLOSED,
        }.get(self.scenario, AccountStatus.NORMAL)


def _identity(
    n: int,
    name: str,
    area: str,
    born: date,
    sequence: int,
    employer: str,
    scenario: Scenario,
    base_yuan: int,
    ratio_bp: int,
) -> DemoIdentity:
    return DemoIdentity(
        account_no=f"1001{n:08d}",
        name=name,
        id_no=make_id_no(area, born, sequence),
        mobile=f"1380028{n:04d}",
        employer_code=employer,
        scenario=scenario,
        deposit_base=base_yuan * 100,
        ratio_bp=ratio_bp,
    )


IDENTITIES: tuple[DemoIdentity, ...] = (
    _identity(
        1, "王建国", "510104", date(1982, 3, 15), 271, "E0001", Scenario.HEALTHY, 15000, 1200
    ),
    _identity(2, "李秀英", "510107", date(1988, 7, 22), 184, "E0009", Scenario.LOAN, 9000, 1000),
    _identity(
        3, "张志强", "510106", date(1979, 11, 3), 355, "E0002", Scenario.OVERDUE_LOAN, 7000, 800
    ),
    _identity(4, "刘晓燕", "510105", date(1990, 5, 9), 422, "E0004", Scenario.SEALED, 4500, 500),
    _identity(5, "陈浩", "510108", date(1985, 1, 30), 517, "E0010", Scenario.FROZEN, 8000, 800),
    _identity(6, "杨丽华", "510112", date(1966, 2, 14), 608, "E0017", Scenario.CLOSED, 6500, 1200),
    _identity(
        7, "赵宇航", "510116", date(2001, 9, 1), 733, "E0019", Scenario.NEW_JOINER, 6000, 1200
    ),
)

# How the demo shapes each scenario (months are counted back from the current month).
SEALED_MONTHS_AGO = 8
CLOSED_MONTHS_AGO = 4
NEW_JOINER_MONTHS = 3
OVERDUE_PERIODS = 2
