"""The production profile refuses every unsafe setting, one line per refusal."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from tests.unit.test_config import SAFE_PRODUCTION
from wxbackend.config import Settings


def _with(path: str, value: object) -> dict[str, Any]:
    settings: dict[str, Any] = copy.deepcopy(SAFE_PRODUCTION)
    *parents, leaf = path.split(".")
    group = settings
    for name in parents:
        group = group.setdefault(name, {})
    group[leaf] = value
    return settings


def _refusals(settings: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as excinfo:
        Settings(**settings)
    text = str(excinfo.value)
    return [line[2:] for line in text.splitlines() if line.startswith("- ")]


def test_safe_production_settings_start_in_safe_mode_without_docs() -> None:
    settings = Settings(**SAFE_PRODUCTION)  # type: ignore[arg-type]
    assert settings.wechat.oa.require_encryption is True
    assert settings.server.api_docs is False


@pytest.mark.parametrize(
    ("path", "value", "refusal"),
    [
        ("wechat.oa.require_encryption", False, "wechat.oa.require_encryption is false"),
        ("tencent.protocol", "http", "tencent.protocol is not https"),
        ("bank.base_url", "http://bank.example", "bank.base_url is not https"),
        ("wechat.api_base_url", "http://api.weixin.qq.com", "wechat.api_base_url is not https"),
        ("sessions.cookie_secure", False, "sessions.cookie_secure is false"),
        (
            "wechat.open_base_url",
            "https://gjj.example.gov.cn/sandbox/wechat",
            "wechat.open_base_url points at the sandbox",
        ),
        (
            "bank.base_url",
            "https://gjj.example.gov.cn/sandbox/bank",
            "bank.base_url points at the sandbox",
        ),
        ("store.redis_url", None, "no shared store"),
        ("security.session_secret", "x", "security.session_secret is weak"),
        ("security.lookup_key", "k", "security.lookup_key is weak"),
        ("security.lookup_key", "ab" * 20, "security.lookup_key is weak"),
        ("security.session_secret", "a" * 64, "security.session_secret is weak"),
        ("security.pii_keys", {"k1": "00" * 16}, "security.pii_keys[k1] is weak"),
        ("wechat.oa.token", "t", "wechat.oa.token is weak"),
        ("wechat.oa.encoding_aes_key", "Q" * 43, "wechat.oa.encoding_aes_key is weak"),
    ],
)
def test_production_refuses_unsafe_setting_in_one_line(
    path: str, value: object, refusal: str
) -> None:
    refusals = _refusals(_with(path, value))
    assert len(refusals) == 1, refusals
    assert refusals[0].startswith(refusal)


def test_production_refuses_a_secret_used_twice() -> None:
    settings = _with("security.session_secret", SAFE_PRODUCTION["security"]["lookup_key"])  # type: ignore[index]
    assert any("share one value" in line for line in _refusals(settings))
