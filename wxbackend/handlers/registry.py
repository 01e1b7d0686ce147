"""Handlers registered by message type, event, menu key and text keyword or pattern."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wxbackend.handlers.messages import InboundMessage, Reply

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from wxbackend.config import Settings
    from wxbackend.content import Content
    from wxbackend.reads import ReadOnlyDatabase
    from wxbackend.security.pii import Vault
    from wxbackend.store import Store
    from wxbackend.withdraw.rules import RuleBook


@dataclass(frozen=True, slots=True)
class HandlerContext:
    """What a handler may use: shared state, settings, texts and the domain services."""

    store: Store
    settings: Settings
    content: Content
    # Domain services open their unit of work from this (None in handler unit tests).
    sessionmaker: async_sessionmaker[AsyncSession] | None = None
    # The app's personal-data vault (built once in the lifespan; None without a database).
    vault: Vault | None = None
    # The withdrawal rules the app loaded (a withdrawal's status word depends on them).
    withdraw_rules: RuleBook | None = None
    # Read-only connections for the hottest reads (PostgreSQL only; wxbackend/reads.py).
    reader: ReadOnlyDatabase | None = None
    services: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[InboundMessage, HandlerContext], Awaitable[Reply | None]]

# Events whose EventKey names a menu button.
MENU_EVENTS = frozenset(
    {
        "CLICK",
        "location_select",
        "scancode_push",
        "scancode_waitmsg",
        "pic_sysphoto",
        "pic_photo_or_album",
        "pic_weixin",
    }
)


@dataclass(frozen=True, slots=True)
class _Keyword:
    word: str
    exact: bool
    handler: Handler


class HandlerRegistry:
    """Finds the one handler for a message: menu key, event, keyword, pattern, type, fallback.

    Menu keys are unique across every menu event type (WeChat's own constraint);
    registering a key, event or message type twice is a programming error.
    """

    def __init__(self) -> None:
        self._menu_keys: dict[str, Handler] = {}
        self._events: dict[str, Handler] = {}
        self._keywords: list[_Keyword] = []
        self._patterns: list[tuple[re.Pattern[str], Handler]] = []
        self._types: dict[str, Handler] = {}
        self._fallback: Handler | None = None
        self._repeatable: set[Handler] = set()
        # Understood questions (handlers/conversation.py), asked after exact keywords.
        self._router: Callable[[str], Handler | None] | None = None

    @staticmethod
    def _put(table: dict[str, Handler], name: str, handler: Handler, what: str) -> None:
        if name in table:
            raise ValueError(f"{what} {name!r} already has a handler")
        table[name] = handler

    def on_menu_key(self, *keys: str) -> Callable[[Handler], Handler]:
        """Handle a menu button (click, location_select, scancode…) by its key."""

        def register(handler: Handler) -> Handler:
            for key in keys:
                self._put(self._menu_keys, key, handler, "menu key")
            return handler

        return register

    def on_event(self, *events: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for event in events:
                self._put(self._events, event, handler, "event")
            return handler

        return register

    def on_keyword(self, *words: str, exact: bool = False) -> Callable[[Handler], Handler]:
        """Text equal to a word; unless `exact`, also text that contains it."""

        def register(handler: Handler) -> Handler:
            self._keywords.extend(_Keyword(word, exact, handler) for word in words)
            return handler

        return register

    def on_pattern(self, pattern: str | re.Pattern[str]) -> Callable[[Handler], Handler]:
        compiled = re.compile(pattern) if isinstance(pattern, str) else pattern

        def register(handler: Handler) -> Handler:
            self._patterns.append((compiled, handler))
            return handler

        return register

    def on_message_type(self, *msg_types: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for msg_type in msg_types:
                self._put(self._types, msg_type, handler, "message type")
            return handler

        return register

    def set_text_router(self, router: Callable[[str], Handler | None]) -> None:
        """Asked for every text no exact keyword takes, before the contained keywords."""
        self._router = router

    def keyword_handler(self, text: str) -> Handler | None:
        """What the keywords (exact, then contained) and patterns give for this text."""
        return self._match_keywords(text, routed=False)

    def fallback(self, handler: Handler) -> Handler:
        self._fallback = handler
        return handler

    def mark_repeatable(self, *handlers: Handler) -> None:
        """Handlers that change nothing (a text, a read of the ledger): running one again
        for a resent delivery gives the same answer, so the callback runs it before
        claiming the delivery and stores its answer in that same store round trip."""
        self._repeatable.update(handlers)

    def is_repeatable(self, handler: Handler) -> bool:
        return handler in self._repeatable

    def replace_menu_key(self, key: str, handler: Handler) -> None:
        """Swap the handler of an existing key (e.g. when a real service lands)."""
        if key not in self._menu_keys:
            raise KeyError(key)
        self._menu_keys[key] = handler

    def has_menu_key(self, key: str) -> bool:
        return key in self._menu_keys

    @property
    def menu_keys(self) -> frozenset[str]:
        return frozenset(self._menu_keys)

    def resolve(self, message: InboundMessage) -> Handler | None:
        """The handler for this message, or None when nothing (not even a fallback) fits."""
        if message.is_event:
            event = message.event or ""
            if event in MENU_EVENTS and message.event_key in self._menu_keys:
                return self._menu_keys[message.event_key]
            return self._events.get(event, self._fallback)
        if message.msg_type == "text":
            found = self._match_text((message.content or "").strip())
            if found is not None:
                return found
        return self._types.get(message.msg_type, self._fallback)

    def _match_text(self, text: str) -> Handler | None:
        return self._match_keywords(text, routed=True)

    def _match_keywords(self, text: str, *, routed: bool) -> Handler | None:
        for keyword in self._keywords:
            if text == keyword.word:
                return keyword.handler
        if routed and self._router is not None:
            found = self._router(text)
            if found is not None:
                return found
        for keyword in self._keywords:
            if not keyword.exact and keyword.word in text:
                return keyword.handler
        for pattern, handler in self._patterns:
            if pattern.search(text):
                return handler
        return None

    async def dispatch(
        self, message: InboundMessage, ctx: HandlerContext, handler: Handler | None = None
    ) -> Reply | None:
        """Run the matching handler (or the one already resolved); none means no reply."""
        handler = handler or self.resolve(message)
        return None if handler is None else await handler(message, ctx)
