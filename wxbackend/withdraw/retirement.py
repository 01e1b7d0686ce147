"""The statutory retirement age (NPC decision of 2024-09-13, in force 2025-01-01).

Phased over 15 years by birth month: men 60 -> 63 and women cadres 55 -> 58, one month
more every four months of birth; women workers 50 -> 55, one month more every two. The
ID number tells the birth date and sex (17th digit odd = male), not whether a woman is a
cadre or a worker, so a woman qualifies by age from the workers' (earlier) age and staff
check the retirement certificate the kind asks for.
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date


class Sex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class Cohort(enum.StrEnum):
    MEN = "men"
    WOMEN_CADRES = "women_cadres"
    WOMEN_WORKERS = "women_workers"


@dataclass(frozen=True, slots=True)
class Schedule:
    base_years: int
    first_born: date  # the first birth month whose age is raised
    months_per_step: int  # birth months per one month more
    max_extra_months: int


SCHEDULES = {
    Cohort.MEN: Schedule(60, date(1965, 1, 1), 4, 36),
    Cohort.WOMEN_CADRES: Schedule(55, date(1970, 1, 1), 4, 36),
    Cohort.WOMEN_WORKERS: Schedule(50, date(1975, 1, 1), 2, 60),
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st becomes the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def extra_months(cohort: Cohort, born: date) -> int:
    """Months added to the base age for someone born in `born`'s month."""
    schedule = SCHEDULES[cohort]
    since = (born.year - schedule.first_born.year) * 12 + born.month - schedule.first_born.month
    if since < 0:
        return 0
    return min(schedule.max_extra_months, since // schedule.months_per_step + 1)


def retirement_day(cohort: Cohort, born: date) -> date:
    """The day the statutory retirement age is reached."""
    schedule = SCHEDULES[cohort]
    return add_months(born, schedule.base_years * 12 + extra_months(cohort, born))


def earliest_retirement_day(sex: Sex, born: date) -> date:
    """Men at the men's age; women at the workers' age (the cadres' is later)."""
    cohort = Cohort.MEN if sex is Sex.MALE else Cohort.WOMEN_WORKERS
    return retirement_day(cohort, born)


def born_and_sex(id_no: str) -> tuple[date, Sex] | None:
    """Birth date and sex from an 18-digit ID number, or None when it has neither."""
    if len(id_no) != 18 or not id_no[:17].isdigit():
        return None
    try:
        born = date(int(id_no[6:10]), int(id_no[10:12]), int(id_no[12:14]))
    except ValueError:
        return None
    return born, Sex.MALE if int(id_no[16]) % 2 else Sex.FEMALE
