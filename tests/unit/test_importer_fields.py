"""Cell parsers and per-kind row parsing of the CSV importer (no database)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.builders import valid_id_no
from wxbackend.fund.models import AccountStatus, RepaymentMethod
from wxbackend.importer import fields
from wxbackend.importer.accounts import AccountImporter
from wxbackend.importer.creditcode import is_valid_credit_code, make_credit_code
from wxbackend.importer.deposits import DepositImporter
from wxbackend.importer.employers import EmployerImporter
from wxbackend.importer.fields import RowInvalid
from wxbackend.importer.loans import LoanImporter
from wxbackend.importer.points import PointImporter, parse_hours

TODAY = date(2026, 11, 20)


def _importer(cls: type[Any]) -> Any:
    return cls(None, None, TODAY)  # parse() touches neither the session nor the vault


@pytest.mark.parametrize(
    ("text", "bp"), [("12", 1200), ("7.5", 750), ("5%", 500), (" 11.25 % ", 1125)]
)
def test_ratio_percent_to_basis_points(text: str, bp: int) -> None:
    assert fields.deposit_ratio_bp(text, "employer_ratio") == bp


@pytest.mark.parametrize("text", ["4.99", "12.5", "0.12", "abc", "", "7.125"])
def test_ratio_outside_range_or_malformed_is_rejected(text: str) -> None:
    with pytest.raises(RowInvalid, match="employer_ratio"):
        fields.deposit_ratio_bp(text, "employer_ratio")


def test_money_is_parsed_to_integer_fen() -> None:
    assert fields.money("1234.56", "deposit_base") == 123456
    assert isinstance(fields.money("0.1", "x"), int)
    with pytest.raises(RowInvalid, match="not an amount"):
        fields.money("12.345", "deposit_base")
    with pytest.raises(RowInvalid):
        fields.money("-5", "deposit_base")


def test_id_number_is_checked_and_masked_in_the_reason() -> None:
    good = valid_id_no(42)
    assert fields.id_no(good.lower()) == good
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(RowInvalid) as caught:
        fields.id_no(bad)
    assert bad not in str(caught.value)
    assert bad[:6] in str(caught.value)


def test_mobile_must_be_eleven_digits_starting_with_one_and_is_masked() -> None:
    assert fields.mobile("139 1234 5678") == "13912345678"
    with pytest.raises(RowInvalid) as caught:
        fields.mobile("23912345678")
    assert "23912345678" not in str(caught.value)


def test_dates_months_statuses_and_methods() -> None:
    assert fields.iso_date("2025-07-01", "d") == date(2025, 7, 1)
    assert fields.month("2025-07", "m") == date(2025, 7, 1)
    for bad in ("2025-7-1", "2025/07/01", "2025-02-30"):
        with pytest.raises(RowInvalid):
            fields.iso_date(bad, "d")
    with pytest.raises(RowInvalid):
        fields.month("2025-13", "m")
    assert fields.status("封存") is AccountStatus.SEALED
    assert fields.status("Closed") is AccountStatus.CLOSED
    assert fields.method("等额本金") is RepaymentMethod.EQUAL_PRINCIPAL
    with pytest.raises(RowInvalid):
        fields.status("active")


def test_credit_code_checksum() -> None:
    assert is_valid_credit_code("91350100M000100Y43")
    code = make_credit_code(authority="91", area="510104", org_body="20190731")
    assert is_valid_credit_code(code)
    assert not is_valid_credit_code(code[:17] + ("0" if code[17] != "0" else "1"))


def _account_row(**overrides: str) -> dict[str, str]:
    row = {
        "account_no": "100200300400",
        "name": "王五",
        "id_no": valid_id_no(7),
        "mobile": "13912345678",
        "employer_code": "E1",
        "status": "正常",
        "deposit_base": "8000.00",
        "employer_ratio": "12",
        "employee_ratio": "12%",
        "opened_on": "2020-01-01",
        "opening_balance": "",
        "paid_up_to": "",
    }
    row.update(overrides)
    return row


def test_account_row_is_parsed_to_domain_values() -> None:
    item = _importer(AccountImporter).parse(_account_row(opening_balance="1234.56"))
    assert item.status is AccountStatus.NORMAL
    assert (item.deposit_base, item.employer_ratio_bp, item.opening_balance) == (
        800_000,
        1200,
        123_456,
    )


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"account_no": "12AB"}, "account_no"),
        ({"name": ""}, "name is empty"),
        ({"status": "closed", "opening_balance": "10"}, "closed account"),
        ({"opened_on": "2027-01-01"}, "future"),
        ({"employee_ratio": "13"}, "employee_ratio"),
        ({"paid_up_to": "2025-7"}, "paid_up_to"),
    ],
)
def test_account_row_errors_name_the_problem(overrides: dict[str, str], reason: str) -> None:
    with pytest.raises(RowInvalid, match=reason):
        _importer(AccountImporter).parse(_account_row(**overrides))


def test_employer_deposit_loan_rows() -> None:
    employer = _importer(EmployerImporter).parse(
        {"code": "E1", "name": "某公司", "credit_code": "91350100m000100y43", "district": ""}
    )
    assert employer.credit_code == "91350100M000100Y43"
    assert employer.district is None
    with pytest.raises(RowInvalid, match="credit_code"):
        _importer(EmployerImporter).parse({"code": "E1", "name": "x", "credit_code": "123"})

    deposit = _importer(DepositImporter).parse(
        {"account_no": "100200300400", "month": "2026-10", "posted_on": "2026-10-15"}
    )
    assert deposit.deposit_base is None
    with pytest.raises(RowInvalid, match="future"):
        _importer(DepositImporter).parse(
            {"account_no": "100200300400", "month": "2026-12", "posted_on": "2026-11-01"}
        )

    loan_row = {
        "contract_no": "DK1",
        "account_no": "100200300400",
        "principal": "300000",
        "annual_rate": "2.85",
        "term_months": "240",
        "method": "等额本息",
        "start_date": "2026-08-10",
        "overdue_periods": "2",
    }
    loan = _importer(LoanImporter).parse(loan_row)
    assert (loan.principal, loan.annual_rate_bp, loan.overdue_periods) == (30_000_000, 285, 2)
    with pytest.raises(RowInvalid, match="exceeds the 3 periods due"):
        _importer(LoanImporter).parse({**loan_row, "overdue_periods": "4"})
    with pytest.raises(RowInvalid, match="term_months"):
        _importer(LoanImporter).parse({**loan_row, "term_months": "0"})


def test_point_row_and_hours_format() -> None:
    assert parse_hours("MON-FRI 09:00-12:00,13:30-17:00;sat 09:00-12:00") == (
        "mon-fri 09:00-12:00,13:30-17:00; sat 09:00-12:00"
    )
    with pytest.raises(RowInvalid, match="hours"):
        parse_hours("weekdays 9-5")
    row = {
        "code": "P1",
        "name": "锦江服务厅",
        "district": "锦江区",
        "address": "锦江区东大街1号",
        "latitude": "30.65",
        "longitude": "104.08",
        "hours": "mon-fri 09:00-17:00",
        "phone": "028-86120001",
        "services": "提取；查询、贷款",
    }
    assert _importer(PointImporter).parse(row).services == ("提取", "查询", "贷款")
    with pytest.raises(RowInvalid, match="latitude"):
        _importer(PointImporter).parse({**row, "latitude": "104.08"})
    with pytest.raises(RowInvalid, match="phone"):
        _importer(PointImporter).parse({**row, "phone": "call us"})
