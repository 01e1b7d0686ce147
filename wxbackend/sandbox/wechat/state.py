"""What the WeChat sandbox remembers: tokens, login codes, menus, sent messages, faults.

In memory, in one process: the sandbox is a development and test stand-in, so it runs in
the single process that mounts it (run the dev server with one worker).
"""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Literal

SentKind = Literal["custom", "template", "subscribe"]
CodeKind = Literal["jscode", "oauth"]

TOKEN_TTL_S = 7200.0
# After a forced refresh WeChat keeps the previous token usable for five minutes.
TOKEN_OVERLAP_S = 300.0
CODE_TTL_S = 300.0


class WeChatError(Exception):
    """Answered as WeChat does: HTTP 200 with {"errcode", "errmsg"}."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        self.errcode = errcode
        self.errmsg = errmsg
        super().__init__(f"{errcode}: {errmsg}")


@dataclass
class IssuedToken:
    app_id: str
    expires_at: float  # time.monotonic()


@dataclass
class LoginCode:
    kind: CodeKind
    openid: str
    unionid: str | None
    expires_at: float
    used: bool = False


@dataclass
class Fault:
    errcode: int
    errmsg: str
    delay_s: float
    remaining: int


@dataclass
class WeChatSandboxState:
    """Everything the sandbox holds; `reset()` forgets it all."""

    token_ttl_s: float = TOKEN_TTL_S
    tokens: dict[str, IssuedToken] = field(default_factory=dict)
    stable_tokens: dict[str, str] = field(default_factory=dict)
    plain_tokens: dict[str, str] = field(default_factory=dict)
    token_requests: int = 0
    tokens_issued: int = 0
    calls: dict[str, int] = field(default_factory=dict)
    codes: dict[str, LoginCode] = field(default_factory=dict)
    menus: dict[str, dict[str, Any]] = field(default_factory=dict)
    sent: dict[SentKind, list[dict[str, Any]]] = field(
        default_factory=lambda: {"custom": [], "template": [], "subscribe": []}
    )
    template_msgids: dict[tuple[str, str], int] = field(default_factory=dict)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    _msgids: itertools.count[int] = field(default_factory=lambda: itertools.count(2_000_000_001))

    def reset(self) -> None:
        fresh = WeChatSandboxState(token_ttl_s=self.token_ttl_s)
        self.__dict__.update(fresh.__dict__)

    # Tokens

    def _issue(self, app_id: str) -> str:
        token = "sbx_" + secrets.token_urlsafe(24)
        self.tokens[token] = IssuedToken(app_id, time.monotonic() + self.token_ttl_s)
        self.tokens_issued += 1
        return token

    def _retire(self, token: str | None) -> None:
        """Keep a replaced token alive for the overlap window only."""
        issued = self.tokens.get(token or "")
        if issued is not None:
            issued.expires_at = min(issued.expires_at, time.monotonic() + TOKEN_OVERLAP_S)

    def _remaining(self, token: str | None) -> float:
        issued = self.tokens.get(token or "")
        return 0.0 if issued is None else issued.expires_at - time.monotonic()

    def stable_token(self, app_id: str, *, force_refresh: bool) -> tuple[str, int]:
        """Same token while it is valid, unless forced (then the old one overlaps)."""
        self.token_requests += 1
        current = self.stable_tokens.get(app_id)
        if current is not None and not force_refresh and self._remaining(current) > 0:
            return current, int(self._remaining(current))
        self._retire(current)
        token = self.stable_tokens[app_id] = self._issue(app_id)
        return token, int(self.token_ttl_s)

    def plain_token(self, app_id: str) -> tuple[str, int]:
        """/cgi-bin/token: a new token on every call, the previous one soon dies."""
        self.token_requests += 1
        self._retire(self.plain_tokens.get(app_id))
        token = self.plain_tokens[app_id] = self._issue(app_id)
        return token, int(self.token_ttl_s)

    def app_for_token(self, token: str) -> str:
        issued = self.tokens.get(token)
        if issued is None:
            raise WeChatError(40001, "invalid credential, access_token is invalid or not latest")
        if issued.expires_at <= time.monotonic():
            raise WeChatError(42001, "access_token expired")
        return issued.app_id

    def expire_tokens(self) -> int:
        """Age every token past its lifetime, as if 7200 s had gone by."""
        now = time.monotonic()
        for issued in self.tokens.values():
            issued.expires_at = now
        return len(self.tokens)

    # Login codes

    def issue_code(self, *, kind: CodeKind, openid: str, unionid: str | None) -> str:
        code = secrets.token_hex(16)
        self.codes[code] = LoginCode(kind, openid, unionid, time.monotonic() + CODE_TTL_S)
        return code

    def redeem_code(self, code: str, *, kind: CodeKind) -> LoginCode:
        login = self.codes.get(code)
        if login is None or login.kind != kind or login.expires_at <= time.monotonic():
            raise WeChatError(40029, "invalid code")
        if login.used:
            raise WeChatError(40163, "code been used")
        login.used = True
        return login

    # Messages

    def record(self, kind: SentKind, app_id: str, body: dict[str, Any]) -> int:
        msgid = next(self._msgids)
        self.sent[kind].append({"appid": app_id, "msgid": msgid, "body": body})
        return msgid

    # Faults

    def add_fault(self, path: str, fault: Fault) -> None:
        self.faults.setdefault(path, []).append(fault)

    def take_fault(self, path: str) -> Fault | None:
        """Count the call and hand out the next injected fault for `path`, if any."""
        self.calls[path] = self.calls.get(path, 0) + 1
        queue = self.faults.get(path)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        return fault
