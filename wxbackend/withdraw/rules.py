"""Withdrawal rules as data: loaded from TOML, validated once, then applied as pure checks."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from wxbackend.config import Settings
from wxbackend.fund.models import ACCOUNT_STATUS_NAMES, AccountStatus
from wxbackend.money import format_yuan, parse_yuan
from wxbackend.withdraw.retirement import add_months

DEFAULT_RULES = Path(__file__).with_name("rules.toml")


class Rule(BaseModel):
    """One withdrawal kind's local policy."""

    model_config = {"frozen": True, "extra": "forbid"}

    kind: str
    name: str
    closes_account: bool = False
    allowed_status: tuple[AccountStatus, ...]
    min_deposit_months: int = Field(0, ge=0)
    sealed_months: int = Field(0, ge=0)
    no_overdue_loan: bool = True
    needs_active_loan: bool = False
    max_amount_fen: int | None  # None = up to the whole balance
    interval_days: int = Field(0, ge=0)
    documents: tuple[str, ...] = ()
    review: Literal["auto", "manual"]
    # "statutory": the holder has reached the statutory retirement age (retirement.py).
    age_rule: Literal["none", "statutory"] = "none"
    # Never open at the same time as an application of another kind (closing kinds are).
    exclusive: bool = False
    # "loan": 冲还贷, the money repays the holder's own fund loan's principal, no card.
    pays_into: Literal["card", "loan"] = "card"

    @model_validator(mode="after")
    def _closing_takes_everything(self) -> Rule:
        if self.closes_account and self.max_amount_fen is not None:
            raise ValueError(f"{self.kind}: a closing kind withdraws the whole balance")
        if self.closes_account and not self.exclusive:
            raise ValueError(f"{self.kind}: a closing kind is exclusive (exclusive = true)")
        return self


class RuleBook(BaseModel):
    rules: dict[str, Rule]
    document_names: dict[str, str]

    @field_validator("rules")
    @classmethod
    def _not_empty(cls, rules: dict[str, Rule]) -> dict[str, Rule]:
        if not rules:
            raise ValueError("no withdrawal kinds configured")
        return rules

    @model_validator(mode="after")
    def _documents_named(self) -> RuleBook:
        for rule in self.rules.values():
            for doc in rule.documents:
                if doc not in self.document_names:
                    raise ValueError(f"{rule.kind}: document {doc!r} has no name in [documents]")
        return self


