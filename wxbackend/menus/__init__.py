"""The official-account menu as data: load, validate, compare with the live menu, publish."""

from __future__ import annotations

from wxbackend.menus.loading import DEFAULT_MENU_FILE, MenuInvalid, load_menu, menu_keys
from wxbackend.menus.publishing import PushResult, diff_menus, normalise_menu, push_menu
from wxbackend.menus.validation import validate_menu

__all__ = [
    "DEFAULT_MENU_FILE",
    "MenuInvalid",
    "PushResult",
    "diff_menus",
    "load_menu",
    "menu_keys",
    "normalise_menu",
    "push_menu",
    "validate_menu",
]
