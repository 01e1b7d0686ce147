"""Values cut to WeChat's data-type limits; the notice contract; the templates file."""

from __future__ import annotations

import pytest

from wxbackend.notify.formatting import NoticeFormatError, field_type, format_value
from wxbackend.notify.kinds import SECURITY_KINDS, UnknownNotice, allowed_values, complete_values
from wxbackend.notify.templates import (
    SECURITY_LINE,
    SMS_OPT_OUT,
    load_templates,
    parse_templates,
    render_fields,
    render_sms,
)

AT = "2026-11-22T11:30:00+00:00"


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("thing1", "thing"),
        ("amount12", "amount"),
        ("character_string3", "character_string"),
        ("phrase4", "phrase"),
        ("time5", "time"),
        ("phone_number6", "phone_number"),
        ("keyword1", "keyword"),
    ],
)
def test_field_type_from_key(key: str, kind: str) -> None:
    assert field_type(key) == kind


def test_field_type_unknown_key_refused() -> None:
    with pytest.raises(NoticeFormatError):
        field_type("colour1")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¥3,000.00", "¥3000.00"),
        ("3000", "¥3000"),
        ("￥12.5", "¥12.50"),
        ("100.30元", "¥100.30"),
        ("0.01", "¥0.01"),
        ("99999999.99", "¥99999999.99"),  # exactly 10 digits
        ("123456789.99", "¥123456789"),  # 11 digits with cents: the cents go
    ],
)
def test_amount_is_one_sign_and_at_most_ten_plain_digits(text: str, expected: str) -> None:
    assert format_value("amount2", text) == expected


@pytest.mark.parametrize("text", ["12345678901", "三千元", "-5.00", "1.234"])
def test_amount_that_cannot_fit_refused(text: str) -> None:
    with pytest.raises(NoticeFormatError):
        format_value("amount1", text)


def test_thing_cut_to_twenty_characters() -> None:
    reason = "提供的购房合同与不动产登记信息不一致，请重新上传清晰完整的合同"
    value = format_value("thing5", reason)
    assert len(value) == 20
    assert value.endswith("…")
    assert format_value("thing1", "租房提取") == "租房提取"
    assert format_value("thing1", "多行\n文本") == "多行 文本"


def test_time_from_iso_in_china_time() -> None:
    assert format_value("time4", AT) == "2026年11月22日 19:30"
    assert format_value("date2", "2026-11-22") == "2026年11月22日"
    assert format_value("time4", "2026年11月22日 19:30") == "2026年11月22日 19:30"


def test_time_that_is_no_time_refused() -> None:
    with pytest.raises(NoticeFormatError):
        format_value("time1", "tomorrow")


def test_phrase_keeps_at_most_five_chinese_characters() -> None:
    assert format_value("phrase3", "审核通过") == "审核通过"
    assert format_value("phrase3", "已支付成功到账") == "已支付成功"
    assert format_value("phrase3", "OK 已到账!") == "已到账"
    with pytest.raises(NoticeFormatError):
        format_value("phrase3", "OK")


def test_character_string_ascii_at_most_32() -> None:
    assert format_value("character_string1", "WD000000000123") == "WD000000000123"
    assert format_value("character_string1", "编号 A-1") == "A-1"
    assert len(format_value("character_string1", "X" * 40)) == 32


def test_name_chinese_at_most_ten_or_letters_twenty() -> None:
    assert format_value("name1", "欧阳娜娜娜娜娜娜娜娜娜") == "欧阳娜娜娜娜娜娜娜娜"
    assert format_value("name1", "张*") == "张"
    assert format_value("name1", "Alexander-Maximilian-Long") == "Alexander-Maximilian"


def test_complete_values_fills_defaults_and_time() -> None:
    values = complete_values("withdrawal_paid", {"amount": "¥3,000.00"}, at=AT)
    assert values["at"] == AT
    assert values["bank_card"] == "本人银行卡"
    assert values["kind_name"] == "住房公积金提取"


@pytest.mark.parametrize(
    "values",
    [
        {},  # amount missing
        {"amount": "1.00", "colour": "red"},  # unknown value
        {"amount": "1.00", "bank_card": "6222021234567890123"},  # a raw card number
        {"amount": "1.00", "reason": "请致电13912345678"},  # a raw mobile
        {"amount": "1.00", "reason": "51010419900101123X"},  # a raw ID number
    ],
)
def test_complete_values_refuses_bad_values(values: dict[str, str]) -> None:
    with pytest.raises(UnknownNotice):
        complete_values("withdrawal_paid", values, at=AT)


def test_unknown_kind_refused() -> None:
    with pytest.raises(UnknownNotice):
        complete_values("lottery_won", {}, at=AT)


def test_masked_numbers_allowed() -> None:
    values = complete_values(
        "withdrawal_paid",
        {"amount": "1.00", "bank_card": "工商银行 ****1234", "withdrawal_no": "WD000000000042"},
        at=AT,
    )
    assert values["bank_card"] == "工商银行 ****1234"


