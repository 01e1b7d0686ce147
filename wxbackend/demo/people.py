"""Fictional people: Chinese names, valid Chengdu ID numbers and mobiles, all unique."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from wxbackend.demo.places import BIRTH_AREA_WEIGHTS
from wxbackend.fund.idcard import make_id_no

# Common surnames, weighted roughly by frequency in Sichuan.
_SURNAMES = (
    "李王张刘陈杨黄周吴何赵罗徐邓曾谢胡唐朱郭冯彭肖蒋袁田林马高梁"
    "宋郑韩董廖钟杜蔡魏余叶程苏吕丁沈任姚卢傅汪龚雷文熊严向付"
)
_SURNAME_WEIGHTS = [max(1, 40 - i) for i in range(len(_SURNAMES))]
_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳建国志文博"
_FEMALE = "芳娜敏静丽艳娟霞秀玲桂英华燕红梅琳婷雪慧莉倩洁颖琴云露瑶欣怡佳雨晨"
_MOBILE_PREFIXES = (
    "133", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158",
    "159", "177", "180", "181", "182", "183", "187", "188", "189", "191", "199",
)  # fmt: skip


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February becomes the 28th)."""
    return date(day.year - years, day.month, 28 if (day.month, day.day) == (2, 29) else day.day)


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    id_no: str
    mobile: str
    born: date


class PersonFactory:
    """Draws people from a seeded random source, never repeating an ID number or mobile."""

    def __init__(self, rng: random.Random, *, taken_ids: set[str], taken_mobiles: set[str]):
        self._rng = rng
        self._ids = taken_ids
        self._mobiles = taken_mobiles
        self._areas = list(BIRTH_AREA_WEIGHTS)
        self._area_weights = list(BIRTH_AREA_WEIGHTS.values())

    def person(self, *, today: date, min_age: int = 22, max_age: int = 58) -> Person:
        rng = self._rng
        male = rng.random() < 0.52
        given_pool = _MALE if male else _FEMALE
        given = "".join(rng.choice(given_pool) for _ in range(rng.choice((1, 2, 2, 2))))
        surname = rng.choices(_SURNAMES, weights=_SURNAME_WEIGHTS)[0]
        earliest = years_before(today, max_age + 1) + timedelta(days=1)
        span = (years_before(today, min_age) - earliest).days
        while True:
            born = earliest + timedelta(days=rng.randrange(span))
            area = rng.choices(self._areas, weights=self._area_weights)[0]
            # The 17th digit's parity is the holder's sex: odd for men, even for women.
            sequence = rng.randrange(100) * 10 + rng.randrange(0 + male, 10, 2)
            id_no = make_id_no(area, born, sequence)
            if id_no not in self._ids:
                self._ids.add(id_no)
                break
        while True:
            mobile = rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            if mobile not in self._mobiles:
                self._mobiles.add(mobile)
                break
        return Person(name=surname + given, id_no=id_no, mobile=mobile, born=born)
