"""Every external system we talk to, built once at startup (or swapped for fakes).

The app builds them in its lifespan; the worker and CLI commands through `open_gateways`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

from wxbackend.cards import BankCardVerifier, build_card_verifier
from wxbackend.config import Settings
from wxbackend.faceid import build_face_verifiers
from wxbackend.faceid.gateway import FaceChannel, FaceVerifier
from wxbackend.sms import SmsSender, build_sms_sender
from wxbackend.store import Store, create_store, warn_if_unshared
from wxbackend.wechat import WeChatPyMiniProgram, build_wechat_gateways
from wxbackend.wechat.gateway import MiniProgramApi, OfficialAccountApi
from wxbackend.withdraw.bank import BankGateway
from wxbackend.withdraw.bank_http import HttpBank


@dataclass
class Gateways:
    wechat_oa: OfficialAccountApi
    wechat_mp: MiniProgramApi
    sms: SmsSender
    face_verifiers: Mapping[FaceChannel, FaceVerifier]
    card_verifier: BankCardVerifier
    bank: BankGateway

    async def aclose(self) -> None:
        """Release pooled connections (the bank's HTTP client)."""
        await self.bank.aclose()


def build_gateways(settings: Settings, store: Store) -> Gateways:
    """The real adapters, pointed at the configured endpoints (WeChat or the sandbox)."""
    oa, mp = build_wechat_gateways(settings, store)
    wechat_mp = mp if isinstance(mp, WeChatPyMiniProgram) else None
    faces = build_face_verifiers(
        settings,
        miniprogram_tokens=wechat_mp.tokens if wechat_mp else None,
        miniprogram_http=wechat_mp.http if wechat_mp else None,
        h5_provider=settings.signing.face_provider_h5,
        miniprogram_provider=settings.signing.face_provider_mp,
    )
    return Gateways(
        wechat_oa=oa,
        wechat_mp=mp,
        sms=build_sms_sender(settings),
        face_verifiers=faces,
        card_verifier=build_card_verifier(settings),
        bank=HttpBank(settings.bank),
    )


@asynccontextmanager
async def open_gateways(settings: Settings) -> AsyncIterator[Gateways]:
    """The real gateways over a store of their own, closed on exit (worker, CLI commands)."""
    store = create_store(settings.store)
    warn_if_unshared(store, env=settings.env)
    try:
        gateways = build_gateways(settings, store)
        try:
            yield gateways
        finally:
            await gateways.aclose()
    finally:
        await store.close()
