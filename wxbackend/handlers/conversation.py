"""Understanding what depositors type: intents and the centre's FAQ, matched fuzzily.

`content/conversation.toml` (the centre edits it) lists intents — topics the handlers
answer, with the words people use for them — and FAQ entries with their answers. A
message is compared with every phrase by rapidfuzz (typos and colloquial forms score
close to the phrase); the best entry above the threshold answers, and otherwise the
reply offers "您是不是想问" suggestions as links the user taps to send.
"""

from __future__ import annotations

import re
import string
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from rapidfuzz import fuzz

from wxbackend.content import CONTENT_DIR, centre_values
from wxbackend.handlers.messages import InboundMessage, Reply, TextReply
from wxbackend.handlers.registry import Handler, HandlerContext, HandlerRegistry

FILE = CONTENT_DIR / "conversation.toml"
# A phrase contained in the message, or this close to it, answers the message.
ANSWER_SCORE = 80.0
# Above this an entry is worth suggesting.
SUGGEST_SCORE = 45.0
PLACEHOLDERS = frozenset(
    {
        "centre_name",
        "hotlines",
        "national_hotline",
        "centre_address",
        "service_hours",
        "sms_number",
        "signup_url",
        "public_base_url",
    }
)
_DROP = re.compile(r"[\s" + re.escape(string.punctuation) + r"，。？！、；：“”‘’（）《》…·~～]+")


class ConversationError(ValueError):
    """conversation.toml is malformed: an entry without phrases, a reply or a known text."""


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str  # "intent" | "faq"
    name: str
    phrases: tuple[str, ...]  # normalised; the first one's original is the title
    title: str
    say: str | None = None  # answered by the handler of this keyword
    text: str | None = None  # answered by this content file
    answer: str | None = None  # answered by this text
    exact: bool = False  # only the whole message counts ("你好", "公积金": too broad inside)


@dataclass(frozen=True, slots=True)
class Match:
    entry: Entry
    score: float


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, no spaces or punctuation."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())


def _score(query: str, phrase: str, *, exact: bool) -> float:
    if not query or not phrase:
        return 0.0
    if exact:
        return float(fuzz.ratio(query, phrase, processor=None))
    if phrase in query:
        return 100.0
    return float(fuzz.WRatio(query, phrase, processor=None))


class Conversation:
    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries

    def ranked(self, text: str) -> list[Match]:
        """Every entry by how well the message fits it, best first (ties: longer phrase)."""
        query = normalise(text)
        scored: list[tuple[float, int, Entry]] = []
        for entry in self.entries:
            best = max(
                ((_score(query, p, exact=entry.exact), len(p)) for p in entry.phrases),
                default=(0.0, 0),
            )
            scored.append((best[0], best[1], entry))
        scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
        return [Match(entry, score) for score, _, entry in scored]

    def best(self, text: str) -> Match | None:
        ranked = self.ranked(text)
        return ranked[0] if ranked and ranked[0].score >= ANSWER_SCORE else None

    def suggestions(self, text: str, *, limit: int = 3) -> list[Entry]:
        found = [m.entry for m in self.ranked(text) if m.score >= SUGGEST_SCORE]
        return found[:limit]


def suggestion_link(title: str, number: int) -> str:
    """A text-reply link that sends `title` as the user's message when tapped.

    https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html
    (weixin://bizmsgmenu, the "菜单消息" link of customer-service and passive replies)
    """
    return (
        f'<a href="weixin://bizmsgmenu?msgmenucontent={quote(title)}&msgmenuid={number}">'
        f"{title}</a>"
    )


