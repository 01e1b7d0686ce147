"""In-memory fakes of the WeChat gateway for unit tests: they record, never send.

    oa = FakeOfficialAccount()
    await notify_user(oa, ...)                      # code under test
    assert oa.sent_texts == [SentText("o-user", "…")]

    oa.add_oauth_code("code-1", openid="o-user")    # then oauth_identity("code-1") works once
    mp = FakeMiniProgram()
    mp.add_js_code("js-1", openid="o-mini")         # then code_to_session("js-1") works once
    oa.fail_next(45009)                             # the next call of any method raises it

Codes behave like WeChat's: unknown → 40029, used twice → 40163. Template sends with a
client_msg_id already seen return the first msgid and are not recorded again.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wxbackend.wechat.gateway import (
    MiniProgramApi,
    MiniProgramSession,
    OAuthIdentity,
    OfficialAccountApi,
    WeChatApiError,
)


@dataclass(frozen=True, slots=True)
class SentText:
    openid: str
    text: str


@dataclass(frozen=True, slots=True)
class SentTemplate:
    openid: str
    template_id: str
    data: dict[str, str]
    client_msg_id: str
    msgid: int
    url: str | None = None
    miniprogram: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class SentSubscribe:
    openid: str
    template_id: str
    data: dict[str, str]
    page: str | None = None


@dataclass
class _Codes:
    """Single-use login codes, as WeChat issues them."""

    issued: dict[str, Any] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def redeem(self, code: str) -> Any:
        if code in self.used:
            raise WeChatApiError(40163, "code been used")
        if code not in self.issued:
            raise WeChatApiError(40029, "invalid code")
        self.used.add(code)
        return self.issued.pop(code)


class _Failures:
    """Errcodes queued by `fail_next`, raised by the next calls in order."""

    def __init__(self) -> None:
        self._queue: list[WeChatApiError] = []

    def fail_next(self, errcode: int, errmsg: str = "injected", *, times: int = 1) -> None:
        """Make the next `times` calls raise WeChatApiError(errcode)."""
        self._queue.extend(WeChatApiError(errcode, errmsg) for _ in range(times))

    def _maybe_fail(self) -> None:
        if self._queue:
            raise self._queue.pop(0)


class FakeOfficialAccount(_Failures):
    """OfficialAccountApi in memory: `sent_texts`, `sent_templates`, `menu`."""

    def __init__(self) -> None:
        super().__init__()
        self.sent_texts: list[SentText] = []
        self.sent_templates: list[SentTemplate] = []
        self.menu: dict[str, Any] | None = None
        self._codes = _Codes()
        self._msgids = itertools.count(1000)
        self._by_client_msg_id: dict[str, int] = {}

    def add_oauth_code(self, code: str, *, openid: str, unionid: str | None = None) -> None:
        """Let `oauth_identity(code)` succeed once for this user."""
        self._codes.issued[code] = OAuthIdentity(openid=openid, unionid=unionid)

    async def send_text(self, openid: str, text: str) -> None:
        self._maybe_fail()
        self.sent_texts.append(SentText(openid, text))

    async def send_template(
        self,
        *,
        openid: str,
        template_id: str,
        data: dict[str, str],
        client_msg_id: str,
        url: str | None = None,
        miniprogram: dict[str, str] | None = None,
    ) -> int:
        self._maybe_fail()
        if client_msg_id in self._by_client_msg_id:
            return self._by_client_msg_id[client_msg_id]
        msgid = next(self._msgids)
        self._by_client_msg_id[client_msg_id] = msgid
        self.sent_templates.append(
            SentTemplate(openid, template_id, dict(data), client_msg_id, msgid, url, miniprogram)
        )
        return msgid

    async def get_menu(self) -> dict[str, Any] | None:
        self._maybe_fail()
        return copy.deepcopy(self.menu)

    async def create_menu(self, menu: dict[str, Any]) -> None:
        self._maybe_fail()
        self.menu = copy.deepcopy(menu)

    async def delete_menu(self) -> None:
        self._maybe_fail()
        self.menu = None

    async def oauth_identity(self, code: str) -> OAuthIdentity:
        self._maybe_fail()
        identity: OAuthIdentity = self._codes.redeem(code)
        return identity


class FakeMiniProgram(_Failures):
    """MiniProgramApi in memory: `sent_subscribes`, login codes via `add_js_code`."""

    def __init__(self) -> None:
        super().__init__()
        self.sent_subscribes: list[SentSubscribe] = []
        self._codes = _Codes()

    def add_js_code(
        self,
        code: str,
        *,
        openid: str,
        unionid: str | None = None,
        session_key: str = "fake-session-key",
    ) -> None:
        """Let `code_to_session(code)` succeed once for this user."""
        self._codes.issued[code] = MiniProgramSession(openid, session_key, unionid)

    async def code_to_session(self, js_code: str) -> MiniProgramSession:
        self._maybe_fail()
        session: MiniProgramSession = self._codes.redeem(js_code)
        return session

    async def send_subscribe(
        self,
        *,
        openid: str,
        template_id: str,
        data: dict[str, str],
        page: str | None = None,
    ) -> None:
        self._maybe_fail()
        self.sent_subscribes.append(SentSubscribe(openid, template_id, dict(data), page))


if TYPE_CHECKING:
    # mypy proves the fakes keep up with the protocols.
    _oa: OfficialAccountApi = FakeOfficialAccount()
    _mp: MiniProgramApi = FakeMiniProgram()
