"""Personal data: encryption at rest, lookup hashes, masking and log scrubbing."""

from __future__ import annotations

import pytest

from wxbackend.config import SecuritySettings
from wxbackend.security.masking import (
    mask_card_no,
    mask_id_no,
    mask_mobile,
    mask_name,
    scrub,
)
from wxbackend.security.pii import PiiDecryptError, Vault

ID_NO = "11010519491231002X"


def _vault(active: str = "k1") -> Vault:
    return Vault(
        {"k1": bytes.fromhex("00" * 16), "k2": bytes.fromhex("11" * 16)},
        active,
        b"lookup-key",
    )


def test_sealed_values_never_contain_the_plaintext_and_open_again() -> None:
    vault = _vault()
    sealed = vault.seal(ID_NO)
    assert ID_NO.encode() not in sealed.blob
    assert vault.open(sealed.key_id, sealed.blob) == ID_NO
    assert vault.seal(ID_NO).blob != sealed.blob  # fresh nonce each time


def test_tampered_or_relabelled_ciphertext_is_refused() -> None:
    vault = _vault()
    sealed = vault.seal(ID_NO)
    flipped = bytes([sealed.blob[0] ^ 1]) + sealed.blob[1:]
    with pytest.raises(PiiDecryptError):
        vault.open("k1", flipped)
    with pytest.raises(PiiDecryptError):
        vault.open("k2", sealed.blob)


def test_rotation_keeps_old_rows_readable() -> None:
    old = _vault("k1").seal("13800138000")
    rotated = _vault("k2")
    assert rotated.open(old.key_id, old.blob) == "13800138000"
    assert rotated.needs_rotation(old.key_id)
    assert rotated.seal("x").key_id == "k2"


def test_lookup_hash_is_keyed_and_normalised() -> None:
    vault = _vault()
    assert vault.lookup_hash("id_no", ID_NO) == vault.lookup_hash("id_no", ID_NO.lower())
    assert vault.lookup_hash("id_no", ID_NO) != vault.lookup_hash("mobile", ID_NO)
    other = Vault({"k1": bytes(16)}, "k1", b"another-key")
    assert other.lookup_hash("id_no", ID_NO) != vault.lookup_hash("id_no", ID_NO)


def test_settings_refuse_malformed_sm4_keys() -> None:
    with pytest.raises(ValueError, match="32 hex"):
        SecuritySettings(pii_keys={"k1": "short"})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="pii_active_key_id"):
        SecuritySettings(pii_active_key_id="k9")


def test_masking_follows_display_practice() -> None:
    assert mask_id_no(ID_NO) == "110105********002X"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_card_no("6222021234567890123") == "622202*********0123"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧阳**"


def test_scrub_masks_personal_numbers_in_free_text() -> None:
    text = f"id={ID_NO} phone 13812345678 card:6222021234567890123 amount 123456"
    cleaned = scrub(text)
    assert ID_NO not in cleaned
    assert "13812345678" not in cleaned
    assert "6222021234567890123" not in cleaned
    assert "amount 123456" in cleaned
