"""Enums more than one domain speaks, and how any enum is stored in a column."""

from __future__ import annotations

import enum

from sqlalchemy import Enum


class Channel(enum.StrEnum):
    """Where a WeChat user reaches us: sessions, bindings, notices and audit all say it."""

    OFFICIAL_ACCOUNT = "oa"  # 公众号 H5 pages
    MINI_PROGRAM = "mp"  # 小程序


def stored_enum(cls: type[enum.Enum]) -> Enum:
    """The lower-case value in a VARCHAR with a CHECK, portable to SQLite."""
    return Enum(
        cls,
        name=cls.__name__.lower(),
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda members: [m.value for m in members],
    )
