"""What the staff API refuses with, in words a reviewer can act on."""

from __future__ import annotations

from wxbackend.errors import DomainError, Forbidden, InvalidInput, NotFound, Unauthenticated


class StaffUnauthenticated(Unauthenticated):
    code = "staff.unauthenticated"
    default_message = "请先登录审核系统。"


class StaffSessionExpired(StaffUnauthenticated):
    # A token that was good once: idle too long (15 minutes), past the day, or revoked.
    code = "staff.session_expired"
    default_message = "您已超过15分钟未操作或会话已结束，请重新登录。"


class StaffLoginFailed(DomainError):
    # One answer for "no such user", "disabled", "wrong password" and "wrong code".
    code = "staff.login_failed"
    status = 401
    default_message = "用户名、密码或动态码错误。"


class StaffEnrolmentRequired(Forbidden):
    code = "staff.totp_enrolment_required"
    default_message = "请先在工作台登录并绑定动态码（双因素认证）。"


class StaffOtpWrong(InvalidInput):
    code = "staff.otp_wrong"
    default_message = "动态码不正确或已使用，请输入验证器中最新的6位动态码。"


class StaffForbidden(Forbidden):
    code = "staff.forbidden"
    default_message = "您的角色无权使用此功能。"


class CaseHeld(DomainError):
    code = "staff.case_held"
    status = 409
    default_message = "该申请正由其他审核人员处理，请稍后再试。"


class CaseNotHeld(DomainError):
    code = "staff.case_not_held"
    status = 409
    default_message = "请先打开该申请（领取）后再作决定；领取可能已超时。"


class CounterCheckMissing(InvalidInput):
    code = "staff.identity_not_checked"
    default_message = "请先核验本人身份证件原件，并勾选确认。"


class StaffLocked(DomainError):
    code = "staff.locked"
    status = 423
    default_message = "密码错误次数过多，账号已被锁定。"


class SupervisorRequired(Forbidden):
    code = "staff.supervisor_required"
    default_message = "该申请超出审核员权限，须由主管审批。"


class StaffPasswordWeak(InvalidInput):
    code = "staff.password_weak"
    default_message = "密码至少12位。"


class StaffUserExists(DomainError):
    code = "staff.exists"
    status = 409
    default_message = "该用户名已存在。"


class StaffUserNotFound(NotFound):
    code = "staff.not_found"
    default_message = "未找到该工作人员。"


class DocumentNotFound(NotFound):
    code = "staff.document_not_found"
    default_message = "未找到该材料。"


class StaffUsernameInvalid(InvalidInput):
    code = "staff.username_invalid"
    default_message = "用户名须为3至32位小写字母、数字或 . _ -，以字母开头。"
