"""Masking and wording of what an account holder reads; chat words reach the right query."""

from __future__ import annotations

from datetime import date

import pytest

from wxbackend.account.display import (
    STATUS_NOTES,
    mask_employer,
    month_text,
    month_text_of,
)
from wxbackend.fund.models import AccountStatus
from wxbackend.handlers import account, build_registry
from wxbackend.handlers.messages import InboundMessage
from wxbackend.withdraw.schemas import status_word


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("成都蓉信软件技术有限公司", "成都******有限公司"),
        ("成都市金牛区城市管理服务中心", "成都********服务中心"),
        ("四川某某医院", "四川**医院"),
        ("某某局", "某*局"),
        ("某局", "某*"),
        ("", ""),
    ],
)
def test_employer_names_keep_only_both_ends(name: str, masked: str) -> None:
    assert mask_employer(name) == masked


def test_months_and_labels() -> None:
    assert month_text(date(2026, 10, 1)) == "2026年10月"
    assert month_text_of("2026-07") == "2026年7月"
    assert status_word("under_review") == "审核中"
    assert status_word("something_new") == "something_new"
    assert set(STATUS_NOTES) == set(AccountStatus)


def _text(words: str) -> InboundMessage:
    return InboundMessage(
        to_user="gh", from_user="o", create_time=0, msg_type="text", msg_id="1", content=words
    )


@pytest.mark.parametrize(
    ("words", "handler"),
    [
        ("余额", account.account_query_reply),
        ("查询", account.account_query_reply),
        ("缴存明细", account.deposit_details_reply),
        ("明细", account.deposit_details_reply),
        ("提取进度", account.withdrawal_progress_reply),
        ("提取进度查询", account.withdrawal_progress_reply),
        ("我的贷款", account.loan_query_reply),
        ("贷款查询", account.loan_query_reply),
    ],
)
def test_words_reach_the_right_query(words: str, handler: object) -> None:
    assert build_registry().resolve(_text(words)) is handler
