"""What the staff API refuses with, in words a reviewer can act on."""

from __future__ import annotations

from wxbackend.errors import DomainError, Forbidden, InvalidInput, NotFound, Unauthenticated


class StaffUnauthenticated(Unauthenticated):
    code = "staff.unauthenticated"
    default_message = "请先登录审核系统。"


class StaffLoginFailed(DomainError):
    # One answer for "no such user", "disabled" and "wrong password".
    code = "staff.login_failed"
    status = 401
    default_message = "用户名或密码错误。"


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