def _entry(kind: str, raw: dict[str, object], texts: frozenset[str]) -> Entry:
    name = str(raw.get("name") or "")
    phrases = raw.get("phrases")
    if not name or not isinstance(phrases, list) or not phrases:
        raise ConversationError(f"{kind} {name or '?'}: needs a name and phrases")
    replies = [key for key in ("say", "text", "answer") if raw.get(key)]
    if kind == "faq" and replies != ["answer"]:
        raise ConversationError(f"faq {name}: needs exactly an answer")
    if len(replies) != 1:
        raise ConversationError(f"intent {name}: needs one of say, text, answer")
    text = raw.get("text")
    if text is not None and str(text) not in texts:
        raise ConversationError(f"intent {name}: no content file {text}.md")
    answer = raw.get("answer")
    if answer is not None:
        used = {n for _, n, _, _ in string.Formatter().parse(str(answer)) if n}
        if used - PLACEHOLDERS:
            raise ConversationError(f"{kind} {name}: unknown placeholders {sorted(used)}")
    return Entry(
        kind=kind,
        name=name,
        phrases=tuple(normalise(str(p)) for p in phrases),
        title=str(phrases[0]),
        say=str(raw["say"]) if raw.get("say") else None,
        text=str(text) if text else None,
        answer=str(answer).strip() if answer else None,
        exact=bool(raw.get("exact", False)),
    )


def parse_conversation(raw: dict[str, object], *, texts: frozenset[str]) -> Conversation:
    entries: list[Entry] = []
    for kind in ("intent", "faq"):
        items = raw.get(kind, [])
        if not isinstance(items, list):
            raise ConversationError(f"[[{kind}]] must be a list of tables")
        entries.extend(_entry(kind, item, texts) for item in items)
    names = [e.name for e in entries]
    if len(set(names)) != len(names):
        raise ConversationError("entry names must be unique")
    return Conversation(entries)


@lru_cache(maxsize=2)
def load_conversation(path: Path = FILE) -> Conversation:
    """The centre's conversation file, validated (a bad edit stops the start-up)."""
    texts = frozenset(p.stem for p in CONTENT_DIR.glob("*.md"))
    return parse_conversation(tomllib.loads(path.read_text("utf-8")), texts=texts)


def reply_values(ctx: HandlerContext) -> dict[str, str]:
    """The placeholders an answer may use, from the centre's profile and the public URL."""
    base = ctx.settings.server.public_base_url.rstrip("/")
    return {
        **centre_values(ctx.settings.centre),
        "public_base_url": base,
        "signup_url": f"{base}/h5/signup",
    }


def answer_handler(entry: Entry, registry: HandlerRegistry) -> Handler:
    """What answers a message matched to this entry."""
    if entry.say is not None:
        handler = registry.keyword_handler(entry.say)
        if handler is None:
            raise ConversationError(f"intent {entry.name}: no handler answers {entry.say!r}")
        return handler
    text, answer = entry.text, entry.answer

    async def reply(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
        if text is not None:
            return TextReply(ctx.content[text])
        return TextReply((answer or "").format_map(reply_values(ctx)))

    return reply


def suggestions_text(titles: list[str]) -> str:
    links = "\n".join(f"{n}. {suggestion_link(t, n)}" for n, t in enumerate(titles, 1))
    return f"您是不是想问：\n{links}"


# Offered when nothing comes close (the questions asked most).
POPULAR = ("sign_up", "balance", "withdraw")


def fallback_reply_text(conversation: Conversation, text: str, default: str) -> str:
    """The reply to a message nothing answers: the default text and what it might mean."""
    found = conversation.suggestions(text)
    if not found:
        found = [e for e in conversation.entries if e.name in POPULAR]
    return f"{default}\n\n{suggestions_text([e.title for e in found])}"


def register(registry: HandlerRegistry, conversation: Conversation | None = None) -> None:
    """Route understood questions; every entry's answer is resolved now (fails early)."""
    conversation = conversation or load_conversation()
    handlers = {entry.name: answer_handler(entry, registry) for entry in conversation.entries}

    def route(text: str) -> Handler | None:
        match = conversation.best(text)
        return handlers[match.entry.name] if match is not None else None

    registry.set_text_router(route)
