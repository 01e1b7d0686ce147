"""Callback signatures and the safe-mode (AES) message envelope.

Written on `cryptography` rather than wechatpy's WeChatCrypto because wechatpy compares
signatures with `!=` and parses the XML before checking msg_signature (DOMAIN.md §10).
Format: https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_BLOCK = 32  # WeChat pads PKCS#7 to 32 bytes, not AES's 16.


class CiphertextRejected(ValueError):
    """The Encrypt field is not a well-formed message for this key."""


class WrongAppId(ValueError):
    """The decrypted message was addressed to another app id."""


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 of the parts sorted and concatenated."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()  # noqa: S324


def signatures_match(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode("ascii"), given.encode("ascii", "replace"))


class CallbackCrypto:
    """Signs, verifies, encrypts and decrypts callbacks for one official account."""

    def __init__(self, *, token: str, encoding_aes_key: str, app_id: str) -> None:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
        if len(key) != 32:
            raise ValueError("EncodingAESKey must be 43 characters decoding to 32 bytes")
        self._token = token
        self._app_id = app_id.encode("utf-8")
        # A Cipher only holds key and IV (WeChat's IV is the key's first 16 bytes); each
        # message gets its own encryptor/decryptor context from it.
        self._cipher = Cipher(algorithms.AES(key), modes.CBC(key[:16]))

    def signature(self, timestamp: str, nonce: str) -> str:
        return sign(self._token, timestamp, nonce)

    def msg_signature(self, timestamp: str, nonce: str, encrypt: str) -> str:
        return sign(self._token, timestamp, nonce, encrypt)

    def verify_signature(self, signature: str, timestamp: str, nonce: str) -> bool:
        return signatures_match(self.signature(timestamp, nonce), signature)

    def verify_msg_signature(
        self, msg_signature: str, timestamp: str, nonce: str, encrypt: str
    ) -> bool:
        return signatures_match(self.msg_signature(timestamp, nonce, encrypt), msg_signature)

    def encrypt(self, plaintext: str, *, random_prefix: bytes | None = None) -> str:
        """Base64 of AES-256-CBC(16 random bytes + length + message + appid), padded to 32."""
        body = plaintext.encode("utf-8")
        prefix = random_prefix if random_prefix is not None else os.urandom(16)
        raw = prefix + struct.pack(">I", len(body)) + body + self._app_id
        pad = _BLOCK - len(raw) % _BLOCK
        raw += bytes([pad]) * pad
        encryptor = self._cipher.encryptor()
        return base64.b64encode(encryptor.update(raw) + encryptor.finalize()).decode("ascii")

    def decrypt(self, encrypt: str) -> str:
        """The message inside Encrypt; raises CiphertextRejected or WrongAppId."""
        try:
            data = base64.b64decode(encrypt, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CiphertextRejected("not base64") from exc
        if not data or len(data) % 16:
            raise CiphertextRejected("not a whole number of AES blocks")
        decryptor = self._cipher.decryptor()
        raw = decryptor.update(data) + decryptor.finalize()
        pad = raw[-1]
        if not 1 <= pad <= _BLOCK or raw[-pad:] != bytes([pad]) * pad:
            raise CiphertextRejected("bad padding")
        raw = raw[:-pad]
        if len(raw) < 20:
            raise CiphertextRejected("too short")
        (length,) = struct.unpack(">I", raw[16:20])
        if 20 + length > len(raw):
            raise CiphertextRejected("length past the end")
        message, app_id = raw[20 : 20 + length], raw[20 + length :]
        if not hmac.compare_digest(app_id, self._app_id):
            raise WrongAppId("message addressed to another app id")
        try:
            return message.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CiphertextRejected("not UTF-8") from exc

    def encrypt_reply(self, reply_xml: str, *, timestamp: str, nonce: str) -> str:
        """The safe-mode reply envelope around a plaintext reply."""
        encrypt = self.encrypt(reply_xml)
        signature = self.msg_signature(timestamp, nonce, encrypt)
        return (
            "<xml>"
            f"<Encrypt><![CDATA[{encrypt}]]></Encrypt>"
            f"<MsgSignature><![CDATA[{signature}]]></MsgSignature>"
            f"<TimeStamp>{timestamp}</TimeStamp>"
            f"<Nonce><![CDATA[{nonce}]]></Nonce>"
            "</xml>"
        )
