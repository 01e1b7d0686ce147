"""A staff member at the desk in tests: their own cookie jar, the forms' CSRF tokens read
from the pages as a browser would, logging in with password and TOTP code."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests import staff_otp

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


@dataclass
class DeskClient:
    client: httpx.AsyncClient
    username: str = ""
    password: str = ""
    last_page: str = field(default="", repr=False)

    @classmethod
    def beside(cls, other: httpx.AsyncClient) -> DeskClient:
        """A new browser on the same app (its own cookies)."""
        transport: Any = other._transport
        return cls(httpx.AsyncClient(transport=transport, base_url=str(other.base_url)))

    async def aclose(self) -> None:
        await self.client.aclose()

    async def get(self, path: str, **params: str) -> httpx.Response:
        response = await self.client.get(path, params=params or None)
        if response.headers.get("content-type", "").startswith("text/html"):
            self.last_page = response.text
        return response

    async def post(
        self, path: str, data: dict[str, str] | None = None, *, csrf: str | None = None
    ) -> httpx.Response:
        """POST a form with the CSRF token of the last page (or `csrf`, "" for none)."""
        body = dict(data or {})
        token = csrf_of(self.last_page) if csrf is None else csrf
        if token:
            body["csrf"] = token
        response = await self.client.post(path, data=body)
        if response.headers.get("content-type", "").startswith("text/html"):
            self.last_page = response.text
        return response

    async def log_in(self, username: str, password: str, otp: str | None = None) -> httpx.Response:
        """The login form, filled in; otp defaults to a fresh code of the enrolled secret."""
        await self.get("/desk/login")
        if otp is None:
            otp = staff_otp.next_code(username) if username in staff_otp.SECRETS else ""
        self.username, self.password = username, password
        return await self.post(
            "/desk/login", {"username": username, "password": password, "otp": otp}
        )
