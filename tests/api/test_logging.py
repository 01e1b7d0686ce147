"""Logs are JSON lines with a request id and never carry personal data."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import structlog

from wxbackend.app import create_app
from wxbackend.config import Settings
from wxbackend.store import Store

ID_NO = "11010519491231002X"
MOBILE = "13812345678"


async def test_request_logs_do_not_contain_an_id_number(
    settings: Settings, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(settings, store=store)  # logging now writes to the captured stderr
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            await client.get(f"/accounts/{ID_NO}", params={"id_no": ID_NO, "mobile": MOBILE})
            await client.post(f"/lookup/{MOBILE}", json={"id_no": ID_NO})
            structlog.get_logger("test").info("lookup", id_no=ID_NO, note=f"mobile {MOBILE}")
    output = capsys.readouterr().err
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("event") == "http.request"]
    assert len(access) == 2
    assert all(line["request_id"] for line in access)
    assert access[0]["path"] == "/accounts/110105********002X"
    assert ID_NO not in output
    assert MOBILE not in output


def test_secret_fields_are_never_rendered() -> None:
    from wxbackend.logs import scrub_personal_data

    event = scrub_personal_data(
        None, "info", {"event": "x", "password": "123456", "access_token": "abc", "n": 1}
    )
    assert event == {"event": "x", "password": "***", "access_token": "***", "n": 1}


def test_scrub_masks_digit_runs_in_nested_values_and_keeps_other_strings() -> None:
    from wxbackend.logs import scrub_personal_data

    event = scrub_personal_data(
        None,
        "info",
        {"event": "x", "note": f"call {MOBILE}", "ids": [{"id": ID_NO}], "code": "1234567890"},
    )
    assert event == {
        "event": "x",
        "note": "call 138****5678",
        "ids": [{"id": "110105********002X"}],
        "code": "1234567890",
    }


def test_a_log_line_that_cannot_be_written_does_not_fail_the_caller(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io
    import sys

    from wxbackend.logs import configure_logging

    configure_logging(level="INFO")
    closed = io.StringIO()
    closed.close()
    monkeypatch.setattr(sys, "stderr", closed)
    structlog.get_logger("test").info("lost")


async def _lines_of_one_request(
    settings: Settings, store: Store, capsys: pytest.CaptureFixture[str]
) -> tuple[httpx.Response, list[dict[str, Any]]]:
    """The access lines of one request, and one logged through structlog's chain."""
    app = create_app(settings, store=store)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get(
                f"/accounts/{ID_NO}", headers={"X-Request-ID": "req-abc-12345"}
            )
            structlog.get_logger("wxbackend.access").info(
                "http.request", method="GET", path="/x", status=200, duration_ms=1.0
            )
    lines = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")
    ]
    return response, [line for line in lines if line.get("event") == "http.request"]


async def test_access_line_has_the_fields_the_processor_chain_gives(
    settings: Settings, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    response, (direct, chained) = await _lines_of_one_request(settings, store, capsys)
    # Rendered directly (not through structlog's processors), yet the same line.
    assert set(direct) == set(chained) | {"request_id"}
    assert direct["request_id"] == response.headers["x-request-id"] == "req-abc-12345"
    assert direct["path"] == "/accounts/110105********002X"
    assert (direct["level"], direct["logger"]) == (chained["level"], chained["logger"])
    assert direct["status"] == response.status_code
    assert len(direct["timestamp"]) == len(chained["timestamp"])


async def test_no_access_line_above_info(
    settings: Settings, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    quiet = settings.model_copy(
        update={"server": settings.server.model_copy(update={"log_level": "WARNING"})}
    )
    _, access = await _lines_of_one_request(quiet, store, capsys)
    assert access == []