def test_shipped_templates_render_every_kind_within_limits() -> None:
    book = load_templates()
    long_reason = "原因" * 30
    samples: dict[str, dict[str, str]] = {
        "documents_needed": {},
        "appointment_reminder": {
            "hall": "成都住房公积金营业部高新区分理处综合服务大厅",
            "business": "提取",
            "slot_time": "2026年12月3日 09:00~12:00",
            "ticket": "T007",
        },
        # Security notices with their longest real values (masked only).
        "account_bound": {"channel_name": "微信小程序", "wechat_user": "oAbC****9xYz"},
        "account_unbound": {
            "channel_name": "微信公众号",
            "wechat_user": "oAbC****9xYz",
            "by": "柜台",
        },
        "password_reset": {"how": "在柜台"},
        "card_bound": {"bank_card": "中国邮政储蓄银行 ****1234"},
        "card_replaced": {
            "bank_card": "中国邮政储蓄银行 ****1234",
            "old_card": "中国农业银行 ****5678",
        },
        "withdrawal_submitted": {
            "kind_name": "离职销户提取",
            "amount": "¥1,234,567.89",
            "bank_card": "中国邮政储蓄银行 ****1234",
        },
    }
    for kind, templates in book.kinds.items():
        values = complete_values(
            kind,
            samples.get(
                kind, {"amount": "¥1,234,567.89"} if "amount" in allowed_values(kind) else {}
            ),
            at=AT,
        )
        values["reason"] = long_reason
        for wechat in (templates.template, templates.subscribe):
            assert wechat is not None, kind
            for key, value in render_fields(wechat, values).items():
                if key.startswith("thing"):
                    assert len(value) <= 20
                if key.startswith("amount"):
                    assert value == "¥1234567.89"
        if kind in SECURITY_KINDS and templates.sms is not None:
            params = render_sms(templates.sms, values)
            assert all(len(p) <= 20 and "…" not in p for p in params), (kind, params)


def test_security_notices_say_what_to_do_and_keep_masked_values() -> None:
    values = complete_values(
        "card_replaced",
        {"bank_card": "中国工商银行 ****9876", "old_card": "中国建设银行 ****1234"},
        at=AT,
    )
    templates = load_templates().for_kind("card_replaced")
    assert templates.template is not None
    assert templates.sms is not None
    fields = render_fields(templates.template, values)
    assert fields == {
        "thing1": "提取收款银行卡已更换",
        "thing2": "中国工商银行 ****9876",
        "time3": "2026年11月22日 19:30",
        "thing4": "如非本人操作请立即致电12329或到柜台",
    }
    assert render_sms(templates.sms, values) == [
        "2026年11月22日 19:30",
        "中国建设银行 ****1234",
        "中国工商银行 ****9876",
    ]
    with pytest.raises(UnknownNotice):
        complete_values("card_bound", {"bank_card": "6222020000000009876"}, at=AT)


def test_templates_referring_to_unknown_values_refused() -> None:
    raw: dict[str, object] = {
        "withdrawal_paid": {"template": {"template_id": "t", "fields": {"thing1": "{balance}"}}}
    }
    with pytest.raises(ValueError, match="balance"):
        parse_templates(raw)


def test_templates_with_untyped_keys_refused() -> None:
    raw: dict[str, object] = {
        "withdrawal_paid": {"template": {"template_id": "t", "fields": {"colour1": "{amount}"}}}
    }
    with pytest.raises(ValueError, match="colour1"):
        parse_templates(raw)


def test_every_shipped_sms_says_how_to_stop_it_unless_it_cannot_be_stopped() -> None:
    book = load_templates()
    bodies = {kind: t.sms.text for kind, t in book.kinds.items() if t.sms is not None}
    assert len(bodies) == len(book.kinds)
    for kind, body in bodies.items():
        if kind in SECURITY_KINDS:
            assert SECURITY_LINE in body, kind
            assert SMS_OPT_OUT not in body, kind
        else:
            assert SMS_OPT_OUT in body, kind


def test_a_security_sms_offering_opt_out_is_refused() -> None:
    text = "您的住房公积金查询密码已于{1}修改。如非本人操作，请致电12329。" + SMS_OPT_OUT
    raw: dict[str, object] = {
        "password_changed": {
            "sms": {"template_id": "200111", "params": ["{at_text}"], "text": text}
        }
    }
    with pytest.raises(ValueError, match="security SMS"):
        parse_templates(raw)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("您的提取款{1}已到账{2}。", "lacks"),
        ("您的提取款{1}已到账{3}。" + SMS_OPT_OUT, "do not match"),
    ],
)
def test_an_sms_without_opt_out_or_with_wrong_slots_is_refused(text: str, problem: str) -> None:
    raw: dict[str, object] = {
        "withdrawal_paid": {
            "sms": {"template_id": "200103", "params": ["{amount}", "{bank_card}"], "text": text}
        }
    }
    with pytest.raises(ValueError, match=problem):
        parse_templates(raw)
