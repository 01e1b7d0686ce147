"""Withdrawal rules as data: loaded from TOML, validated once, then applied as pure checks."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from wxbackend.config import Settings
from wxbackend.fund.models import ACCOUNT_STATUS_NAMES, AccountStatus
from wxbackend.money import parse_yuan

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

    @model_validator(mode="after")
    def _closing_takes_everything(self) -> Rule:
        if self.closes_account and self.max_amount_fen is not None:
            raise ValueError(f"{self.kind}: a closing kind withdraws the whole balance")
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


def load_rules_for(settings: Settings) -> RuleBook:
    """The configured rules file, or the demo centre's."""
    path = Path(settings.withdraw.rules_file) if settings.withdraw.rules_file else DEFAULT_RULES
    return load_rules(path)


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What the rules look at, gathered by the service."""

    status: AccountStatus
    balance: int
    consecutive_deposit_months: int
    sealed_since: date | None
    has_active_loan: bool
    has_overdue_loan: bool
    pending_same_kind: bool
    last_paid_same_kind: date | None


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def refusal(rule: Rule, facts: AccountFacts, *, amount: int, today: date) -> str | None:
    """The first precondition this application breaks, in Chinese, or None."""
    if facts.status not in rule.allowed_status:
        allowed = "、".join(ACCOUNT_STATUS_NAMES[s] for s in rule.allowed_status)
        return (
            f"{rule.name}仅限{allowed}状态的账户办理，"
            f"您的账户当前为{ACCOUNT_STATUS_NAMES[facts.status]}状态。"
        )
    if facts.pending_same_kind:
        return f"您已有一笔{rule.name}正在办理中，请办结后再申请。"
    if rule.no_overdue_loan and facts.has_overdue_loan:
        return "您的公积金贷款存在逾期，请先归还逾期款项。"
    if rule.needs_active_loan and not facts.has_active_loan:
        return "未查询到您名下正在还款的公积金贷款。"
    if facts.consecutive_deposit_months < rule.min_deposit_months:
        return f"{rule.name}需连续足额缴存满{rule.min_deposit_months}个月。"
    sealed_for = months_between(facts.sealed_since, today) if facts.sealed_since else -1
    if rule.sealed_months and sealed_for < rule.sealed_months:
        return f"{rule.name}需账户封存满{rule.sealed_months}个月。"
    last = facts.last_paid_same_kind
    if rule.interval_days and last is not None and (today - last).days < rule.interval_days:
        return f"{rule.name}每{rule.interval_days}天可办理一次。"
    if facts.balance <= 0:
        return "账户余额为零，无可提取金额。"
    if rule.closes_account and amount != facts.balance:
        return f"{rule.name}须一次提取全部余额。"
    if amount <= 0:
        return "提取金额须大于0元。"
    if amount > facts.balance:
        return "提取金额超过账户余额。"
    if rule.max_amount_fen is not None and amount > rule.max_amount_fen:
        return f"{rule.name}单次最多可提取{rule.max_amount_fen // 100}元。"
    return None
