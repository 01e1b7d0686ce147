"""What makes settings unsafe to run in production: one line per problem.

`Settings` refuses to load with `WXB_ENV=production` while any of these is found, so an
unsafe deployment never serves a request. Docs: docs/security.md.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr

# `settings` below is a wxbackend.config.Settings; not imported, because config imports
# this module (a cycle), and only its attributes are read.
Settings = Any

# A secret's estimated strength (length x Shannon entropy of its characters) and length.
MIN_SECRET_BITS = 100.0
MIN_SECRET_CHARS = 32
# WeChat caps the callback token at 32 letters and digits.
MIN_TOKEN_CHARS = 24
MIN_TOKEN_BITS = 80.0


def estimated_bits(value: str) -> float:
    """Length times the Shannon entropy per character: 0 for 'aaaa', ~4/char for hex."""
    if not value:
        return 0.0
    counts = Counter(value)
    per_char = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    return per_char * len(value)


def _periodic(value: str) -> bool:
    """'abcabcabc…': a short pattern repeated (high per-character entropy, little real)."""
    for size in range(1, len(value) // 2 + 1):
        if value == (value[:size] * (len(value) // size + 1))[: len(value)]:
            return True
    return False


def weak_secret(value: str, *, min_chars: int, min_bits: float) -> str | None:
    """Why a secret is too weak to be a real one, or None."""
    if len(value) < min_chars:
        return f"shorter than {min_chars} characters"
    if _periodic(value) or estimated_bits(value) < min_bits:
        return "too little entropy (use secrets.token_urlsafe(32))"
    return None


def weak_key_bytes(raw: bytes) -> str | None:
    """Why a binary key (SM4 PII key) cannot be a random one, or None."""
    if len(set(raw)) < len(raw) // 2:
        return "repeats its bytes, all-zero or patterned (use secrets.token_hex(16))"
    return None


def _url_problems(name: str, url: str) -> list[str]:
    problems = []
    if urlsplit(url).scheme != "https":
        problems.append(f"{name} is not https ({url})")
    if "sandbox" in url.lower():
        problems.append(f"{name} points at the sandbox ({url})")
    return problems


def production_problems(settings: Settings, placeholders: set[str]) -> list[str]:
    """Every reason these settings are unsafe in production, one line each."""
    problems: list[str] = []
    if settings.sandbox.enabled:
        problems.append("sandbox is enabled (set WXB_SANDBOX__ENABLED=false)")
    if not settings.store.redis_url:
        problems.append(
            "no shared store: limits, lockouts and sessions need Redis (set WXB_STORE__REDIS_URL)"
        )
    if not settings.wechat.oa.require_encryption:
        problems.append(
            "wechat.oa.require_encryption is false: production answers safe (AES) mode only"
        )
    if not settings.sessions.cookie_secure:
        problems.append("sessions.cookie_secure is false: session cookies must be Secure")
    if urlsplit(settings.server.public_base_url).hostname in ("127.0.0.1", "localhost", "::1"):
        problems.append("server.public_base_url is a local address (set the public origin)")
    for name, url in (
        ("server.public_base_url", settings.server.public_base_url),
        ("wechat.api_base_url", settings.wechat.api_base_url),
        ("wechat.open_base_url", settings.wechat.open_base_url),
        ("bank.base_url", settings.bank.base_url),
    ):
        problems += _url_problems(name, url)
    if settings.tencent.protocol != "https":
        problems.append("tencent.protocol is not https")
    if "sandbox" in settings.tencent.endpoint.lower():
        problems.append(f"tencent.endpoint points at the sandbox ({settings.tencent.endpoint})")
    problems += _secret_problems(settings, placeholders)
    return problems


def _secret_problems(settings: Settings, placeholders: set[str]) -> list[str]:
    problems: list[str] = []
    secrets: dict[str, tuple[SecretStr, int, float]] = {
        "wechat.oa.app_secret": (settings.wechat.oa.app_secret, MIN_SECRET_CHARS, MIN_SECRET_BITS),
        "wechat.oa.token": (settings.wechat.oa.token, MIN_TOKEN_CHARS, MIN_TOKEN_BITS),
        "wechat.oa.encoding_aes_key": (
            settings.wechat.oa.encoding_aes_key,
            43,
            MIN_SECRET_BITS,
        ),
        "wechat.mp.app_secret": (settings.wechat.mp.app_secret, MIN_SECRET_CHARS, MIN_SECRET_BITS),
        "tencent.secret_key": (settings.tencent.secret_key, MIN_SECRET_CHARS, MIN_SECRET_BITS),
        "bank.api_key": (settings.bank.api_key, MIN_SECRET_CHARS, MIN_SECRET_BITS),
        "security.lookup_key": (settings.security.lookup_key, MIN_SECRET_CHARS, MIN_SECRET_BITS),
        "security.session_secret": (
            settings.security.session_secret,
            MIN_SECRET_CHARS,
            MIN_SECRET_BITS,
        ),
    }
    if settings.server.metrics_token is not None:
        secrets["server.metrics_token"] = (
            settings.server.metrics_token,
            MIN_SECRET_CHARS,
            MIN_SECRET_BITS,
        )
    for name, (secret, min_chars, min_bits) in secrets.items():
        value = secret.get_secret_value()
        if value in placeholders:
            problems.append(f"{name} is a placeholder")
            continue
        reason = weak_secret(value, min_chars=min_chars, min_bits=min_bits)
        if reason:
            problems.append(f"{name} is weak: {reason}")
    for key_id, key in settings.security.pii_keys.items():
        value = key.get_secret_value()
        if value in placeholders:
            problems.append(f"security.pii_keys[{key_id}] is a placeholder")
            continue
        reason = weak_key_bytes(bytes.fromhex(value))
        if reason:
            problems.append(f"security.pii_keys[{key_id}] is weak: {reason}")
    values = [s.get_secret_value() for s, _, _ in secrets.values()]
    values = [v for v in values if v not in placeholders]
    if len(set(values)) < len(values):
        problems.append("two secrets share one value: give each its own")
    return problems
