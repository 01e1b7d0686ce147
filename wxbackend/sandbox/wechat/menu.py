"""The limits WeChat enforces on menu/create, with its errcodes.

https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Creating_Custom-Defined_Menu.html
"""

from __future__ import annotations

from typing import Any

from wxbackend.sandbox.wechat.state import WeChatError

_TYPES = {
    "click",
    "view",
    "miniprogram",
    "scancode_push",
    "scancode_waitmsg",
    "pic_sysphoto",
    "pic_photo_or_album",
    "pic_weixin",
    "location_select",
    "media_id",
    "article_id",
    "article_view_limited",
}


def _size(value: Any) -> int:
    return len(str(value).encode("utf-8"))


def _check_leaf(button: Any, *, max_name: int) -> None:
    if not isinstance(button, dict):
        raise WeChatError(40016, "invalid button size")
    if _size(button.get("name", "")) == 0 or _size(button["name"]) > max_name:
        raise WeChatError(40018, "invalid button name size")
    kind = button.get("type")
    if kind not in _TYPES:
        raise WeChatError(40017, "invalid button type")
    if "key" in button and _size(button["key"]) > 128:
        raise WeChatError(40019, "invalid button key size")
    if "url" in button and _size(button["url"]) > 1024:
        raise WeChatError(40020, "invalid button url size")
    if kind == "click" and not button.get("key"):
        raise WeChatError(40019, "invalid button key size")
    if kind == "view" and not button.get("url"):
        raise WeChatError(40020, "invalid button url size")
    if kind == "miniprogram" and not (button.get("appid") and button.get("pagepath")):
        raise WeChatError(40165, "invalid weapp pagepath")


def check_menu(menu: Any) -> None:
    """Raise WeChatError as menu/create would for a menu WeChat refuses."""
    buttons = menu.get("button") if isinstance(menu, dict) else None
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        raise WeChatError(40016, "invalid button size")
    for button in buttons:
        subs = button.get("sub_button") if isinstance(button, dict) else None
        if subs:
            if not isinstance(subs, list) or len(subs) > 5:
                raise WeChatError(40023, "invalid sub button size")
            if not 0 < _size(button.get("name", "")) <= 16:
                raise WeChatError(40018, "invalid button name size")
            for sub in subs:
                _check_leaf(sub, max_name=60)
        else:
            _check_leaf(button, max_name=16)
