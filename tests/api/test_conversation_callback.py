"""The chat through the callback: a bound follower who follows again is welcomed back."""

from __future__ import annotations

from tests.api.signing_world import World
from tests.api.test_account_api import bound
from wxbackend.callback.runtime import callback_crypto
from wxbackend.callback.simulator import SimulatedUser


async def _subscribe(world: World, openid: str) -> str:
    user = SimulatedUser(callback_crypto(world.settings), openid=openid)
    signed = user.sign(user.subscribe(), mode="safe")
    response = await world.client.post(
        "/wechat/callback", params=signed.params, content=signed.body
    )
    reply = user.read_reply(response.content)
    assert reply is not None
    return reply.text


async def test_a_bound_follower_who_follows_again_is_welcomed_back(world: World) -> None:
    _, openid, _ = await bound(world, oa=True, name="赵晓峰")
    text = await _subscribe(world, openid)
    assert text.startswith("赵**，欢迎回来！")
    assert "无需重新签约" in text
    assert "赵晓峰" not in text


async def test_a_new_follower_is_told_how_to_sign_up(world: World) -> None:
    text = await _subscribe(world, "o-new-follower-1")
    assert "签约绑定" in text
    assert "欢迎回来" not in text
