"""CSV import against the real database: good rows in, bad rows named, ledger intact."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.builders import make_account, make_employer, next_number, valid_id_no
from wxbackend.fund import service
from wxbackend.fund.models import (
    AccountStatus,
    Deposit,
    EntryType,
    FundAccount,
    JournalEntry,
    Loan,
    RepaymentSchedule,
    RepaymentStatus,
)
from wxbackend.importer import ImportReport, import_csv
from wxbackend.points.models import ServicePoint
from wxbackend.security.pii import Vault

TODAY = date(2026, 11, 20)


def _csv(*lines: str) -> list[str]:
    return [line + "\n" for line in lines]


def _reasons(report: ImportReport) -> dict[int, str]:
    return {e.line: e.reason for e in report.rejected}


async def test_import_chain_imports_good_rows_and_names_bad_lines(
    session: AsyncSession, vault: Vault
) -> None:
    n = next_number()
    e1, e2 = f"IMP{n}A", f"IMP{n}B"
    existing = await make_account(session, vault)
    employers = await import_csv(
        session,
        vault,
        "employers",
        _csv(
            "code,name,credit_code,district",
            f"{e1},成都甲科技有限公司,91350100M000100Y43,锦江区",
            f"{e2},成都乙商贸有限公司,,",
            f"{e1},重复单位,,",
            f"IMP{n}C,坏代码单位,12345,",
        ),
        TODAY,
    )
    assert employers.imported == 2
    assert _reasons(employers) == {
        4: "duplicate code: same as line 2",
        5: "credit_code is not a valid 18-character unified credit code",
    }

    no1, no2, no3 = f"7{n:08d}1", f"7{n:08d}2", f"7{n:08d}3"
    id1, id2, id3 = valid_id_no(n * 3), valid_id_no(n * 3 + 1), valid_id_no(n * 3 + 2)
    id4 = valid_id_no(n * 3 + 7)
    bad_id = id3[:17] + ("0" if id3[17] != "0" else "1")
    header = (
        "account_no,name,id_no,mobile,employer_code,status,deposit_base,"
        "employer_ratio,employee_ratio,opened_on,opening_balance"
    )
    accounts = await import_csv(
        session,
        vault,
        "accounts",
        _csv(
            header,
            f"{no1},王一,{id1},13900000001,{e1},正常,8000,12,12,2020-01-01,1000.50",
            f"{no2},王二,{id2},,{e2},sealed,5000.00,5,5,2021-03-01,",
            f"{no3},王三,{bad_id},13900000003,{e1},normal,5000,5,5,2021-03-01,",
            f"{no3},王三,{id3},13900000003,NOPE{n},normal,5000,5,5,2021-03-01,",
            f"{existing.account_no},王四,{id4},,{e1},normal,5000,5,5,2021-03-01,",
            f"{no1}9,王五,{id1},,{e1},normal,5000,5,5,2021-03-01,",
            f"{no3}8,王六,{id3},13912345678,{e1},normal,5000,4,5,2021-03-01,",
        ),
        TODAY,
    )
    assert accounts.imported == 2
    reasons = _reasons(accounts)
    assert sorted(reasons) == [4, 5, 6, 7, 8]
    assert "not a valid 18-digit ID number" in reasons[4]
    assert reasons[5] == f"unknown employer_code NOPE{n}"
    assert "already exists" in reasons[6]
    assert reasons[7] == "duplicate id_no: same as line 2"
    assert "employer_ratio" in reasons[8]
    for reason in reasons.values():  # no personal data in the operator's report
        assert id1 not in reason
        assert bad_id not in reason
        assert "13912345678" not in reason

    deposits = await import_csv(
        session,
        vault,
        "deposits",
        _csv(
            "account_no,month,posted_on,deposit_base,employer_ratio,employee_ratio",
            f"{no1},2026-09,2026-09-15,,,",
            f"{no1},2026-10,2026-10-15,9000.00,12,12",
            f"{no2},2026-10,2026-10-15,,,",
            f"{no1},2026-10,2026-10-20,,,",
            f"9{n:011d},2026-10,2026-10-15,,,",
        ),
        TODAY,
    )
    assert deposits.imported == 3
    assert sorted(_reasons(deposits)) == [5, 6]
    assert "duplicate deposit" in _reasons(deposits)[5]
    assert "unknown account" in _reasons(deposits)[6]

    loans = await import_csv(
        session,
        vault,
        "loans",
        _csv(
            "contract_no,account_no,principal,annual_rate,term_months,method,start_date,overdue_periods",
            f"DK{n}1,{no1},300000,2.85,240,等额本息,2025-06-10,2",
            f"DK{n}2,{no2},100000.00,3.1,120,equal_principal,2024-01-05,",
            f"DK{n}1,{no2},100000,3.1,120,equal_principal,2024-01-05,",
        ),
        TODAY,
    )
    assert (loans.imported, sorted(_reasons(loans))) == (2, [4])

    points = await import_csv(
        session,
        vault,
        "points",
        _csv(
            "code,name,district,address,latitude,longitude,hours,phone,services",
            f"P{n},锦江厅,锦江区,1号,30.65,104.08,mon-fri 09:00-17:00,028-86120001,提取、查询",
            f"Q{n},坏网点,锦江区,某地,30.65,104.08,always,028-86120001,",
        ),
        TODAY,
    )
    assert (points.imported, sorted(_reasons(points))) == (1, [3])

    assert await service.check_ledger(session) == []
    account = await session.scalar(select(FundAccount).where(FundAccount.account_no == no1))
    assert account is not None
    await session.refresh(account)
    assert account.balance == 100_050 + 192_000 + 216_000
    assert account.paid_up_to == date(2026, 10, 1)
    assert account.deposit_base == 800_000  # a row's base applies to that month only
    found = await service.find_accounts_by_id_no(session, vault, id1)
    assert [a.account_no for a in found] == [no1]
    assert service.reveal_mobile(vault, found[0]) == "13900000001"
    sealed = await session.scalar(select(FundAccount).where(FundAccount.account_no == no2))
    assert sealed is not None
    assert sealed.status is AccountStatus.SEALED

    loan = await session.scalar(select(Loan).where(Loan.contract_no == f"DK{n}1"))
    assert loan is not None
    statuses = list(
        await session.scalars(
            select(RepaymentSchedule.status)
            .where(RepaymentSchedule.loan_id == loan.id)
            .order_by(RepaymentSchedule.period_no)
        )
    )
    assert len(statuses) == 240
    # 17 periods fell due by TODAY (2025-07-10 … 2026-11-10); the last 2 are overdue.
    assert statuses[15:17] == [RepaymentStatus.OVERDUE, RepaymentStatus.OVERDUE]
    assert statuses[14] is RepaymentStatus.PAID
    assert statuses[17] is RepaymentStatus.DUE
    point = await session.scalar(select(ServicePoint).where(ServicePoint.code == f"P{n}"))
    assert point is not None
    assert point.services == "提取、查询"


async def test_reimporting_deposits_rejects_duplicates_without_moving_money(
    session: AsyncSession, vault: Vault
) -> None:
    account = await make_account(session, vault, opening_balance=50_000)
    rows = _csv(
        "account_no,month,posted_on",
        f"{account.account_no},2026-08,2026-08-15",
        f"{account.account_no},2026-09,2026-09-15",
    )
    first = await import_csv(session, vault, "deposits", rows, TODAY)
    assert (first.imported, first.rejected) == (2, [])
    await session.refresh(account)
    balance = account.balance
    assert balance == 50_000 + 2 * 192_000

    again = await import_csv(session, vault, "deposits", rows, TODAY)
    assert again.imported == 0
    assert _reasons(again) == {
        2: "deposit for 2026-08 is already posted",
        3: "deposit for 2026-09 is already posted",
    }
    await session.refresh(account)
    assert account.balance == balance
    entries = await session.scalar(
        select(func.count()).where(
            JournalEntry.account_id == account.id, JournalEntry.entry_type == EntryType.DEPOSIT
        )
    )
    assert entries == 2
    assert await service.check_ledger(session) == []


async def test_deposits_to_closed_accounts_are_rejected(
    session: AsyncSession, vault: Vault
) -> None:
    account = await make_account(session, vault, status=AccountStatus.CLOSED)
    report = await import_csv(
        session,
        vault,
        "deposits",
        _csv("account_no,month,posted_on", f"{account.account_no},2026-10,2026-10-15"),
        TODAY,
    )
    assert _reasons(report) == {2: "the account is closed"}
    count = await session.scalar(select(func.count()).where(Deposit.account_id == account.id))
    assert count == 0


async def test_builder_posts_real_deposits(session: AsyncSession, vault: Vault) -> None:
    employer = await make_employer(session)
    account = await make_account(
        session, vault, employer_id=employer.id, months_of_deposits=3, deposit_base=500_000
    )
    assert account.balance == 3 * 120_000
    assert account.paid_up_to is not None
    assert await service.find_accounts_by_id_no(
        session, vault, service.reveal_id_no(vault, account)
    ) == [account]


@pytest.mark.parametrize("kind", ["employers", "accounts", "deposits", "loans", "points"])
async def test_header_only_file_imports_nothing(
    session: AsyncSession, vault: Vault, kind: str
) -> None:
    from wxbackend.importer import IMPORTERS

    header = ",".join(IMPORTERS[kind].required_columns)
    report = await import_csv(session, vault, kind, [header + "\n"], TODAY)
    assert (report.imported, report.rejected) == (0, [])
