"""What depositors type, and what they are answered: the table in docs/conversations.md.

Each row names the entry of content/conversation.toml that should answer the question.
At least 90 % must get exactly that entry's reply; every other one the helpful fallback
(the default text with "您是不是想问" links). The table's reply column must be the reply's
first line as it is now, so the document cannot drift from the behaviour.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.unit.test_handlers import parsed, reply_text
from wxbackend.callback.crypto import CallbackCrypto
from wxbackend.callback.simulator import SimulatedUser
from wxbackend.config import Settings
from wxbackend.content import load_content
from wxbackend.handlers import build_registry
from wxbackend.handlers.conversation import (
    ConversationError,
    answer_handler,
    load_conversation,
    normalise,
    parse_conversation,
)
from wxbackend.handlers.messages import TextReply
from wxbackend.handlers.registry import HandlerContext, HandlerRegistry
from wxbackend.store import MemoryStore

TABLE = Path(__file__).resolve().parents[2] / "docs" / "conversations.md"
ROW = re.compile(r"^\| (\d+) \| (.+?) \| `([a-z_]+)` \| (.+?) \|$")
FALLBACK = "fallback"


@pytest.fixture
def ctx() -> HandlerContext:
    content = load_content(public_base_url="https://gjj.example.org")
    return HandlerContext(store=MemoryStore(), settings=Settings(env="test"), content=content)


@pytest.fixture
def user() -> SimulatedUser:
    crypto = CallbackCrypto(token="t", encoding_aes_key="A" * 43, app_id="wxapp")
    return SimulatedUser(crypto, openid="o-asker")


def table_rows() -> list[tuple[str, str, str]]:
    rows = [ROW.match(line) for line in TABLE.read_text("utf-8").splitlines()]
    return [(m.group(2), m.group(3), m.group(4)) for m in rows if m]


async def expected_reply(
    registry: HandlerRegistry, user: SimulatedUser, ctx: HandlerContext, name: str, question: str
) -> str:
    """What the intended entry answers (a keyword handler's reply, a text, an answer)."""
    entry = next(e for e in load_conversation().entries if e.name == name)
    reply = await answer_handler(entry, registry)(parsed(user.text(question)), ctx)
    assert isinstance(reply, TextReply)
    return reply.text


def documented(text: str) -> str:
    """How the table shows a reply: its first line, then the suggestions' titles."""
    shown = text.splitlines()[0].replace("|", "\\|")
    titles = re.findall(r">([^<]+)</a>", text)
    return shown + ("；您是不是想问：" + "、".join(titles) if titles else "")


async def test_the_table_holds_forty_real_questions() -> None:
    rows = table_rows()
    assert len(rows) >= 40
    assert len({q for q, _, _ in rows}) == len(rows)
    names = {e.name for e in load_conversation().entries} | {FALLBACK}
    assert {intended for _, intended, _ in rows} <= names


async def test_ninety_percent_get_the_intended_answer_the_rest_suggestions(
    user: SimulatedUser, ctx: HandlerContext
) -> None:
    registry = build_registry()
    rows = table_rows()
    intended_hits = 0
    for question, intended, shown in rows:
        reply = await reply_text(registry, user.text(question), ctx)
        assert reply is not None, question
        assert documented(reply) == shown, f"docs/conversations.md is stale: {question}"
        if intended != FALLBACK and reply == await expected_reply(
            registry, user, ctx, intended, question
        ):
            intended_hits += 1
            continue
        # Not understood (or meant to be): the default text and links to tap.
        assert reply.startswith(ctx.content["default"]), question
        assert "您是不是想问" in reply, question
        assert "weixin://bizmsgmenu" in reply, question
    meant = [r for r in rows if r[1] != FALLBACK]
    assert intended_hits / len(meant) >= 0.9, f"{intended_hits}/{len(meant)}"


async def test_the_seven_words_of_the_issue_are_understood(
    user: SimulatedUser, ctx: HandlerContext
) -> None:
    registry = build_registry()
    for word in ("签约", "绑定", "解绑", "预约", "退休", "公积金", "你好"):
        reply = await reply_text(registry, user.text(word), ctx)
        assert reply is not None
        assert not reply.startswith(ctx.content["default"]), word
        assert "0000-8612329" not in reply


def test_typos_and_full_width_forms_normalise() -> None:
    assert normalise("　忘记密码？！") == "忘记密码"
    assert normalise("ＨＥＬＬＯ") == "hello"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"intent": [{"name": "x", "phrases": ["a"]}]}, "needs one of"),
        ({"intent": [{"name": "x", "phrases": ["a"], "text": "nope"}]}, "no content file"),
        ({"faq": [{"name": "x", "phrases": ["a"], "answer": "{secret}"}]}, "placeholders"),
        ({"faq": [{"name": "x", "phrases": [], "answer": "a"}]}, "needs a name and phrases"),
    ],
)
def test_a_bad_edit_of_the_conversation_file_is_refused(raw: dict, problem: str) -> None:
    with pytest.raises(ConversationError, match=problem):
        parse_conversation(raw, texts=frozenset({"help"}))
