"""Compare the desired menu with the live one and publish only when they differ."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wxbackend.menus.loading import MenuInvalid
from wxbackend.menus.validation import validate_menu
from wxbackend.wechat.gateway import OfficialAccountApi

# Fields WeChat keeps per button; anything else in a live menu (menuid…) is noise.
_FIELDS = ("type", "name", "key", "url", "appid", "pagepath", "media_id", "article_id")


def _button(button: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {
        name: str(button[name]) for name in _FIELDS if button.get(name) not in (None, "")
    }
    subs = button.get("sub_button") or []
    if subs:
        kept.pop("type", None)
        kept["sub_button"] = [_button(sub) for sub in subs]
    return kept


def normalise_menu(menu: dict[str, Any] | None) -> dict[str, Any]:
    """A menu reduced to what WeChat stores, so equal menus compare equal."""
    if not menu:
        return {"button": []}
    return {"button": [_button(b) for b in menu.get("button", [])]}


def _flatten(menu: dict[str, Any]) -> dict[str, dict[str, Any]]:
    flat: dict[str, dict[str, Any]] = {}
    for button in menu["button"]:
        flat[button["name"]] = {k: v for k, v in button.items() if k != "sub_button"}
        for sub in button.get("sub_button", []):
            flat[f"{button['name']} / {sub['name']}"] = sub
    return flat


def _describe(button: dict[str, Any]) -> str:
    details = " ".join(f"{k}={v}" for k, v in button.items() if k != "name")
    return f"({details})" if details else "(menu)"


def diff_menus(live: dict[str, Any] | None, desired: dict[str, Any]) -> list[str]:
    """Lines describing how the live menu differs from the desired one ([] when equal)."""
    old, new = normalise_menu(live), normalise_menu(desired)
    if old == new:
        return []
    old_flat, new_flat = _flatten(old), _flatten(new)
    lines = [f"- {path} {_describe(b)}" for path, b in old_flat.items() if path not in new_flat]
    lines += [f"+ {path} {_describe(b)}" for path, b in new_flat.items() if path not in old_flat]
    for path in old_flat.keys() & new_flat.keys():
        before, after = old_flat[path], new_flat[path]
        for field in sorted((before.keys() | after.keys()) - {"name"}):
            if before.get(field) != after.get(field):
                lines.append(f"~ {path}: {field} {before.get(field)!r} → {after.get(field)!r}")
    if not lines:
        lines.append("~ same buttons, different order")
    return sorted(lines, key=lambda line: line[2:])


@dataclass(frozen=True, slots=True)
class PushResult:
    created: bool
    changes: list[str]


async def push_menu(api: OfficialAccountApi, desired: dict[str, Any]) -> PushResult:
    """Validate, compare with the live menu, and create it only when it differs."""
    problems = validate_menu(desired)
    if problems:
        raise MenuInvalid(problems)
    changes = diff_menus(await api.get_menu(), desired)
    if not changes:
        return PushResult(created=False, changes=[])
    await api.create_menu(normalise_menu(desired))
    return PushResult(created=True, changes=changes)
