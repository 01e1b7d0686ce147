"""Every menu button, pressed through the whole app, gets an answer."""

from __future__ import annotations

import httpx
import pytest

from wxbackend.callback.runtime import callback_crypto
from wxbackend.callback.simulator import SimulatedUser
from wxbackend.config import Settings
from wxbackend.menus import load_menu, menu_keys

MENU_KEYS = sorted(menu_keys(load_menu(public_base_url="http://127.0.0.1:8000")))


@pytest.mark.parametrize("key", MENU_KEYS)
async def test_every_menu_key_is_answered(
    client: httpx.AsyncClient, settings: Settings, key: str
) -> None:
    user = SimulatedUser(callback_crypto(settings), openid=f"o-menu-{key.lower()}")
    xml = user.location_select(key, 32.2, 119.4) if key == "SERVICE_POINTS" else user.click(key)
    signed = user.sign(xml, mode="safe")
    response = await client.post("/wechat/callback", params=signed.params, content=signed.body)
    assert response.status_code == 200
    reply = user.read_reply(response.content)
    assert reply is not None
    assert reply.msg_type == "text"
    assert reply.text
