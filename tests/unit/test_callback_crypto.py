"""Signatures and the safe-mode envelope, checked against WeChat's format and wechatpy."""

from __future__ import annotations

import base64
import hashlib

import pytest
from wechatpy.crypto import WeChatCrypto

from wxbackend.callback.crypto import CallbackCrypto, CiphertextRejected, WrongAppId, sign

TOKEN = "devtoken"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx0fficia1acc0unt"


@pytest.fixture
def crypto() -> CallbackCrypto:
    return CallbackCrypto(token=TOKEN, encoding_aes_key=AES_KEY, app_id=APP_ID)


def test_signature_is_sha1_of_sorted_parts(crypto: CallbackCrypto) -> None:
    joined = "".join(sorted([TOKEN, "1700000000", "n1"]))
    expected = hashlib.sha1(joined.encode()).hexdigest()  # noqa: S324 - WeChat's scheme
    assert crypto.signature("1700000000", "n1") == expected
    assert crypto.verify_signature(expected, "1700000000", "n1")


def test_verify_signature_rejects_other_values(crypto: CallbackCrypto) -> None:
    good = crypto.signature("1700000000", "n1")
    assert not crypto.verify_signature(good, "1700000001", "n1")
    assert not crypto.verify_signature(good.upper(), "1700000000", "n1")
    assert not crypto.verify_signature("", "1700000000", "n1")
    assert not crypto.verify_signature("签名", "1700000000", "n1")


def test_msg_signature_covers_encrypt_and_differs_from_signature(crypto: CallbackCrypto) -> None:
    msg_sig = crypto.msg_signature("1700000000", "n1", "ENC")
    assert msg_sig == sign(TOKEN, "1700000000", "n1", "ENC")
    assert crypto.verify_msg_signature(msg_sig, "1700000000", "n1", "ENC")
    assert not crypto.verify_msg_signature(msg_sig, "1700000000", "n1", "ENC2")
    assert not crypto.verify_msg_signature(
        crypto.signature("1700000000", "n1"), "1700000000", "n1", "ENC"
    )


def test_encrypt_round_trip_keeps_chinese_text(crypto: CallbackCrypto) -> None:
    message = "<xml><Content><![CDATA[查询余额]]></Content></xml>"
    assert crypto.decrypt(crypto.encrypt(message)) == message


def test_ciphertext_is_padded_to_32_byte_blocks(crypto: CallbackCrypto) -> None:
    for size in (0, 1, 11, 12, 43, 100):
        raw = base64.b64decode(crypto.encrypt("x" * size))
        assert len(raw) % 32 == 0


def test_interoperates_with_wechatpy_both_ways(crypto: CallbackCrypto) -> None:
    theirs = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    ours_encrypted = crypto.encrypt_reply("<xml><A>一</A></xml>", timestamp="1700000000", nonce="n")
    assert "Encrypt" in ours_encrypted
    from wechatpy.crypto import PrpCrypto

    assert PrpCrypto(theirs.key).decrypt(crypto.encrypt("<xml>一</xml>"), APP_ID) == "<xml>一</xml>"
    theirs_encrypted = PrpCrypto(theirs.key).encrypt("<xml>二</xml>", APP_ID).decode()
    assert crypto.decrypt(theirs_encrypted) == "<xml>二</xml>"


def test_decrypt_refuses_another_app_id(crypto: CallbackCrypto) -> None:
    other = CallbackCrypto(token=TOKEN, encoding_aes_key=AES_KEY, app_id="wxsomeoneelse00")
    with pytest.raises(WrongAppId):
        crypto.decrypt(other.encrypt("<xml/>"))


@pytest.mark.parametrize(
    "encrypt",
    [
        "not base64!!",
        "",
        base64.b64encode(b"short").decode(),
        base64.b64encode(b"\0" * 32).decode(),
    ],
)
def test_decrypt_refuses_garbage(crypto: CallbackCrypto, encrypt: str) -> None:
    with pytest.raises(CiphertextRejected):
        crypto.decrypt(encrypt)


def test_decrypt_refuses_another_key(crypto: CallbackCrypto) -> None:
    other = CallbackCrypto(token=TOKEN, encoding_aes_key="B" * 43, app_id=APP_ID)
    with pytest.raises((CiphertextRejected, WrongAppId)):
        crypto.decrypt(other.encrypt("<xml>hello</xml>"))


def test_rejects_a_malformed_encoding_aes_key() -> None:
    with pytest.raises(ValueError, match="EncodingAESKey"):
        CallbackCrypto(token=TOKEN, encoding_aes_key="tooshort", app_id=APP_ID)
