"""`wxbackend appointments calendar | run` and `wxbackend certificates revoke`."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from wxbackend.cli import app
from wxbackend.clock import today_in_china
from wxbackend.config import Settings
from wxbackend.logs import configure_logging


@pytest.fixture(autouse=True)
def _restore_logging(settings: Settings) -> Iterator[None]:
    yield
    configure_logging(level=settings.server.log_level, json=settings.server.log_json)


async def _cli(settings: Settings, *args: str, **env: str) -> Result:
    runner = CliRunner()
    environment: dict[str, str | None] = {
        "WXB_DATABASE__URL": settings.database.url,
        "WXB_ENV": "test",
        **env,
    }
    return await asyncio.to_thread(lambda: runner.invoke(app, list(args), env=environment))


def _calendar(tmp_path: Path, *years: int, confirmed: bool) -> str:
    path = tmp_path / "calendar.toml"
    path.write_text(
        "".join(
            f"[years.{y}]\nconfirmed = {str(confirmed).lower()}\n"
            f'holidays = [{{ from = "{y}-10-01", to = "{y}-10-07", name = "国庆节" }}]\n'
            "makeup_days = []\n"
            for y in years
        ),
        "utf-8",
    )
    return str(path)


async def test_calendar_names_unconfirmed_years_and_fails_past_its_end(
    settings: Settings, tmp_path: Path
) -> None:
    year = today_in_china().year
    covered = _calendar(tmp_path, year, year + 1, confirmed=False)
    result = await _cli(
        settings, "appointments", "calendar", WXB_APPOINTMENTS__CALENDAR_FILE=covered
    )
    assert result.exit_code == 0, result.output
    assert f"{year}: 7 holiday days, 0 make-up days, UNCONFIRMED" in result.output
    past = _calendar(tmp_path, year - 1, confirmed=True)
    result = await _cli(settings, "appointments", "calendar", WXB_APPOINTMENTS__CALENDAR_FILE=past)
    assert result.exit_code == 1
    assert "which the calendar does not cover" in result.output


async def test_run_writes_reminders_and_marks_no_shows(settings: Settings) -> None:
    result = await _cli(settings, "appointments", "run")
    assert result.exit_code == 0, result.output
    assert "reminders written" in result.output


async def test_revoking_an_unknown_code_fails_in_one_line(settings: Settings) -> None:
    result = await _cli(settings, "certificates", "revoke", "0000-0000-0000-0000-0000")
    assert result.exit_code == 1
    assert "no valid certificate with that code" in result.output
