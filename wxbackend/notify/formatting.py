"""Values cut to WeChat's limits per data type, so a send never fails with 47003.

The type is the key's prefix (`thing1` → thing, `amount2` → amount): subscribe messages
and the new official-account templates name their keys this way.
https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html
"""

from __future__ import annotations

import re
from datetime import date, datetime

from wxbackend.clock import CHINA_TZ, china_time_text


class NoticeFormatError(ValueError):
    """A value that cannot be made to fit its WeChat type (a template configuration error)."""


_KEY = re.compile(r"^([a-z_]+?)\d*$")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_WECHAT_TIME = re.compile(
    r"^(\d{4}年\d{1,2}月\d{1,2}日)?\s?(\d{1,2}:\d{2})?(\s?~\s?.+)?$"
)  # 2019年10月1日 15:01, 15:01, and ranges joined by ~
_AMOUNT = re.compile(r"^(\d+)(?:\.(\d{1,2}))?$")
_AMOUNT_DIGITS = 10
_ASCII_PRINTABLE = re.compile(r"[^\x21-\x7e]")
_SYMBOL = re.compile(r"[A-Za-z0-9\s\u3400-\u9fff]")

KNOWN_TYPES = frozenset(
    {
        "thing",
        "amount",
        "time",
        "date",
        "phrase",
        "character_string",
        "name",
        "number",
        "letter",
        "symbol",
        "phone_number",
        "car_number",
        # Old official-account templates: first, keyword1…, remark (free text).
        "first",
        "keyword",
        "remark",
    }
)
_FREE_TEXT_MAX = 200


def field_type(key: str) -> str:
    """WeChat's data type of a template key ("character_string7" → "character_string")."""
    match = _KEY.match(key)
    if not match or match.group(1) not in KNOWN_TYPES:
        raise NoticeFormatError(f"template key {key!r} names no WeChat data type")
    return match.group(1)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def format_thing(text: str) -> str:
    """≤20 characters of any kind."""
    value = _cut(_one_line(text), 20)
    if not value:
        raise NoticeFormatError("empty thing")
    return value


def format_amount(text: str) -> str:
    """One currency sign + at most 10 plain digits, optional decimals: "¥3000.00"."""
    cleaned = _one_line(text).replace(",", "").replace(" ", "").lstrip("¥￥").removesuffix("元")
    match = _AMOUNT.match(cleaned)
    if not match:
        raise NoticeFormatError("not an amount of yuan")
    whole, cents = match.group(1).lstrip("0") or "0", match.group(2)
    if cents is not None and len(whole) + len(cents) <= _AMOUNT_DIGITS:
        return f"¥{whole}.{cents.ljust(2, '0')}"
    if len(whole) <= _AMOUNT_DIGITS:
        return f"¥{whole}"
    raise NoticeFormatError("amount longer than 10 digits")


def _moment(text: str) -> datetime | date | None:
    # date first: Python 3.11 also reads "2026-11-22" as a datetime at midnight.
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            return parse(text)
        except ValueError:
            continue
    return None


def format_time(text: str) -> str:
    """24-hour time with an optional date, "2026年11月22日 19:30"; ISO input is converted."""
    value = _one_line(text)
    moment = _moment(value)
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=CHINA_TZ)
        return china_time_text(moment)
    if isinstance(moment, date):
        return f"{moment:%Y年%m月%d日}"
    if value and _WECHAT_TIME.match(value):
        return value
    raise NoticeFormatError("not a time")


def format_date(text: str) -> str:
    """A date, optionally with a time: "2026年11月22日" (time values convert the same way)."""
    return format_time(text)


def format_phrase(text: str) -> str:
    """At most 5 Chinese characters and nothing else."""
    value = "".join(_CJK.findall(text))[:5]
    if not value:
        raise NoticeFormatError("a phrase needs Chinese characters")
    return value


def format_character_string(text: str) -> str:
    """≤32 digits, letters or symbols (no Chinese, no spaces)."""
    value = _ASCII_PRINTABLE.sub("", text)[:32]
    if not value:
        raise NoticeFormatError("empty character_string")
    return value


def format_name(text: str) -> str:
    """≤10 Chinese characters, or ≤20 letters and symbols."""
    chinese = "".join(_CJK.findall(text))
    if chinese:
        return chinese[:10]
    value = _ASCII_PRINTABLE.sub("", text)[:20]
    if not value:
        raise NoticeFormatError("empty name")
    return value


def format_number(text: str) -> str:
    value = re.sub(r"[^0-9.]", "", text)[:32].strip(".")
    if not value:
        raise NoticeFormatError("not a number")
    return value


def format_letter(text: str) -> str:
    value = re.sub(r"[^A-Za-z]", "", text)[:32]
    if not value:
        raise NoticeFormatError("no letters")
    return value


def format_symbol(text: str) -> str:
    value = _SYMBOL.sub("", text)[:5]
    if not value:
        raise NoticeFormatError("no symbols")
    return value


def format_phone_number(text: str) -> str:
    value = re.sub(r"[^0-9+\-*]", "", text)[:17]
    if not value:
        raise NoticeFormatError("not a phone number")
    return value


def format_car_number(text: str) -> str:
    return _cut(_one_line(text), 8)


def format_free(text: str) -> str:
    return _cut(text.strip(), _FREE_TEXT_MAX)


_FORMATTERS = {
    "thing": format_thing,
    "amount": format_amount,
    "time": format_time,
    "date": format_date,
    "phrase": format_phrase,
    "character_string": format_character_string,
    "name": format_name,
    "number": format_number,
    "letter": format_letter,
    "symbol": format_symbol,
    "phone_number": format_phone_number,
    "car_number": format_car_number,
    "first": format_free,
    "keyword": format_free,
    "remark": format_free,
}


def format_value(key: str, text: str) -> str:
    """`text` made to fit the WeChat type named by `key`."""
    return _FORMATTERS[field_type(key)](text)
