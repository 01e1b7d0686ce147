"""The menu as data: WeChat's limits, a handler for every key, idempotent publishing."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from wxbackend.handlers import build_registry
from wxbackend.menus import (
    MenuInvalid,
    diff_menus,
    load_menu,
    menu_keys,
    normalise_menu,
    push_menu,
    validate_menu,
)
from wxbackend.wechat.fakes import FakeOfficialAccount


@pytest.fixture
def menu() -> dict[str, Any]:
    return load_menu(public_base_url="https://gjj.example.org/")


def click(name: str = "帮助", key: str = "HELP") -> dict[str, Any]:
    return {"type": "click", "name": name, "key": key}


def one_button(*subs: dict[str, Any], name: str = "更多") -> dict[str, Any]:
    return {"button": [{"name": name, "sub_button": list(subs)}]}


def test_repository_menu_is_valid_and_templated(menu: dict[str, Any]) -> None:
    assert validate_menu(menu) == []
    signup = menu["button"][0]["sub_button"][4]
    assert signup == {
        "type": "view",
        "name": "签约绑定",
        "url": "https://gjj.example.org/h5/signup",
    }


def test_every_menu_key_has_a_handler(menu: dict[str, Any]) -> None:
    registry = build_registry()
    keys = menu_keys(menu)
    assert "SERVICE_POINTS" in keys  # location_select keys count too
    missing = sorted(key for key in keys if not registry.has_menu_key(key))
    assert missing == [], f"menu keys without a handler: {missing}"


def test_top_button_count_is_one_to_three() -> None:
    assert validate_menu({"button": []}) == ["menu: 0 top buttons (need 1–3)"]
    four = {"button": [{"name": f"菜单{i}", **click(key=f"K{i}")} for i in range(4)]}
    assert validate_menu(four) == ["menu: 4 top buttons (need 1–3)"]


def test_sub_button_count_is_one_to_five() -> None:
    assert validate_menu(one_button()) == ["button[0] 更多: 0 sub-buttons (need 1–5)"]
    six = one_button(*(click(f"按钮{i}", f"K{i}") for i in range(6)))
    assert validate_menu(six) == ["button[0] 更多: 6 sub-buttons (need 1–5)"]


def test_name_lengths_are_counted_in_bytes() -> None:
    assert validate_menu(one_button(click(), name="公" * 5)) == []  # 15 bytes
    problems = validate_menu(one_button(click("公" * 21), name="公" * 6))
    assert problems == [
        "button[0] 公公公公公公: name is 18 bytes (max 16)",
        f"button[0] 公公公公公公 > sub_button[0] {'公' * 21}: name is 63 bytes (max 60)",
    ]


def test_key_and_url_lengths() -> None:
    long_key = click(key="K" * 129)
    long_url = {"type": "view", "name": "链接", "url": "https://x.example/" + "a" * 1010}
    problems = validate_menu(one_button(long_key, long_url))
    assert problems == [
        "button[0] 更多 > sub_button[0] 帮助: key is 129 bytes (max 128)",
        "button[0] 更多 > sub_button[1] 链接: url is 1028 bytes (max 1024)",
    ]


MINI = {"type": "miniprogram", "name": "甲", "appid": "wx1", "pagepath": "p", "url": "https://x"}


@pytest.mark.parametrize(
    ("button", "problem"),
    [
        ({"type": "click", "name": "甲"}, "click needs key"),
        ({"type": "view", "name": "甲"}, "view needs url"),
        ({"type": "location_select", "name": "甲"}, "location_select needs key"),
        ({**MINI, "appid": ""}, "miniprogram needs appid"),
        ({**MINI, "pagepath": ""}, "miniprogram needs pagepath"),
        ({**MINI, "url": ""}, "miniprogram needs url"),
        ({"type": "teleport", "name": "甲"}, "unknown or missing type 'teleport'"),
        (
            {"type": "view", "name": "甲", "url": "ftp://x"},
            "url must start with http:// or https://",
        ),
    ],
)
def test_required_fields_per_type(button: dict[str, Any], problem: str) -> None:
    problems = validate_menu(one_button(button))
    assert problems == [f"button[0] 更多 > sub_button[0] 甲: {problem}"]


def test_every_problem_is_reported_at_once() -> None:
    bad = {
        "button": [
            {"name": "公" * 6, "sub_button": [{"type": "click", "name": "甲"}]},
            {"name": "乙", "type": "view"},
            {"name": "丙", "sub_button": [click("丁", "DUP"), click("戊", "DUP")]},
        ]
    }
    assert len(validate_menu(bad)) == 4


def test_diff_is_empty_against_the_live_copy_and_names_changes(menu: dict[str, Any]) -> None:
    live = copy.deepcopy(normalise_menu(menu))
    # WeChat's get_menu adds empty sub_button lists and a menuid; neither is a change.
    live["menuid"] = 12345
    for button in live["button"]:
        for sub in button["sub_button"]:
            sub["sub_button"] = []
    assert diff_menus(live, menu) == []
    live["button"][2]["sub_button"][1]["key"] = "OLD_HELP"
    del live["button"][1]["sub_button"][4]
    assert diff_menus(live, menu) == [
        "+ 办事服务 / 12329 (type=click key=HOTLINE)",
        "~ 更多 / 帮助: key 'OLD_HELP' → 'HELP'",
    ]
    assert diff_menus(None, menu)[0].startswith("+ ")


async def test_push_creates_once_then_is_up_to_date(menu: dict[str, Any]) -> None:
    oa = FakeOfficialAccount()
    first = await push_menu(oa, menu)
    assert first.created
    assert first.changes
    assert oa.menu == normalise_menu(menu)
    second = await push_menu(oa, menu)
    assert (second.created, second.changes) == (False, [])


async def test_push_refuses_an_invalid_menu_before_calling_wechat() -> None:
    oa = FakeOfficialAccount()
    oa.fail_next(-1)  # any call to WeChat would raise
    with pytest.raises(MenuInvalid) as excinfo:
        await push_menu(oa, {"button": []})
    assert excinfo.value.problems == ["menu: 0 top buttons (need 1–3)"]
