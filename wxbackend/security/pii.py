"""SM4-GCM encryption of personal data at rest, with HMAC-SM3 lookup hashes.

Each encrypted value is stored with the id of the key that sealed it, so keys can be
rotated: new writes use the active key, old rows stay readable until re-encrypted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from wxbackend.config import SecuritySettings

_NONCE_BYTES = 12
_TAG_BYTES = 16


class PiiDecryptError(Exception):
    """A stored value could not be decrypted (wrong key or tampered data)."""


@dataclass(frozen=True, slots=True)
class Sealed:
    key_id: str
    blob: bytes


class Vault:
    """Encrypts, decrypts and hashes personal data with keys from settings."""

    def __init__(self, keys: dict[str, bytes], active_key_id: str, lookup_key: bytes) -> None:
        if active_key_id not in keys:
            raise ValueError("active key id not among keys")
        self._keys = keys
        self.active_key_id = active_key_id
        self._lookup_key = lookup_key

    @classmethod
    def from_settings(cls, settings: SecuritySettings) -> Vault:
        keys = {kid: bytes.fromhex(k.get_secret_value()) for kid, k in settings.pii_keys.items()}
        lookup = settings.lookup_key.get_secret_value().encode()
        return cls(keys, settings.pii_active_key_id, lookup)

    def seal(self, plaintext: str, *, key_id: str | None = None) -> Sealed:
        kid = key_id or self.active_key_id
        nonce = os.urandom(_NONCE_BYTES)
        encryptor = Cipher(algorithms.SM4(self._keys[kid]), modes.GCM(nonce)).encryptor()
        # The key id is authenticated data: a blob cannot be replayed under another key id.
        encryptor.authenticate_additional_data(kid.encode())
        body = encryptor.update(plaintext.encode()) + encryptor.finalize()
        return Sealed(kid, nonce + body + encryptor.tag)

    def open(self, key_id: str, blob: bytes) -> str:
        key = self._keys.get(key_id)
        if key is None or len(blob) < _NONCE_BYTES + _TAG_BYTES:
            raise PiiDecryptError(key_id)
        nonce, body, tag = blob[:_NONCE_BYTES], blob[_NONCE_BYTES:-_TAG_BYTES], blob[-_TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(key_id.encode())
        try:
            return (decryptor.update(body) + decryptor.finalize()).decode()
        except InvalidTag as exc:
            raise PiiDecryptError(key_id) from exc

    def lookup_hash(self, kind: str, value: str) -> bytes:
        """Keyed HMAC-SM3 of a normalised value; `kind` keeps ID numbers and mobiles apart."""
        mac = hmac.HMAC(self._lookup_key, hashes.SM3())
        mac.update(kind.encode() + b"\x00" + value.strip().upper().encode())
        return mac.finalize()

    def needs_rotation(self, key_id: str) -> bool:
        return key_id != self.active_key_id
