"""WeChat message and event handlers: one module per topic, assembled into one registry.

Register another handler on the registry the app uses (`app.state.wechat_callback.registry`)
or on a fresh one from `build_registry()`:

    registry.on_menu_key("MY_KEY")(handler)      # CLICK / location_select EventKey
    registry.on_keyword("公积金", exact=True)(handler)
    registry.on_event("TEMPLATESENDJOBFINISH")(handler)
"""

from __future__ import annotations

from wxbackend.handlers import (
    account,
    appointments,
    conversation,
    fallback,
    guides,
    notify,
    points,
    welcome,
)
from wxbackend.handlers.messages import InboundMessage, NewsReply, Reply, TextReply
from wxbackend.handlers.registry import HandlerContext, HandlerRegistry

__all__ = [
    "HandlerContext",
    "HandlerRegistry",
    "InboundMessage",
    "NewsReply",
    "Reply",
    "TextReply",
    "build_registry",
]


def build_registry() -> HandlerRegistry:
    """Every topic's handlers. Keyword order matters: specific words before broad ones."""
    registry = HandlerRegistry()
    welcome.register(registry)
    points.register(registry)
    guides.register_password(registry)
    account.register(registry)
    appointments.register(registry)
    guides.register(registry)
    notify.register(registry)
    conversation.register(registry)  # after the keywords it routes to
    fallback.register(registry)
    return registry
