"""Errors of card binding, each with the message the user sees."""

from __future__ import annotations

from wxbackend.cards.codes import Outcome, ResultCode
from wxbackend.errors import Conflict, DomainError, InvalidInput, NotFound, TooManyRequests

TYPE1_EXPLAINED = (
    "提取资金只能转入您本人的I类银行账户。I类账户是在银行柜面开立、可存取现金、"
    "转账和消费不受金额限制的全功能账户（通常为实体借记卡）；通过手机银行等电子渠道开立的"
    "II类、III类账户有转入和支付限额，可能导致提取资金被银行退回。"
)


class Type1NotConfirmed(InvalidInput):
    code = "card.type1_not_confirmed"
    default_message = "请确认这是您本人的I类借记卡账户后再绑定。" + TYPE1_EXPLAINED


class CardNumberInvalid(InvalidInput):
    code = "card.number_invalid"
    default_message = "银行卡号有误，请核对后重新输入（16至19位数字）。"


class UnknownBank(DomainError):
    code = "card.bank_unsupported"
    status = 400
    default_message = "暂不支持该银行的银行卡。"


class CreditCardRefused(DomainError):
    code = "card.not_debit"
    status = 400
    default_message = "信用卡、准贷记卡和预付费卡不能用于接收提取资金，请绑定本人的I类借记卡。"


class PasswordRequired(InvalidInput):
    code = "card.password_required"
    default_message = "更换银行卡需要验证公积金查询密码，请输入密码。"


class SameCard(Conflict):
    code = "card.same_card"
    default_message = "该银行卡已是您当前绑定的银行卡，无需重复绑定。"


class CardRejectedAsType2(DomainError):
    code = "card.rejected_type2"
    status = 400
    default_message = (
        "该卡曾被收款银行认定为II类账户并退回提取资金，不能再次绑定，请绑定您本人的其他I类借记卡。"
    )


class NoMobileForCard(DomainError):
    code = "card.no_mobile"
    status = 400
    default_message = (
        "您的公积金账户未登记手机号码，无法核验银行卡。请联系单位经办人或到服务网点登记后再绑定。"
    )


class BindRace(Conflict):
    code = "card.concurrent_change"
    default_message = "银行卡正在变更中，请刷新后重试。"


class CardVerificationRefused(DomainError):
    """A card check answered with anything but a pass; the message comes from the code table."""

    code = "card.verification_failed"
    status = 400

    def __init__(self, result: ResultCode, *, provider_code: str) -> None:
        super().__init__(result.message, provider_code=provider_code, outcome=result.outcome.value)


class CardVerificationBusy(CardVerificationRefused):
    code = "card.verification_busy"
    status = 503


class CardVerificationLimited(CardVerificationRefused):
    code = "card.verification_daily_limit"
    status = 429


def refusal(result: ResultCode, *, provider_code: str) -> CardVerificationRefused:
    """The error for a non-passing result code: busy and daily limit are not the user's fault."""
    kind = {
        Outcome.BUSY: CardVerificationBusy,
        Outcome.DAILY_LIMIT: CardVerificationLimited,
    }.get(result.outcome, CardVerificationRefused)
    return kind(result, provider_code=provider_code)


class VerificationsExhausted(TooManyRequests):
    code = "card.verifications_exhausted"
    default_message = "今日银行卡核验次数已用完，请明日再试。"


class CardNotFound(NotFound):
    code = "card.not_found"
    default_message = "未找到该银行卡。"
