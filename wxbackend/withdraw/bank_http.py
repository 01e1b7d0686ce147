"""The paying bank over HTTP (the real bank or the sandbox), signed both ways.

Every request carries X-Merchant-Id, X-Timestamp, X-Nonce and X-Signature =
hex HMAC-SHA256(api_key, "{METHOD}\\n{path}\\n{timestamp}\\n{nonce}\\n" + body). The bank
signs its answer the same way with the HTTP status in place of the method and our nonce
echoed, so an answer cannot be replayed onto another request or have its status changed.
An answer we cannot verify is treated as no answer: the outcome stays unknown.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import structlog

from wxbackend import clock
from wxbackend.config import BankSettings
from wxbackend.security.masking import mask_card_no
from wxbackend.withdraw.bank import (
    BankAnswer,
    BankStatus,
    BankUnreachable,
    PaymentOrder,
    StatementEntry,
)

log = structlog.get_logger(__name__)

SIGNATURE_WINDOW_S = 300
_ANSWER_STATUSES = {s.value: s for s in BankStatus if s is not BankStatus.NOT_FOUND}


class BankAuthRejected(BankUnreachable):
    """The bank refused our signature or merchant id (wrong api_key?)."""


class BankUntrustedAnswer(BankUnreachable):
    """An answer without a valid signature, or not shaped as the contract says."""


def signature(key: str, *, head: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The contract's HMAC-SHA256; `head` is the method (requests) or status (answers)."""
    message = f"{head}\n{path}\n{timestamp}\n{nonce}\n".encode() + body
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def fresh(timestamp: str, *, now: float | None = None) -> bool:
    """Within the replay window (a clock skew of a few minutes either way is normal)."""
    try:
        moment = int(timestamp)
    except ValueError:
        return False
    return abs((clock.timestamp() if now is None else now) - moment) <= SIGNATURE_WINDOW_S


class HttpBank:
    """BankGateway over one pooled httpx client, built once."""

    def __init__(
        self, settings: BankSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._merchant_id = settings.merchant_id
        self._key = settings.api_key.get_secret_value()
        self._timeout_s = settings.timeout_s
        self._base_path = urlsplit(settings.base_url).path.rstrip("/")
        self._client = httpx.AsyncClient(
            base_url=settings.base_url.rstrip("/"),
            timeout=httpx.Timeout(settings.timeout_s),
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def pay(self, order: PaymentOrder) -> BankAnswer:
        body = {
            "merchant_id": self._merchant_id,
            "reference": order.reference,
            "card_no": order.card_no,
            "holder_name": order.holder_name,
            "bank_code": order.bank_code,
            "amount": order.amount,
        }
        log.info(
            "bank.pay",
            reference=order.reference,
            card=mask_card_no(order.card_no),
            amount=order.amount,
        )
        status, data = await self._call("POST", "/payments", body)
        if 400 <= status < 500:
            # Signed, so trusted: the bank refused this order and booked nothing. Final:
            # asking again would be refused again, so the money goes back (no retries).
            return BankAnswer(
                BankStatus.FAILED, str(data.get("code") or status), str(data.get("message") or "")
            )
        if status != 200:
            raise BankUntrustedAnswer(f"payment answered HTTP {status}")
        return _answer(data)

    async def query(self, reference: str) -> BankAnswer:
        status, data = await self._call("GET", f"/payments/{reference}", None)
        if status == 404:
            # Signed, so trusted: the bank never received this reference.
            return BankAnswer(BankStatus.NOT_FOUND, str(data.get("code", "")))
        if status != 200:
            raise BankUntrustedAnswer(f"query answered HTTP {status}")
        return _answer(data)

    async def statement(self, day: date) -> list[StatementEntry]:
        """The bank's booked outcomes for one day (China time), for reconciliation."""
        status, data = await self._call("GET", f"/statements/{day.isoformat()}", None)
        if status != 200:
            raise BankUntrustedAnswer(f"statement answered HTTP {status}")
        try:
            return [
                StatementEntry(
                    reference=str(item["reference"]),
                    amount=_int(item["amount"]),
                    status=BankStatus(item["status"]),
                    booked_at=datetime.fromisoformat(item["booked_at"]),
                )
                for item in data["entries"]
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise BankUntrustedAnswer("statement not in the agreed shape") from exc

    async def _call(
        self, method: str, suffix: str, payload: dict[str, Any] | None
    ) -> tuple[int, dict[str, Any]]:
        """Send one signed request; returns (HTTP status, verified JSON answer)."""
        body = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        path = self._base_path + suffix
        timestamp, nonce = str(int(clock.timestamp())), secrets.token_hex(16)
        headers = {
            "X-Merchant-Id": self._merchant_id,
            "X-Timestamp": timestamp,
            "X-Nonce": nonce,
            "X-Signature": signature(
                self._key, head=method, path=path, timestamp=timestamp, nonce=nonce, body=body
            ),
        }
        if payload is not None:
            headers["Content-Type"] = "application/json"
        try:
            # httpx's timeout is per phase; the outer deadline bounds the whole exchange,
            # so the worker learns "unknown" within timeout_s, as configured.
            async with asyncio.timeout(self._timeout_s):
                response = await self._client.request(
                    method, suffix, content=body or None, headers=headers
                )
        except (TimeoutError, httpx.TransportError) as exc:
            log.warning("bank.unreachable", path=suffix, error=type(exc).__name__)
            raise BankUnreachable(f"no answer from the bank ({type(exc).__name__})") from exc
        if response.status_code >= 500:
            raise BankUnreachable(f"bank error HTTP {response.status_code}")
        if response.status_code in (401, 403):
            raise BankAuthRejected(f"bank refused our credentials (HTTP {response.status_code})")
        self._verify(response, path=path, nonce=nonce)
        try:
            data = response.json()
        except ValueError as exc:
            raise BankUntrustedAnswer("answer is not JSON") from exc
        if not isinstance(data, dict):
            raise BankUntrustedAnswer("answer is not a JSON object")
        return response.status_code, data

    def _verify(self, response: httpx.Response, *, path: str, nonce: str) -> None:
        timestamp = response.headers.get("X-Timestamp", "")
        given = response.headers.get("X-Signature", "")
        expected = signature(
            self._key,
            head=str(response.status_code),
            path=path,
            timestamp=timestamp,
            nonce=nonce,
            body=response.content,
        )
        if (
            response.headers.get("X-Nonce") != nonce
            or not fresh(timestamp)
            or not hmac.compare_digest(given.encode(), expected.encode())
        ):
            log.warning("bank.untrusted_answer", path=path, http_status=response.status_code)
            raise BankUntrustedAnswer("the bank's answer is not signed with our key")


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("amount must be an integer number of fen")
    return value


def _answer(data: dict[str, Any]) -> BankAnswer:
    status = _ANSWER_STATUSES.get(str(data.get("status")))
    if status is None:
        raise BankUntrustedAnswer("unknown payment status in the bank's answer")
    return BankAnswer(status, str(data.get("code") or ""), str(data.get("message") or ""))
