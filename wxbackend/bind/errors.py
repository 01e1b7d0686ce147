"""Errors of the signing and binding flow, each with the message the user sees."""

from __future__ import annotations

from wxbackend.errors import Conflict, DomainError, Forbidden, InvalidInput


class IdentityNotMatched(DomainError):
    # One message for "no such ID number" and "name does not match": no enumeration.
    code = "signing.identity_not_matched"
    status = 400
    default_message = "身份信息核验未通过，请确认姓名和身份证号码与公积金账户登记信息一致。"


class WrongStep(Conflict):
    code = "signing.wrong_step"
    default_message = "请按顺序完成签约步骤。"


class NoMobileOnFile(DomainError):
    code = "signing.no_mobile"
    status = 400
    default_message = "您的公积金账户未登记手机号码，请联系单位经办人或到服务网点登记后再签约。"


class SmsCodeWrong(InvalidInput):
    code = "signing.sms_code_wrong"
    default_message = "短信验证码错误。"


class SmsCodeExpired(InvalidInput):
    code = "signing.sms_code_expired"
    default_message = "短信验证码已失效，请重新获取。"


class FaceNotPassed(DomainError):
    code = "signing.face_not_passed"
    status = 400
    default_message = "人脸核验未通过，请本人重新进行人脸识别。"


class AlreadyBound(Conflict):
    code = "binding.already_bound"
    default_message = "该微信号已绑定公积金账户。"


class AccountBoundElsewhere(Conflict):
    code = "binding.account_bound_elsewhere"
    default_message = (
        "该公积金账户已绑定其他微信号。如需更换，请先在原微信号解绑，或携带身份证到服务网点办理。"
    )


class NotBound(Forbidden):
    code = "binding.not_bound"
    default_message = "您尚未绑定公积金账户，请先完成「签约绑定」。"


class AccountClosed(Forbidden):
    code = "binding.account_closed"
    default_message = (
        "该公积金账户已销户，不能再申请提取、绑定或更换银行卡；"
        "账户信息和缴存、结息、提取等历史记录仍可在“我的公积金”中查询。"
    )


class LoginNotMatched(DomainError):
    # Unknown account number and unknown ID number read the same: no enumeration.
    code = "binding.login_not_matched"
    status = 400
    default_message = "账号或密码错误，请检查个人公积金账号（或身份证号码）和查询密码。"


class NoPasswordYet(DomainError):
    code = "binding.no_password"
    status = 400
    default_message = (
        "该账户尚未设置查询密码，无法用密码绑定。请通过“签约绑定”（短信验证码加人脸识别）办理。"
    )


class NotSignedYet(DomainError):
    code = "binding.not_signed"
    status = 400
    default_message = (
        "您尚未签约，刷脸登录仅限已签约的缴存人。请先完成“签约绑定”（短信验证码加人脸识别）。"
    )


class MiniProgramOnly(DomainError):
    code = "binding.mini_program_only"
    status = 400
    default_message = "刷脸登录仅在小程序中提供，公众号请使用签约绑定或账号密码绑定。"
