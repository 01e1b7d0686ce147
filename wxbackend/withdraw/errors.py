"""What a withdrawal can be refused with, in words the user can act on."""

from __future__ import annotations

from wxbackend.errors import Conflict, DomainError, NotFound


class WithdrawalRefused(DomainError):
    code = "withdrawal.refused"
    status = 422
    default_message = "暂不符合提取条件。"


class NoActiveCard(DomainError):
    code = "withdrawal.no_card"
    status = 422
    default_message = "请先绑定本人名下的I类借记卡，再申请提取。"


class UnknownKind(DomainError):
    code = "withdrawal.unknown_kind"
    status = 422
    default_message = "不支持的提取类型。"


class WithdrawalNotFound(NotFound):
    code = "withdrawal.not_found"
    default_message = "未找到该提取申请。"


class WithdrawalStateChanged(Conflict):
    code = "withdrawal.state_changed"
    default_message = "该申请的状态已变化，请刷新后查看。"
