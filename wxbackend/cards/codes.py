"""Result codes of Tencent Cloud's bank card checks: what the user reads, what is billed.

Codes and billing as documented for faceid 2018-03-01 (CheckBankCardInformationResponse
and BankCard4EVerificationResponse in tencentcloud/faceid/v20180301/models.py, which copy
the API reference at https://cloud.tencent.com/document/api/1007).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal

Action = Literal["check_card_info", "verify_4e"]


class Outcome(enum.StrEnum):
    """How a code is answered: the user fixes input, uses another card, or waits."""

    PASSED = "passed"
    MISMATCH = "mismatch"  # the details do not belong together
    INVALID = "invalid"  # a malformed value
    CARD_STATE = "card_state"  # lost, frozen, expired, restricted …: another card
    UNSUPPORTED = "unsupported"
    BUSY = "busy"  # try again later
    DAILY_LIMIT = "daily_limit"  # try again tomorrow


@dataclass(frozen=True, slots=True)
class ResultCode:
    message: str
    charged: bool
    outcome: Outcome


_CARD_STATE_HINT = "请更换本人其他I类借记卡，或联系发卡银行。"

CHECK_CARD_INFO_CODES: dict[str, ResultCode] = {
    "0": ResultCode("查询成功。", True, Outcome.PASSED),
    "-1": ResultCode("未查询到该银行卡的信息，请核对卡号。", True, Outcome.MISMATCH),
    "-5": ResultCode("银行卡号无效，请核对卡号。", True, Outcome.INVALID),
    "-2": ResultCode("银行卡验证服务繁忙，请稍后再试。", False, Outcome.BUSY),
    "-3": ResultCode("该银行卡不存在，请核对卡号。", False, Outcome.INVALID),
    "-4": ResultCode("今日银行卡验证次数已达上限，请明日再试。", False, Outcome.DAILY_LIMIT),
    "-6": ResultCode("暂不支持该银行卡种，请更换本人其他I类借记卡。", False, Outcome.UNSUPPORTED),
}

VERIFY_4E_CODES: dict[str, ResultCode] = {
    "0": ResultCode("银行卡信息核验通过。", True, Outcome.PASSED),
    "-1": ResultCode(
        "银行卡信息核验未通过：请确认是您本人名下的银行卡，且银行预留手机号为公积金账户登记的手机号。",
        True,
        Outcome.MISMATCH,
    ),
    "-6": ResultCode("持卡人信息有误，请确认是您本人名下的银行卡。", True, Outcome.MISMATCH),
    "-7": ResultCode(
        "该卡未开通无卡支付（银联在线支付），请联系发卡银行开通后重试。", True, Outcome.CARD_STATE
    ),
    "-8": ResultCode("该卡已被银行没收。" + _CARD_STATE_HINT, True, Outcome.CARD_STATE),
    "-9": ResultCode("银行卡号无效，请核对卡号。", True, Outcome.INVALID),
    "-10": ResultCode("该卡号无对应发卡银行，请核对卡号。", True, Outcome.INVALID),
    "-11": ResultCode("该卡未激活或为睡眠卡。" + _CARD_STATE_HINT, True, Outcome.CARD_STATE),
    "-12": ResultCode(
        "该卡状态异常（已被吞卡或限制使用）。" + _CARD_STATE_HINT, True, Outcome.CARD_STATE
    ),
    "-13": ResultCode("该卡已挂失。" + _CARD_STATE_HINT, True, Outcome.CARD_STATE),
    "-14": ResultCode("该卡已过期。" + _CARD_STATE_HINT, True, Outcome.CARD_STATE),
    "-15": ResultCode("该卡为受限制的卡。" + _CARD_STATE_HINT, True, Outcome.CARD_STATE),
    "-16": ResultCode(
        "该卡密码错误次数超限，已被银行锁定。" + _CARD_STATE_HINT, True, Outcome.CARD_STATE
    ),
    "-17": ResultCode("发卡银行不支持此项验证。" + _CARD_STATE_HINT, True, Outcome.UNSUPPORTED),
    "-21": ResultCode("卡状态异常或卡号错误，请核对卡号或联系发卡银行。", True, Outcome.CARD_STATE),
    "-2": ResultCode("姓名校验未通过，请确认是您本人名下的银行卡。", False, Outcome.MISMATCH),
    "-3": ResultCode("身份证号码校验未通过，请确认是您本人名下的银行卡。", False, Outcome.MISMATCH),
    "-4": ResultCode("银行卡号格式有误，请核对卡号。", False, Outcome.INVALID),
    "-5": ResultCode(
        "公积金账户登记的手机号码无法用于核验，请到服务网点或通过单位经办人更新手机号码。",
        False,
        Outcome.INVALID,
    ),
    "-18": ResultCode("银行卡验证服务繁忙，请稍后再试。", False, Outcome.BUSY),
    "-19": ResultCode("今日银行卡验证次数已达上限，请明日再试。", False, Outcome.DAILY_LIMIT),
    "-20": ResultCode(
        "该证件暂不支持核验，目前仅支持第二代居民身份证。", False, Outcome.UNSUPPORTED
    ),
}

# A code not in the tables: not billed as far as we know, counted as not passed.
UNKNOWN_CODE = ResultCode(
    "银行卡信息核验未通过，请稍后再试；如仍有问题，请拨打12329咨询。", False, Outcome.MISMATCH
)

_TABLES: dict[Action, dict[str, ResultCode]] = {
    "check_card_info": CHECK_CARD_INFO_CODES,
    "verify_4e": VERIFY_4E_CODES,
}


def describe(action: Action, code: str) -> ResultCode:
    """The message, billing and outcome of one result code; unknown codes get a generic one."""
    return _TABLES[action].get(code.strip(), UNKNOWN_CODE)
