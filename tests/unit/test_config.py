"""Settings: defaults for development, refusal of unsafe production settings."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from wxbackend.config import Settings

SAFE_PRODUCTION = {
    "env": "production",
    "sandbox": {"enabled": False},
    "server": {"public_base_url": "https://gjj.example.org"},
    "wechat": {
        "api_base_url": "https://api.weixin.qq.com",
        "open_base_url": "https://open.weixin.qq.com",
        "oa": {
            "app_secret": "a" * 32,
            "token": "t0ken-real",
            "encoding_aes_key": "Q" * 43,
        },
        "mp": {"app_secret": "b" * 32},
    },
    "tencent": {"secret_key": "c" * 32, "endpoint": ""},
    "bank": {"api_key": "d" * 32, "base_url": "https://bank.example"},
    "security": {
        "pii_keys": {"k1": "ab" * 16},
        "lookup_key": "e" * 32,
        "session_secret": "f" * 32,
    },
}


def test_production_with_real_secrets_starts() -> None:
    settings = Settings(**SAFE_PRODUCTION)  # type: ignore[arg-type]
    assert settings.env == "production"


def test_production_refuses_placeholder_secrets_and_the_sandbox() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Settings(env="production")
    message = str(excinfo.value)
    assert "sandbox is enabled" in message
    assert "wechat.oa.app_secret is a placeholder" in message
    assert "security.pii_keys[k1] is a placeholder" in message


def test_production_refuses_sandbox_even_with_real_secrets() -> None:
    unsafe = {**SAFE_PRODUCTION, "sandbox": {"enabled": True}}
    with pytest.raises(ValidationError, match="sandbox"):
        Settings(**unsafe)  # type: ignore[arg-type]


def test_nested_settings_come_from_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WXB_WECHAT__OA__APP_ID", "wx1234")
    monkeypatch.setenv("WXB_STORE__REDIS_URL", "redis://example:6379/1")
    settings = Settings()
    assert settings.wechat.oa.app_id == "wx1234"
    assert settings.store.redis_url == "redis://example:6379/1"


def test_conventional_database_and_redis_urls_are_honoured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WXB_STORE__REDIS_URL", raising=False)
    monkeypatch.setenv("REDIS_URL", "redis://other:6379/2")
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u@h/db")
    settings = Settings()
    assert settings.store.redis_url == "redis://other:6379/2"
    assert settings.database.url == "postgresql+asyncpg://u@h/db"


def test_production_refuses_a_local_public_base_url() -> None:
    unsafe = {**SAFE_PRODUCTION, "server": {"port": 8080}}
    with pytest.raises(ValidationError, match="public_base_url is a local address"):
        Settings(**unsafe)  # type: ignore[arg-type]


def test_production_refuses_a_bank_left_at_the_sandbox() -> None:
    unsafe = {**SAFE_PRODUCTION, "bank": {"api_key": "d" * 32}}
    with pytest.raises(ValidationError, match="points at the sandbox"):
        Settings(**unsafe)  # type: ignore[arg-type]
