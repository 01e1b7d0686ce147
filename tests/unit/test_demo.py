"""Demo data without a database: people, identities, determinism, in-memory ledger."""

from __future__ import annotations

import random
from datetime import date

from wxbackend.demo.generate import _specs
from wxbackend.demo.history import AccountPlan, build_history
from wxbackend.demo.identities import IDENTITIES
from wxbackend.demo.people import PersonFactory
from wxbackend.demo.places import DISTRICT_CODES, POINTS
from wxbackend.fund import calc
from wxbackend.fund.idcard import is_valid_id_no
from wxbackend.fund.models import EntryType
from wxbackend.importer.points import parse_hours

TODAY = date(2026, 11, 20)


def test_people_have_valid_unique_chengdu_ids_and_mobiles() -> None:
    factory = PersonFactory(random.Random(1), taken_ids=set(), taken_mobiles=set())
    people = [factory.person(today=TODAY) for _ in range(500)]
    assert len({p.id_no for p in people}) == 500
    assert len({p.mobile for p in people}) == 500
    for person in people:
        assert is_valid_id_no(person.id_no)
        assert person.id_no[:6] in DISTRICT_CODES.values()
        assert len(person.mobile) == 11
        assert person.mobile.startswith("1")
        assert 2 <= len(person.name) <= 3


def test_identities_are_valid_and_distinct() -> None:
    assert 5 <= len(IDENTITIES) <= 8
    assert len({i.account_no for i in IDENTITIES}) == len(IDENTITIES)
    assert len({i.id_no for i in IDENTITIES}) == len(IDENTITIES)
    assert all(is_valid_id_no(i.id_no) for i in IDENTITIES)


def test_same_seed_same_centre_other_seed_other_centre() -> None:
    def fingerprint(seed: int) -> list[tuple[str, str, str, str]]:
        return [
            (s.account_no, s.person.name, s.person.id_no, s.status.value)
            for s in _specs(60, seed, TODAY)
        ]

    assert fingerprint(11) == fingerprint(11)
    assert fingerprint(11) != fingerprint(12)
    # The documented identities do not depend on the seed.
    assert fingerprint(11)[: len(IDENTITIES)] == fingerprint(12)[: len(IDENTITIES)]


def _plan(**overrides: object) -> AccountPlan:
    fields: dict[str, object] = {
        "opened_on": date(2015, 3, 1),
        "opening_balance": 1_000_000,
        "history_start": date(2023, 7, 1),
        "first_month": date(2023, 7, 1),
        "last_month": date(2026, 10, 1),
        "pay_day": 15,
        "base_for": lambda month: 800_000 if month < date(2025, 7, 1) else 850_000,
        "employer_ratio_bp": 1200,
        "employee_ratio_bp": 1000,
    }
    fields.update(overrides)
    return AccountPlan(**fields)  # type: ignore[arg-type]


def test_history_running_balance_deposits_and_interest() -> None:
    history = build_history(_plan(), today=TODAY)
    running = 0
    for entry in history.entries:
        running += entry["amount"]
        assert entry["balance_after"] == running
    assert history.balance == running
    assert len(history.deposits) == 40
    assert history.deposits[0]["employer_amount"] == 96_000
    assert history.deposits[-1]["employee_amount"] == 85_000
    assert history.paid_up_to == date(2026, 10, 1)
    assert history.deposit_base == 850_000
    assert [p["year"] for p in history.interest] == [2024, 2025, 2026]
    # Year 2024 recomputed from the journal exactly as fund.interest.post_interest does.
    start, end = calc.deposit_year(2024)
    movements = [
        (e["value_date"], e["amount"])
        for e in history.entries
        if start <= e["value_date"] <= end and e["entry_type"] is not EntryType.INTEREST
    ]
    assert history.interest[0]["amount"] == calc.yearly_interest(
        opening_balance=0, movements=movements, year=2024, rate_bp=150
    )


def test_closed_history_pays_out_to_zero_after_last_interest() -> None:
    history = build_history(
        _plan(last_month=date(2026, 5, 1), closed_on=date(2026, 7, 10)), today=TODAY
    )
    assert history.balance == 0
    last = history.entries[-1]
    assert last["entry_type"] is EntryType.WITHDRAWAL
    assert last["balance_after"] == 0
    assert history.entries[-2]["ref"] == "interest:2026"


def test_service_points_are_in_chengdu_with_valid_hours() -> None:
    assert len(POINTS) >= 15
    assert len({p.code for p in POINTS}) == len(POINTS)
    for point in POINTS:
        assert 30.5 <= point.latitude <= 30.8
        assert 103.9 <= point.longitude <= 104.2
        assert parse_hours(point.hours) == point.hours
        assert point.phone.startswith("028-")
