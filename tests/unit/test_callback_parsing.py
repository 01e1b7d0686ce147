"""Callback XML parsing and reply rendering, without HTTP."""

from __future__ import annotations

import pytest

from wxbackend.callback.crypto import CallbackCrypto
from wxbackend.callback.errors import MalformedMessage
from wxbackend.callback.parsing import parse_message, parse_xml
from wxbackend.callback.replies import render_reply
from wxbackend.callback.simulator import SimulatedUser
from wxbackend.handlers.messages import Article, NewsReply, TextReply

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xml><ToUserName>a</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&lol3;</Content></xml>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>a</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&e;</Content></xml>"""
EXTERNAL_DTD = b"""<!doctype xml SYSTEM "http://127.0.0.1:9/x.dtd"><xml><A>1</A></xml>"""


@pytest.fixture
def user() -> SimulatedUser:
    crypto = CallbackCrypto(token="t", encoding_aes_key="A" * 43, app_id="wxapp")
    return SimulatedUser(crypto, openid="o-user-1")


def test_parse_text_message(user: SimulatedUser) -> None:
    message = parse_message(parse_xml(user.text("余额", msg_id=42).encode()))
    assert (message.msg_type, message.content, message.msg_id) == ("text", "余额", "42")
    assert message.openid == "o-user-1"
    assert message.delivery_key == "msg:42"


def test_parse_click_event_keys_dedupe_on_user_time_event_and_key(user: SimulatedUser) -> None:
    message = parse_message(parse_xml(user.click("HELP").encode()))
    assert (message.event, message.event_key, message.msg_id) == ("CLICK", "HELP", None)
    assert message.delivery_key == f"evt:o-user-1:{message.create_time}:CLICK:HELP"


def test_parse_location_message_event_and_picker(user: SimulatedUser) -> None:
    shared = parse_message(parse_xml(user.location(32.2, 119.45, "某路").encode()))
    assert shared.location is not None
    assert (shared.location.latitude, shared.location.longitude) == (32.2, 119.45)
    reported = parse_message(
        parse_xml(
            user.event("LOCATION", Latitude="32.1", Longitude="119.4", Precision="65").encode()
        )
    )
    assert reported.location is not None
    assert reported.location.precision == 65.0
    picked = parse_message(parse_xml(user.location_select("SERVICE_POINTS", 31.0, 120.0).encode()))
    assert picked.location is not None
    assert picked.location.latitude == 31.0


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE, EXTERNAL_DTD])
def test_parse_refuses_dtds_and_entities(body: bytes) -> None:
    with pytest.raises(MalformedMessage):
        parse_xml(body)


def test_parse_refuses_a_doctype_in_another_encoding() -> None:
    # UTF-16 hides "<!DOCTYPE" from a byte search; the parser itself still refuses it.
    body = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><xml><A>1</A></xml>'
    with pytest.raises(MalformedMessage) as refused:
        parse_xml(body.encode("utf-16"))
    assert refused.value.detail["reason"] == "xml_declaration_refused"


def test_parse_strips_text_and_shapes_repeats_attributes_and_children() -> None:
    body = (
        b"<xml><A> padded </A><B/><R>1</R><R>2</R><T kind='x'>t</T>"
        b"<N><![CDATA[ <c> ]]><M>m</M></N></xml>"
    )
    assert parse_xml(body) == {
        "A": "padded",
        "B": None,
        "R": ["1", "2"],
        "T": {"@kind": "x", "#text": "t"},
        "N": {"#text": "<c>", "M": "m"},
    }


@pytest.mark.parametrize(
    "body", [b"", b"<xml>", b"not xml", b"<other><A>1</A></other>", b"<xml>text only</xml>"]
)
def test_parse_refuses_malformed_xml(body: bytes) -> None:
    with pytest.raises(MalformedMessage):
        parse_xml(body)


@pytest.mark.parametrize(
    "xml",
    [
        "<xml><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>",
        "<xml><ToUserName>a</ToUserName><FromUserName>o</FromUserName><CreateTime>x</CreateTime>"
        "<MsgType>text</MsgType></xml>",
        "<xml><ToUserName>a</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>event</MsgType></xml>",
        "<xml><ToUserName>a</ToUserName><FromUserName><x>o</x></FromUserName>"
        "<CreateTime>1</CreateTime><MsgType>text</MsgType></xml>",
        "<xml><ToUserName>a</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>location</MsgType><Location_X>91</Location_X><Location_Y>1</Location_Y></xml>",
        "<xml><ToUserName>a</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>event</MsgType><Event>LOCATION</Event><Latitude>nan</Latitude>"
        "<Longitude>1</Longitude></xml>",
    ],
)
def test_parse_refuses_missing_or_wrong_fields(xml: str) -> None:
    with pytest.raises(MalformedMessage):
        parse_message(parse_xml(xml.encode()))


def test_text_reply_swaps_users_and_escapes_cdata(user: SimulatedUser) -> None:
    message = parse_message(parse_xml(user.text("hi").encode()))
    xml = render_reply(TextReply("a]]>b"), to=message, now=1700000000)
    fields = parse_xml(xml.encode())
    assert fields["ToUserName"] == "o-user-1"
    assert fields["FromUserName"] == user.account
    assert fields["CreateTime"] == "1700000000"
    assert fields["MsgType"] == "text"
    assert fields["Content"] == "a]]>b"


def test_text_reply_is_cut_to_2048_bytes(user: SimulatedUser) -> None:
    message = parse_message(parse_xml(user.text("hi").encode()))
    fields = parse_xml(render_reply(TextReply("公" * 1000), to=message, now=1).encode())
    assert len(fields["Content"].encode()) <= 2048
    assert fields["Content"].endswith("…")


def test_news_reply_lists_articles(user: SimulatedUser) -> None:
    message = parse_message(parse_xml(user.text("hi").encode()))
    reply = NewsReply((Article("提取指南", "说明", "https://example.org/a"), Article("贷款指南")))
    fields = parse_xml(render_reply(reply, to=message, now=1).encode())
    assert fields["ArticleCount"] == "2"
    assert [item["Title"] for item in fields["Articles"]["item"]] == ["提取指南", "贷款指南"]
