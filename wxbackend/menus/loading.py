"""Read menus/*.toml into the JSON shape `/cgi-bin/menu/create` takes."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

# The repository's menus/ folder (the CLI takes --file for any other location).
DEFAULT_MENU_FILE = Path(__file__).resolve().parents[2] / "menus" / "official_account.toml"

# Button types whose EventKey reaches the callback, so a handler must exist for the key.
KEYED_TYPES = frozenset(
    {
        "click",
        "location_select",
        "scancode_push",
        "scancode_waitmsg",
        "pic_sysphoto",
        "pic_photo_or_album",
        "pic_weixin",
    }
)


class MenuInvalid(ValueError):
    """The menu breaks WeChat's rules; `problems` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def _fill(value: Any, public_base_url: str) -> Any:
    if isinstance(value, str):
        return value.replace("{public_base_url}", public_base_url.rstrip("/"))
    if isinstance(value, list):
        return [_fill(item, public_base_url) for item in value]
    if isinstance(value, dict):
        return {k: _fill(v, public_base_url) for k, v in value.items()}
    return value


def load_menu(path: Path = DEFAULT_MENU_FILE, *, public_base_url: str) -> dict[str, Any]:
    """The menu with placeholders filled; not validated (see validate_menu)."""
    with path.open("rb") as file:
        data = tomllib.load(file)
    menu: dict[str, Any] = _fill(data, public_base_url)
    return menu


def _leaves(menu: dict[str, Any]) -> list[dict[str, Any]]:
    leaves: list[dict[str, Any]] = []
    for button in menu.get("button", []):
        subs = button.get("sub_button") or []
        leaves.extend(subs if subs else [button])
    return leaves


def menu_keys(menu: dict[str, Any]) -> set[str]:
    """Keys the callback will receive as EventKey (click, location_select, scancode…)."""
    return {
        str(leaf["key"])
        for leaf in _leaves(menu)
        if leaf.get("type") in KEYED_TYPES and "key" in leaf
    }
