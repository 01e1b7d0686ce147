"""Settings: defaults for development, refusal of unsafe production settings."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from wxbackend.config import Settings

SAFE_PRODUCTION = {
    "env": "production",
    "sandbox": {"enabled": False},
    "server": {"public_base_url": "https://gjj.example.org"},
    "store": {"redis_url": "redis://10.0.0.5:6379/0"},
    "wechat": {
        "api_base_url": "https://api.weixin.qq.com",
        "open_base_url": "https://open.weixin.qq.com",
        "oa": {
            "app_secret": "9b1f0c6e2d4a8f7e3c5b1a0d9e8f7c6b",
            "token": "Tq7mZ2xK9pL4vN8rB3sW6yH1",
            "encoding_aes_key": "2Ejm40DTNlpVKvjh5WFtQDg+oc7GdY5or9imKo0yIUI",
        },
        "mp": {"app_secret": "4e8a2c6f0b1d3e5a7c9f8b6d4a2e0c1f"},
    },
    "tencent": {
        "secret_key": "Zr8QwE3tY6uI9oP2aS5dF1gH4jK7lX0c",
        "endpoint": "",
        "protocol": "https",
    },
    "bank": {
        "api_key": "JTlj_eAZePyScsML_c5CSwBdxX_mCtDdQnUwEBzN8_8",
        "base_url": "https://bank.example",
    },
    "security": {
        "pii_keys": {"k1": "5d566feed5ee658fedb263ccb91892e3"},
        "lookup_key": "mB7vC4xZ1nQ8wE5rT2yU9iO6pA3sD0fGh",
        "session_secret": "Lk3Jh6Gf9Ds2Ap5Oi8Uy1Tr4Ew7Qz0XcVb",
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
