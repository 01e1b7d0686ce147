"""A WeChat user stand-in: builds signed (and encrypted) callbacks and reads replies.

Used by `wxbackend sim`, the tests and the bench, so all three speak exactly what the
endpoint verifies.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from wxbackend import clock
from wxbackend.callback.crypto import CallbackCrypto
from wxbackend.callback.parsing import parse_xml, text_field
from wxbackend.callback.replies import cdata

Mode = Literal["plain", "compatible", "safe"]
# The account's original id (gh_…) WeChat puts in ToUserName.
DEFAULT_ACCOUNT = "gh_fundcentre0001"


@dataclass(frozen=True, slots=True)
class SignedCallback:
    params: dict[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class ReceivedReply:
    """What the user would see: msg_type "text" with `text`, or "news" with titles."""

    msg_type: str
    text: str
    fields: Mapping[str, Any]


# WeChat's MsgId is unique across followers, and the callback deduplicates on it: one
# sequence for every simulated user of this process, never below the clock's
# milliseconds × 1000 (so ids of a later run are new too). Two users started in the same
# millisecond once got equal ids, and the second user's message was answered as a retry
# of the first's.
_last_msg_id = 0


def _next_msg_id() -> int:
    global _last_msg_id
    _last_msg_id = max(_last_msg_id + 1, int(clock.timestamp() * 1000) * 1000)
    return _last_msg_id


def _xml(values: Mapping[str, str | int | Mapping[str, str]]) -> str:
    def element(name: str, value: str | int | Mapping[str, str]) -> str:
        if isinstance(value, int):
            return f"<{name}>{value}</{name}>"
        if isinstance(value, str):
            return f"<{name}>{cdata(value)}</{name}>"
        return f"<{name}>" + "".join(element(k, v) for k, v in value.items()) + f"</{name}>"

    return "<xml>" + "".join(element(k, v) for k, v in values.items()) + "</xml>"


@dataclass
class SimulatedUser:
    """One follower (`openid`) of the account the crypto belongs to."""

    crypto: CallbackCrypto
    openid: str = "o-sim-user-0001"
    account: str = DEFAULT_ACCOUNT

    def _base(self, msg_type: str) -> dict[str, str | int | Mapping[str, str]]:
        return {
            "ToUserName": self.account,
            "FromUserName": self.openid,
            "CreateTime": int(clock.timestamp()),
            "MsgType": msg_type,
        }

    def event(self, event: str, key: str | None = None, **extra: Any) -> str:
        values = self._base("event") | {"Event": event}
        if key is not None:
            values["EventKey"] = key
        return _xml(values | extra)

    def message(self, msg_type: str, *, msg_id: int | None = None, **fields: Any) -> str:
        values = self._base(msg_type) | fields
        values["MsgId"] = msg_id if msg_id is not None else _next_msg_id()
        return _xml(values)

    def subscribe(self) -> str:
        return self.event("subscribe", "")

    def click(self, key: str) -> str:
        return self.event("CLICK", key)

    def text(self, content: str, *, msg_id: int | None = None) -> str:
        return self.message("text", msg_id=msg_id, Content=content)

    def location(self, lat: float, lng: float, label: str = "") -> str:
        return self.message(
            "location", Location_X=str(lat), Location_Y=str(lng), Scale="15", Label=label
        )

    def location_select(self, key: str, lat: float, lng: float) -> str:
        info = {"Location_X": str(lat), "Location_Y": str(lng), "Scale": "15", "Label": ""}
        return self.event("location_select", key, SendLocationInfo=info)

    def sign(
        self,
        xml: str,
        *,
        mode: Mode = "safe",
        timestamp: str | None = None,
        nonce: str | None = None,
    ) -> SignedCallback:
        """Query string and body exactly as WeChat sends them in `mode`."""
        timestamp = timestamp or str(int(clock.timestamp()))
        nonce = nonce or secrets.token_hex(5)
        params = {
            "signature": self.crypto.signature(timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
            "openid": self.openid,
        }
        if mode == "plain":
            return SignedCallback(params, xml.encode("utf-8"))
        encrypt = self.crypto.encrypt(xml)
        params["encrypt_type"] = "aes"
        params["msg_signature"] = self.crypto.msg_signature(timestamp, nonce, encrypt)
        if mode == "safe":
            body = _xml({"ToUserName": self.account, "Encrypt": encrypt})
        else:
            body = xml.replace("</xml>", f"<Encrypt>{cdata(encrypt)}</Encrypt></xml>")
        return SignedCallback(params, body.encode("utf-8"))

    def read_reply(self, body: bytes) -> ReceivedReply | None:
        """Decrypt (checking MsgSignature) and parse a reply; None for "success"/empty."""
        if body.strip() in (b"", b"success"):
            return None
        fields = parse_xml(body)
        if "Encrypt" in fields:
            encrypt = text_field(fields, "Encrypt", required=True) or ""
            timestamp = text_field(fields, "TimeStamp", required=True) or ""
            nonce = text_field(fields, "Nonce", required=True) or ""
            signature = text_field(fields, "MsgSignature", required=True) or ""
            if not self.crypto.verify_msg_signature(signature, timestamp, nonce, encrypt):
                raise ValueError("reply MsgSignature does not verify")
            fields = parse_xml(self.crypto.decrypt(encrypt).encode("utf-8"))
        msg_type = text_field(fields, "MsgType") or ""
        if msg_type == "news":
            items = fields.get("Articles", {}).get("item", [])
            items = items if isinstance(items, list) else [items]
            text = "\n".join(str(item.get("Title", "")) for item in items)
        else:
            text = text_field(fields, "Content") or ""
        return ReceivedReply(msg_type=msg_type, text=text, fields=fields)
