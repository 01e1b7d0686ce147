"""The centre's profile (settings.centre) is what every reply, page and statement shows."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.signing_world import World, open_world
from tests.api.test_account_api import bound
from tests.api.test_account_callback import ask
from tests.api.test_h5_pages import logged_in
from wxbackend.clock import today_in_china
from wxbackend.config import CentreSettings, Settings
from wxbackend.content import CONTENT_DIR
from wxbackend.handlers import menu_keys
from wxbackend.security.pii import Vault
from wxbackend.store import Store

PROFILE = CentreSettings(
    name="江河市住房公积金管理中心",
    local_hotline="0511-85912329",
    sms_sign="江河公积金",
    sms_number="10690512329",
    address="江河市长江路88号市民中心A区",
    hours="工作日 8:30–17:30",
)


@pytest.fixture
async def world(
    settings: Settings, store: Store, vault: Vault, engine: AsyncEngine
) -> AsyncIterator[World]:
    configured = settings.model_copy(update={"centre": PROFILE})
    async for world in open_world(configured, store, vault, engine):
        yield world


def test_no_text_carries_a_number_or_name_of_its_own() -> None:
    for path in CONTENT_DIR.glob("*.md"):
        text = path.read_text("utf-8")
        assert "0000-" not in text, path.name
        assert "示范市" not in text, path.name


async def test_every_chat_reply_names_the_configured_centre_and_numbers(world: World) -> None:
    hotline = await ask(world, "o-centre-1", menu_keys.HOTLINE)
    assert "12329" in hotline
    assert "0511-85912329" in hotline
    assert "江河市长江路88号市民中心A区" in hotline
    assert "工作日 8:30–17:30" in hotline

    welcome = await ask(world, "o-centre-2", "", text="帮助")
    assert welcome.startswith("江河市住房公积金管理中心微信服务")
    unknown = await ask(world, "o-centre-3", "", text="嗯嗯嗯嗯")
    assert "12329 或 0511-85912329" in unknown
    for text in (hotline, welcome, unknown):
        assert "0000-8612329" not in text
        assert "示范市" not in text


async def test_pages_and_statement_show_the_profile(world: World) -> None:
    await logged_in(world)
    page = await world.client.get("/h5/points")
    assert page.status_code == 200
    assert "江河市住房公积金管理中心" in page.text
    assert 'href="tel:0511-85912329"' in page.text
    assert 'href="tel:12329"' in page.text

    token, _, _ = await bound(world)
    year = today_in_china().year
    statement = await world.call(token, "GET", f"/api/account/statement/{year}")
    assert statement.status_code == 200
    printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(statement.content)).pages)
    assert "江河市住房公积金管理中心" in printed
    assert "12329 或 0511-85912329" in printed
    assert "示范市" not in printed


def test_the_profile_refuses_a_number_that_is_not_one() -> None:
    with pytest.raises(ValueError, match="local_hotline"):
        CentreSettings(local_hotline="call us")
    assert CentreSettings().hotlines == "12329"
    assert PROFILE.hotlines == "12329 或 0511-85912329"
