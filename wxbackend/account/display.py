"""Chinese labels, explanations and masking for what an account holder reads."""

from __future__ import annotations

from datetime import date

from wxbackend.fund.models import AccountStatus, EntryType, RepaymentMethod, RepaymentStatus

# What the status means for the holder, and what to do about it.
STATUS_NOTES = {
    AccountStatus.NORMAL: "账户正常缴存。",
    AccountStatus.SEALED: (
        "账户已封存：单位已停止为您缴存公积金，余额仍然保留并按年结息。"
        "到新单位就业后，请新单位办理账户转移或启封；"
        "封存满6个月且已离开本市的，可申请离职提取（以本中心政策为准）。"
    ),
    AccountStatus.FROZEN: (
        "账户已冻结：因司法或管理原因暂停办理提取、贷款等业务，缴存和结息不受影响。"
        "请携带本人身份证到服务网点，或拨打12329了解原因及解冻办法。"
    ),
    AccountStatus.CLOSED: (
        "账户已销户：余额已全部提取，不再缴存或办理提取，历史记录仍可查询。"
        "如重新就业，请由单位为您办理缴存登记。"
    ),
}

ENTRY_LABELS = {
    EntryType.OPENING: "期初余额",
    EntryType.DEPOSIT: "汇缴",
    EntryType.INTEREST: "结息",
    EntryType.WITHDRAWAL: "提取",
    EntryType.REVERSAL: "提取退回",
    EntryType.ADJUSTMENT: "调整",
}


METHOD_LABELS = {
    RepaymentMethod.EQUAL_INSTALMENT: "等额本息",
    RepaymentMethod.EQUAL_PRINCIPAL: "等额本金",
}

REPAYMENT_STATUS_LABELS = {
    RepaymentStatus.PAID: "已还",
    RepaymentStatus.DUE: "待还",
    RepaymentStatus.OVERDUE: "逾期",
}


def month_text(month: date) -> str:
    """2026年10月."""
    return f"{month.year}年{month.month}月"


def month_text_of(month: str) -> str:
    """'2026-10' (as the API gives months) -> 2026年10月."""
    year, _, number = month.partition("-")
    return f"{int(year)}年{int(number)}月"


def date_text(day: date) -> str:
    """2026年10月15日."""
    return f"{day.year}年{day.month}月{day.day}日"


def mask_employer(name: str) -> str:
    """The middle of an employer's name hidden: 成都******有限公司."""
    if len(name) <= 2:
        return name[0] + "*" * (len(name) - 1) if name else name
    head = 2 if len(name) > 4 else 1
    tail = 4 if len(name) >= 10 else (2 if len(name) > 4 else 1)
    return name[:head] + "*" * (len(name) - head - tail) + name[-tail:]
