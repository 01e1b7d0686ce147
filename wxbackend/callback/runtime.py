"""What the callback endpoint builds once per app: crypto, texts, handlers, dispatcher."""

from __future__ import annotations

from dataclasses import dataclass

from wxbackend.callback.crypto import CallbackCrypto
from wxbackend.callback.dispatch import CallbackDispatcher
from wxbackend.config import Settings
from wxbackend.content import Content, load_content
from wxbackend.handlers import build_registry
from wxbackend.handlers.registry import HandlerRegistry


@dataclass
class CallbackRuntime:
    settings: Settings
    crypto: CallbackCrypto
    content: Content
    dispatcher: CallbackDispatcher

    @property
    def registry(self) -> HandlerRegistry:
        return self.dispatcher.registry

    @classmethod
    def build(cls, settings: Settings, registry: HandlerRegistry | None = None) -> CallbackRuntime:
        """Load and validate everything up front: a bad text or key fails startup."""
        oa = settings.wechat.oa
        # Dedupe records must outlive every request whose timestamp is still accepted,
        # or an identical resend late in the window would run the handler again.
        keep_s = max(60.0, 2 * oa.timestamp_window_s + oa.reply_budget_s + 5)
        return cls(
            settings=settings,
            crypto=callback_crypto(settings),
            content=load_content(
                public_base_url=settings.server.public_base_url, centre=settings.centre
            ),
            dispatcher=CallbackDispatcher(
                registry or build_registry(), budget_s=oa.reply_budget_s, keep_s=keep_s
            ),
        )


def callback_crypto(settings: Settings) -> CallbackCrypto:
    oa = settings.wechat.oa
    return CallbackCrypto(
        token=oa.token.get_secret_value(),
        encoding_aes_key=oa.encoding_aes_key.get_secret_value(),
        app_id=oa.app_id,
    )
