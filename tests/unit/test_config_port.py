"""One port for everything in development: links and sandbox endpoints follow it."""

from __future__ import annotations

import pytest

from wxbackend.config import Settings


@pytest.fixture(autouse=True)
def _no_port_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "PUBLIC_BASE_URL"):
        monkeypatch.delenv(f"WXB_SERVER__{name}", raising=False)
    for name in ("WECHAT__API_BASE_URL", "WECHAT__OPEN_BASE_URL", "TENCENT__ENDPOINT"):
        monkeypatch.delenv(f"WXB_{name}", raising=False)
    monkeypatch.delenv("WXB_BANK__BASE_URL", raising=False)


def _urls(settings: Settings) -> list[str]:
    return [
        settings.server.public_base_url,
        settings.wechat.api_base_url,
        settings.wechat.open_base_url,
        settings.tencent.endpoint,
        settings.bank.base_url,
    ]


def test_every_development_url_follows_the_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WXB_SERVER__PORT", "18100")
    settings = Settings()
    assert _urls(settings) == [
        "http://127.0.0.1:18100",
        "http://127.0.0.1:18100/sandbox/wechat",
        "http://127.0.0.1:18100/sandbox/wechat",
        "127.0.0.1:18100/sandbox/tencent",
        "http://127.0.0.1:18100/sandbox/bank",
    ]
    assert settings.server.local_url == "http://127.0.0.1:18100"


def test_the_default_port_is_8000() -> None:
    assert Settings().server.public_base_url == "http://127.0.0.1:8000"


def test_a_wildcard_host_is_reached_on_the_loopback_address() -> None:
    settings = Settings(server={"host": "0.0.0.0", "port": 9000})  # noqa: S104
    assert settings.server.local_url == "http://127.0.0.1:9000"
    assert settings.bank.base_url == "http://127.0.0.1:9000/sandbox/bank"


def test_explicit_urls_are_kept_and_the_browser_follows_the_public_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WXB_SERVER__PORT", "18100")
    monkeypatch.setenv("WXB_SERVER__PUBLIC_BASE_URL", "https://tunnel.example")
    monkeypatch.setenv("WXB_TENCENT__ENDPOINT", "")
    monkeypatch.setenv("WXB_BANK__BASE_URL", "https://bank.example/api")
    settings = Settings()
    assert _urls(settings) == [
        "https://tunnel.example",
        # server to server: this machine; the authorize page: where the browser is
        "http://127.0.0.1:18100/sandbox/wechat",
        "https://tunnel.example/sandbox/wechat",
        "",
        "https://bank.example/api",
    ]
