"""What a handler receives (an inbound message or event) and what it may return."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wxbackend.content import TEXT_REPLY_MAX_BYTES

NEWS_MAX_ARTICLES = 8


@dataclass(frozen=True, slots=True)
class Location:
    """A point the user shared; WeChat reports WGS-84/GCJ-02 decimal degrees."""

    latitude: float
    longitude: float
    precision: float | None = None
    label: str | None = None


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One decrypted, parsed callback: a user message (`msg_id` set) or an event."""

    to_user: str
    from_user: str
    create_time: int
    msg_type: str
    msg_id: str | None = None
    content: str | None = None
    event: str | None = None
    event_key: str | None = None
    location: Location | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)

    @property
    def openid(self) -> str:
        return self.from_user

    @property
    def is_event(self) -> bool:
        return self.msg_type == "event"

    @property
    def delivery_key(self) -> str:
        """What WeChat's retries of this delivery have in common (its dedupe key)."""
        if self.msg_id:
            return f"msg:{self.msg_id}"
        # Events carry no MsgId; FromUserName + CreateTime alone collides when one user
        # triggers two events in the same second (e.g. a menu click and its LOCATION).
        return "evt:" + ":".join(
            (
                self.from_user,
                str(self.create_time),
                self.event or self.msg_type,
                self.event_key or "",
            )
        )


@dataclass(frozen=True, slots=True)
class TextReply:
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    title: str
    description: str = ""
    url: str = ""
    pic_url: str = ""


@dataclass(frozen=True, slots=True)
class NewsReply:
    articles: tuple[Article, ...]

    def __post_init__(self) -> None:
        if not 1 <= len(self.articles) <= NEWS_MAX_ARTICLES:
            raise ValueError(f"a news reply holds 1–{NEWS_MAX_ARTICLES} articles")


Reply = TextReply | NewsReply


def reply_as_text(reply: Reply) -> str:
    """The reply as plain text, for channels that only carry text (customer service)."""
    if isinstance(reply, TextReply):
        return reply.text
    lines = []
    for article in reply.articles:
        lines.append(article.title)
        if article.description:
            lines.append(article.description)
        if article.url:
            lines.append(article.url)
    return "\n".join(lines)


def truncate_utf8(text: str, max_bytes: int = TEXT_REPLY_MAX_BYTES) -> str:
    """Cut text to at most max_bytes of UTF-8 without splitting a character."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    ellipsis = "…"
    room = max_bytes - len(ellipsis.encode("utf-8"))
    return encoded[:room].decode("utf-8", errors="ignore") + ellipsis
