"""WeChat's menu rules, checked before anything is sent (every problem, not the first).

Limits: https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Creating_Custom-Defined_Menu.html
"""

from __future__ import annotations

from typing import Any

from wxbackend.menus.loading import KEYED_TYPES

MAX_TOP_BUTTONS = 3
MAX_SUB_BUTTONS = 5
TOP_NAME_MAX_BYTES = 16
SUB_NAME_MAX_BYTES = 60
KEY_MAX_BYTES = 128
URL_MAX_BYTES = 1024

REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(KEYED_TYPES, ("key",)),
    "view": ("url",),
    "miniprogram": ("appid", "pagepath", "url"),
    "media_id": ("media_id",),
    "view_limited": ("media_id",),
    "article_id": ("article_id",),
    "article_view_limited": ("article_id",),
}


def _size(value: Any) -> int:
    return len(str(value).encode("utf-8"))


def _check_leaf(button: dict[str, Any], where: str, problems: list[str]) -> None:
    kind = button.get("type")
    if kind not in REQUIRED_FIELDS:
        problems.append(f"{where}: unknown or missing type {kind!r}")
        return
    for name in REQUIRED_FIELDS[kind]:
        if not button.get(name):
            problems.append(f"{where}: {kind} needs {name}")
    if "key" in button and _size(button["key"]) > KEY_MAX_BYTES:
        problems.append(f"{where}: key is {_size(button['key'])} bytes (max {KEY_MAX_BYTES})")
    if button.get("url"):
        url = str(button["url"])
        if _size(url) > URL_MAX_BYTES:
            problems.append(f"{where}: url is {_size(url)} bytes (max {URL_MAX_BYTES})")
        if not url.startswith(("http://", "https://")):
            problems.append(f"{where}: url must start with http:// or https://")


def _check_name(button: dict[str, Any], where: str, limit: int, problems: list[str]) -> None:
    name = button.get("name")
    if not name:
        problems.append(f"{where}: name is required")
    elif _size(name) > limit:
        # WeChat answers 40018 (invalid button name size) for these.
        problems.append(f"{where}: name is {_size(name)} bytes (max {limit})")


def validate_menu(menu: dict[str, Any]) -> list[str]:
    """Every way the menu breaks WeChat's rules; empty when it can be published."""
    problems: list[str] = []
    buttons = menu.get("button")
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= MAX_TOP_BUTTONS:
        count = len(buttons) if isinstance(buttons, list) else 0
        problems.append(f"menu: {count} top buttons (need 1–{MAX_TOP_BUTTONS})")
        buttons = buttons if isinstance(buttons, list) else []
    keys: dict[str, str] = {}
    for i, button in enumerate(buttons):
        where = f"button[{i}] {button.get('name', '')}".rstrip()
        _check_name(button, where, TOP_NAME_MAX_BYTES, problems)
        subs = button.get("sub_button")
        if subs is None:
            leaves = [(where, button)]
        elif not isinstance(subs, list) or not 1 <= len(subs) <= MAX_SUB_BUTTONS:
            count = len(subs) if isinstance(subs, list) else 0
            problems.append(f"{where}: {count} sub-buttons (need 1–{MAX_SUB_BUTTONS})")
            leaves = []
        else:
            if "type" in button:
                problems.append(f"{where}: a button with sub-buttons takes no type")
            leaves = []
            for j, sub in enumerate(subs):
                sub_where = f"{where} > sub_button[{j}] {sub.get('name', '')}".rstrip()
                _check_name(sub, sub_where, SUB_NAME_MAX_BYTES, problems)
                if "sub_button" in sub:
                    problems.append(f"{sub_where}: sub-buttons cannot be nested")
                leaves.append((sub_where, sub))
        for leaf_where, leaf in leaves:
            _check_leaf(leaf, leaf_where, problems)
            key = leaf.get("key")
            if key is not None and leaf.get("type") in KEYED_TYPES:
                if key in keys:
                    problems.append(f"{leaf_where}: key {key!r} also used by {keys[key]}")
                keys[str(key)] = leaf_where
    return problems
