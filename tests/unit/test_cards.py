"""Bank cards without I/O: Luhn, the BIN table, district support, result code messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from wxbackend.cards.bins import CardKind, default_bins, load_bins
from wxbackend.cards.codes import (
    CHECK_CARD_INFO_CODES,
    UNKNOWN_CODE,
    VERIFY_4E_CODES,
    Outcome,
    describe,
)
from wxbackend.cards.errors import (
    CardNumberInvalid,
    CardVerificationBusy,
    CardVerificationLimited,
    CardVerificationRefused,
    CreditCardRefused,
    UnknownBank,
    refusal,
)
from wxbackend.cards.fakes import FakeBankCardVerifier
from wxbackend.cards.luhn import check_digit, luhn_valid, make_card_no, normalise, well_formed
from wxbackend.cards.service import screen_card

DEBIT_BINS = {
    "CCB": ["621700", "622700", "436742", "622280"],
    "ICBC": ["622202", "622203", "622208", "620058"],
    "BOC": ["621661", "621663", "601382", "456351"],
    "ABC": ["622848", "622845", "622841"],
}
CREDIT_LOOK_ALIKES = {
    "ICBC": range(622210, 622216),
    "BOC": range(622750, 622766),
    "ABC": range(622836, 622840),
}


def test_luhn_accepts_known_valid_numbers() -> None:
    assert luhn_valid("4111111111111111")
    assert luhn_valid("6217000010000000003")


def test_luhn_refuses_a_changed_digit() -> None:
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("6217000010000000004")


def test_luhn_refuses_non_digits() -> None:
    assert not luhn_valid("62170000100000000O3")
    assert not luhn_valid("６２１７")  # full-width digits are not ASCII


@pytest.mark.parametrize("body", ["621700001000000000", "4111111111111111"[:-1], "7992739871"])
def test_check_digit_completes_a_valid_number(body: str) -> None:
    assert luhn_valid(body + check_digit(body))


def test_well_formed_needs_16_to_19_digits() -> None:
    assert well_formed(make_card_no("622202", 1, length=16))
    assert well_formed(make_card_no("622202", 1, length=19))
    assert not well_formed(make_card_no("622202", 1, length=15))
    assert not well_formed(make_card_no("622202", 1, length=20))


def test_normalise_drops_spaces_and_dashes() -> None:
    assert normalise("6222 0200 1234-5678 901") == "6222020012345678901"


@pytest.mark.parametrize(("bank", "prefix"), [(b, p) for b, ps in DEBIT_BINS.items() for p in ps])
def test_issuer_of_each_debit_bin(bank: str, prefix: str) -> None:
    issuer = default_bins().issuer(make_card_no(prefix, 7))
    assert issuer is not None
    assert (issuer.bank_code, issuer.kind) == (bank, CardKind.DEBIT)


@pytest.mark.parametrize(
    ("bank", "prefix"), [(b, str(n)) for b, r in CREDIT_LOOK_ALIKES.items() for n in r]
)
def test_issuer_of_credit_look_alikes_is_credit(bank: str, prefix: str) -> None:
    issuer = default_bins().issuer(make_card_no(prefix, 7))
    assert issuer is not None
    assert (issuer.bank_code, issuer.kind) == (bank, CardKind.CREDIT)


def test_issuer_of_unknown_bin_is_none() -> None:
    assert default_bins().issuer(make_card_no("622588", 1)) is None  # 招商银行: not supported
    assert default_bins().issuer(make_card_no("622209", 1)) is None  # just below ICBC credit


def test_districts_support_all_four_banks_by_default() -> None:
    bins = default_bins()
    assert set(bins.supported_banks(None)) == {"CCB", "ICBC", "BOC", "ABC"}
    assert set(bins.supported_banks("锦江区")) == {"CCB", "ICBC", "BOC", "ABC"}


def test_one_district_supports_only_three_banks() -> None:
    assert set(default_bins().supported_banks("金堂县")) == {"CCB", "ICBC", "ABC"}


def test_screen_card_returns_the_issuer() -> None:
    issuer = screen_card(default_bins(), make_card_no("622848", 3), district="锦江区")
    assert issuer.bank_name == "中国农业银行"


def test_screen_card_refuses_bad_luhn() -> None:
    card = make_card_no("622848", 3)
    bad = card[:-1] + str((int(card[-1]) + 1) % 10)
    with pytest.raises(CardNumberInvalid):
        screen_card(default_bins(), bad, district=None)


def test_screen_card_refuses_credit_look_alike() -> None:
    with pytest.raises(CreditCardRefused):
        screen_card(default_bins(), make_card_no("622212", 3), district=None)


def test_screen_card_refuses_bank_outside_the_district() -> None:
    with pytest.raises(UnknownBank) as caught:
        screen_card(default_bins(), make_card_no("621661", 3), district="金堂县")
    assert "中国银行" in caught.value.message
    assert "中国建设银行、中国工商银行、中国农业银行" in caught.value.message


def test_screen_card_lists_supported_banks_for_unknown_bin() -> None:
    with pytest.raises(UnknownBank) as caught:
        screen_card(default_bins(), make_card_no("622588", 3), district=None)
    assert "中国银行" in caught.value.message


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bins.toml"
    path.write_text(text, encoding="utf-8")
    return path


_BANK = '[banks.CCB]\nname = "中国建设银行"\n'


def test_load_bins_refuses_unknown_bank(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _BANK + '[[bin]]\nbank = "XYZ"\nkind = "debit"\nprefixes = ["621700"]\n'
        '[districts]\ndefault = ["CCB"]\n',
    )
    with pytest.raises(ValidationError, match="unknown bank"):
        load_bins(path)


def test_load_bins_refuses_overlapping_prefixes(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _BANK + '[[bin]]\nbank = "CCB"\nkind = "debit"\nprefixes = ["621700"]\n'
        '[[bin]]\nbank = "CCB"\nkind = "credit"\nprefixes = ["621699-621701"]\n'
        '[districts]\ndefault = ["CCB"]\n',
    )
    with pytest.raises(ValidationError, match="listed twice"):
        load_bins(path)


def test_load_bins_refuses_malformed_prefix_and_missing_default(tmp_path: Path) -> None:
    bad_prefix = _BANK + '[[bin]]\nbank = "CCB"\nkind = "debit"\nprefixes = ["62170"]\n'
    with pytest.raises(ValidationError, match="6 digits"):
        load_bins(_write(tmp_path, bad_prefix + '[districts]\ndefault = ["CCB"]\n'))
    good_prefix = _BANK + '[[bin]]\nbank = "CCB"\nkind = "debit"\nprefixes = ["621700"]\n'
    with pytest.raises(ValidationError, match="default"):
        load_bins(_write(tmp_path, good_prefix + '[districts]\n"金堂县" = ["CCB"]\n'))


def test_every_result_code_has_a_chinese_message() -> None:
    for table in (CHECK_CARD_INFO_CODES, VERIFY_4E_CODES):
        for code, result in table.items():
            assert code == "0" or code.startswith("-")
            assert any("\u4e00" <= ch <= "\u9fff" for ch in result.message), code


def test_billed_codes_follow_tencent_cloud() -> None:
    billed_4e = {c for c, r in VERIFY_4E_CODES.items() if r.charged}
    assert billed_4e == {"0", "-1", *(str(-n) for n in range(6, 18)), "-21"}
    assert {c for c, r in CHECK_CARD_INFO_CODES.items() if r.charged} == {"0", "-1", "-5"}


def test_describe_distinguishes_mismatch_lost_busy_and_limit() -> None:
    assert describe("verify_4e", "-1").outcome is Outcome.MISMATCH
    assert "挂失" in describe("verify_4e", "-13").message
    assert describe("verify_4e", "-18").outcome is Outcome.BUSY
    assert describe("verify_4e", "-19").outcome is Outcome.DAILY_LIMIT


def test_describe_maps_unknown_codes_to_a_generic_message() -> None:
    assert describe("verify_4e", "-99") is UNKNOWN_CODE
    assert describe("check_card_info", "") is UNKNOWN_CODE
    assert not UNKNOWN_CODE.charged


def test_refusal_status_by_outcome() -> None:
    assert type(refusal(describe("verify_4e", "-1"), provider_code="-1")) is CardVerificationRefused
    assert refusal(describe("verify_4e", "-18"), provider_code="-18").status == 503
    assert isinstance(
        refusal(describe("verify_4e", "-18"), provider_code="-18"), CardVerificationBusy
    )
    limited = refusal(describe("check_card_info", "-4"), provider_code="-4")
    assert isinstance(limited, CardVerificationLimited)
    assert limited.status == 429


async def test_fake_follows_the_bin_table_and_holders() -> None:
    fake = FakeBankCardVerifier()
    debit, credit = make_card_no("621700", 1), make_card_no("622836", 1)
    assert (await fake.check_card_info(debit)).is_debit
    info = await fake.check_card_info(credit)
    assert info.found
    assert not info.is_debit
    assert (await fake.check_card_info(make_card_no("622588", 1))).code == "-1"
    fake.set_holder(debit, name="张三", id_no="110101199001011237", mobile="13800138000")
    wrong = await fake.verify_4e(
        name="李四", id_no="110101199001011237", card_no=debit, mobile="13800138000"
    )
    right = await fake.verify_4e(
        name="张三", id_no="110101199001011237", card_no=debit, mobile="13800138000"
    )
    assert (wrong.code, wrong.matched, wrong.charged) == ("-1", False, True)
    assert right.matched
    assert all(debit not in masked for _, masked in fake.calls)