def load_rules(path: Path = DEFAULT_RULES) -> RuleBook:
    """Read and validate a rules file; raises ValueError naming what is wrong."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    documents = data.pop("documents", {})
    rules = {}
    for kind, raw in data.items():
        raw = dict(raw)
        max_amount = raw.pop("max_amount", "full")
        raw["max_amount_fen"] = None if max_amount == "full" else parse_yuan(str(max_amount))
        rules[kind] = Rule(kind=kind, **raw)
    return RuleBook(rules=rules, document_names=documents)


def kind_names(rules: RuleBook) -> dict[str, tuple[str, bool]]:
    """kind -> (its name, whether it is exclusive): what `refusal` says of other kinds."""
    return {k: (r.name, r.exclusive) for k, r in rules.rules.items()}


def load_rules_for(settings: Settings) -> RuleBook:
    """The configured rules file, or the demo centre's."""
    path = Path(settings.withdraw.rules_file) if settings.withdraw.rules_file else DEFAULT_RULES
    return load_rules(path)


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What the rules look at, gathered by `eligibility.account_facts` under the row lock."""

    status: AccountStatus
    balance: int
    consecutive_deposit_months: int
    sealed_since: date | None
    has_active_loan: bool
    has_overdue_loan: bool
    open_kinds: frozenset[str]  # kinds with an application still open
    last_paid: dict[str, date]  # kind -> the day its last withdrawal was paid
    closing_filed: bool  # a closing withdrawal was filed and not refused or withdrawn
    retirement_day: date | None  # the earliest statutory retirement day, from the ID number
    other_open_account: bool  # another account of the same person is being paid into
    loan_principal_left: int = 0  # fen still owed on the holder's active fund loan


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _status_refusal(rule: Rule, facts: AccountFacts) -> str:
    if facts.status is AccountStatus.FROZEN:
        return "您的账户已冻结，暂不能办理提取。请携本人身份证到服务大厅咨询，或拨打12329。"
    if facts.status is AccountStatus.CLOSED:
        return "您的账户已销户，不能再办理提取。"
    allowed = "、".join(ACCOUNT_STATUS_NAMES[s] for s in rule.allowed_status)
    return (
        f"{rule.name}仅限{allowed}状态的账户办理，"
        f"您的账户当前为{ACCOUNT_STATUS_NAMES[facts.status]}状态。"
    )


def refusal(
    rule: Rule, facts: AccountFacts, *, today: date, names: dict[str, tuple[str, bool]]
) -> str | None:
    """The first precondition of the kind this account breaks (amount aside), or None.

    Each answer says what is missing and what to do, in Chinese; `names` (kind_names)
    name the other kinds and say which of them are exclusive.
    """
    if facts.status not in rule.allowed_status:
        return _status_refusal(rule, facts)
    if rule.kind in facts.open_kinds:
        return f"您已有一笔{rule.name}正在办理中，请办结或撤回后再申请。"
    others = sorted(facts.open_kinds - {rule.kind})
    if others and (rule.exclusive or any(names.get(k, ("", False))[1] for k in others)):
        other = names.get(others[0], (others[0], False))[0]
        return f"您有一笔{other}正在办理中，不能同时申请{rule.name}，请办结或撤回后再申请。"
    if rule.closes_account and facts.closing_filed:
        return "您的账户已办理过销户类提取，不能重复申请。"
    if rule.no_overdue_loan and facts.has_overdue_loan:
        return "您的公积金贷款存在逾期，暂不能办理提取。请先归还逾期款项后再申请。"
    if rule.needs_active_loan and not facts.has_active_loan:
        return "未查询到您名下正在还款的公积金贷款，不能办理此项提取。"
    if facts.consecutive_deposit_months < rule.min_deposit_months:
        return (
            f"{rule.name}需连续足额缴存满{rule.min_deposit_months}个月，"
            f"您目前连续缴存{facts.consecutive_deposit_months}个月，请缴满后再申请。"
        )
    if rule.sealed_months:
        ready = add_months(facts.sealed_since, rule.sealed_months) if facts.sealed_since else None
        if ready is None or today < ready:
            when = f"，{_day(ready)}起可申请" if ready else ""
            return f"{rule.name}需账户封存满{rule.sealed_months}个月{when}。"
    if rule.sealed_months and facts.other_open_account:
        return "您已在新单位缴存公积金，不符合离职离市提取条件，可选择办理账户转移。"
    if rule.age_rule == "statutory":
        if facts.retirement_day is None:
            return "无法从证件号码确定您的出生日期，请携退休证到服务大厅办理退休提取。"
        if today < facts.retirement_day:
            return (
                f"您尚未达到法定退休年龄（{_day(facts.retirement_day)}达到），暂不能办理退休提取。"
                "如已办理提前退休，请携退休证到服务大厅办理。"
            )
    last = facts.last_paid.get(rule.kind)
    if rule.interval_days and last is not None and (today - last).days < rule.interval_days:
        again = last + timedelta(days=rule.interval_days)
        return (
            f"{rule.name}每{rule.interval_days}天可办理一次，上次于{_day(last)}到账，"
            f"{_day(again)}起可再次申请。"
        )
    if facts.balance <= 0:
        return "账户余额为零，无可提取金额。"
    return None


def amount_refusal(rule: Rule, facts: AccountFacts, *, amount: int | None) -> str | None:
    """What is wrong with the amount asked for, or None. None = the whole balance."""
    if rule.closes_account:
        if amount is not None and amount != facts.balance:
            return f"{rule.name}须一次提取全部余额{format_yuan(facts.balance)}。"
        return None
    if amount is None:
        return "请输入提取金额。"
    if amount <= 0:
        return "提取金额须大于0元。"
    if amount > facts.balance:
        return f"提取金额超过账户余额（当前余额{format_yuan(facts.balance)}）。"
    if rule.max_amount_fen is not None and amount > rule.max_amount_fen:
        return f"{rule.name}单次最多可提取{rule.max_amount_fen // 100}元。"
    if rule.pays_into == "loan" and amount > facts.loan_principal_left:
        left = format_yuan(facts.loan_principal_left)
        return f"冲还贷金额不能超过贷款剩余本金{left}。"
    return None


def max_withdrawable(rule: Rule, balance: int) -> int:
    """The most this kind can take from this balance."""
    if rule.closes_account or rule.max_amount_fen is None:
        return balance
    return min(balance, rule.max_amount_fen)


def max_for(rule: Rule, facts: AccountFacts) -> int:
    """The most this kind can take for this holder now."""
    most = max_withdrawable(rule, facts.balance)
    return min(most, facts.loan_principal_left) if rule.pays_into == "loan" else most
