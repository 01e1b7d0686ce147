"""A whole app on fake gateways behind an in-process client with a chosen peer address."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from wxbackend.app import create_app
from wxbackend.cards.fakes import FakeBankCardVerifier
from wxbackend.config import Settings
from wxbackend.faceid.fakes import FakeFaceVerifier
from wxbackend.gateways import Gateways
from wxbackend.sms.fakes import FakeSms
from wxbackend.store import Store
from wxbackend.wechat.fakes import FakeMiniProgram, FakeOfficialAccount
from wxbackend.wechat.gateway import MiniProgramApi
from wxbackend.withdraw.fakes import FakeBank


def fake_gateways(*, mp: MiniProgramApi | None = None) -> Gateways:
    faces = FakeFaceVerifier()
    return Gateways(
        wechat_oa=FakeOfficialAccount(),
        wechat_mp=mp or FakeMiniProgram(),
        sms=FakeSms(),
        face_verifiers={"h5": faces, "miniprogram": faces},
        card_verifier=FakeBankCardVerifier(),
        bank=FakeBank(),
    )


def with_settings(settings: Settings, **groups: dict[str, Any]) -> Settings:
    """A copy of `settings` with some fields of some groups replaced."""
    update = {
        name: getattr(settings, name).model_copy(update=fields) for name, fields in groups.items()
    }
    return settings.model_copy(update=update)


@asynccontextmanager
async def app_client(
    settings: Settings,
    store: Store | None,
    *,
    peer: tuple[str, int] = ("127.0.0.1", 50000),
    gateways: Gateways | None = None,
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, store=store, gateways=gateways or fake_gateways())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=peer)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            yield c


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
