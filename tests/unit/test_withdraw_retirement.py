"""The statutory retirement age by cohort: the day before and the day of, at each step."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.unit.test_withdraw_rules import HEALTHY, RULES
from wxbackend.fund.idcard import make_id_no
from wxbackend.withdraw.retirement import (
    Cohort,
    Sex,
    add_months,
    born_and_sex,
    earliest_retirement_day,
    extra_months,
    retirement_day,
)
from wxbackend.withdraw.rules import kind_names, refusal

# (cohort, born, statutory age as years + months): the first and last of each phase,
# a step inside it, and the cohorts just before the change.
CASES = [
    (Cohort.MEN, date(1964, 12, 15), (60, 0)),
    (Cohort.MEN, date(1965, 1, 1), (60, 1)),  # DOMAIN.md: born 1965-01 retires at 60 + 1 month
    (Cohort.MEN, date(1965, 4, 30), (60, 1)),
    (Cohort.MEN, date(1965, 5, 1), (60, 2)),
    (Cohort.MEN, date(1970, 6, 10), (61, 5)),
    (Cohort.MEN, date(1976, 8, 31), (62, 11)),
    (Cohort.MEN, date(1976, 9, 1), (63, 0)),
    (Cohort.MEN, date(1990, 3, 3), (63, 0)),
    (Cohort.WOMEN_CADRES, date(1969, 12, 31), (55, 0)),
    (Cohort.WOMEN_CADRES, date(1970, 1, 20), (55, 1)),
    (Cohort.WOMEN_CADRES, date(1970, 5, 1), (55, 2)),
    (Cohort.WOMEN_CADRES, date(1981, 9, 1), (58, 0)),
    (Cohort.WOMEN_WORKERS, date(1974, 12, 31), (50, 0)),
    (Cohort.WOMEN_WORKERS, date(1975, 1, 1), (50, 1)),
    (Cohort.WOMEN_WORKERS, date(1975, 3, 1), (50, 2)),
    (Cohort.WOMEN_WORKERS, date(1984, 10, 31), (54, 11)),
    (Cohort.WOMEN_WORKERS, date(1984, 11, 1), (55, 0)),
    (Cohort.WOMEN_WORKERS, date(1995, 7, 7), (55, 0)),
]


@pytest.mark.parametrize(("cohort", "born", "age"), CASES)
def test_the_statutory_age_is_reached_on_its_day_and_not_the_day_before(
    cohort: Cohort, born: date, age: tuple[int, int]
) -> None:
    years, months = age
    base = {Cohort.MEN: 60, Cohort.WOMEN_CADRES: 55, Cohort.WOMEN_WORKERS: 50}[cohort]
    assert extra_months(cohort, born) == (years - base) * 12 + months
    day = retirement_day(cohort, born)
    assert day == add_months(born, years * 12 + months)
    if cohort is Cohort.WOMEN_CADRES:
        return  # the ID number cannot tell a cadre: women qualify at the workers' age
    sex = Sex.MALE if cohort is Cohort.MEN else Sex.FEMALE
    facts = replace(HEALTHY, retirement_day=earliest_retirement_day(sex, born))
    rule = RULES.rules["retirement"]
    before = refusal(rule, facts, today=day - timedelta(days=1), names=kind_names(RULES))
    assert before is not None
    assert "尚未达到法定退休年龄" in before
    assert refusal(rule, facts, today=day, names=kind_names(RULES)) is None


def test_month_ends_clamp() -> None:
    assert add_months(date(1965, 8, 31), 12 * 60 + 2) == date(2025, 10, 31)
    assert add_months(date(1966, 8, 31), 12 * 60 + 6) == date(2027, 2, 28)


def test_birth_date_and_sex_come_from_the_id_number() -> None:
    man = make_id_no("510104", date(1965, 1, 1), 13)  # 17th digit 3: odd
    woman = make_id_no("510104", date(1975, 1, 1), 12)  # 17th digit 2: even
    assert born_and_sex(man) == (date(1965, 1, 1), Sex.MALE)
    assert born_and_sex(woman) == (date(1975, 1, 1), Sex.FEMALE)
    assert earliest_retirement_day(Sex.MALE, date(1965, 1, 1)) == date(2025, 2, 1)
    assert earliest_retirement_day(Sex.FEMALE, date(1975, 1, 1)) == date(2025, 2, 1)
    assert born_and_sex("51010419651301001X") is None
    assert born_and_sex("123") is None
