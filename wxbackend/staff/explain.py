"""Why a case is on the desk: the rule that applies and what makes it need a person."""

from __future__ import annotations

from wxbackend.config_features import WithdrawSettings
from wxbackend.money import format_yuan
from wxbackend.withdraw.models import Withdrawal
from wxbackend.withdraw.rules import RuleBook


def review_reasons(
    rules: RuleBook, withdrawal: Withdrawal, *, settings: WithdrawSettings
) -> list[str]:
    """Why a person reviews this case, in the words of the rule that applies."""
    rule = rules.rules.get(withdrawal.kind)
    reasons: list[str] = []
    if rule is None:
        return ["该提取类型已不在现行规则中，请按申请时的规定审核。"]
    if rule.review == "manual":
        reasons.append(f"规则「{rule.name}」规定须人工审核。")
    if rule.documents:
        names = "、".join(rules.document_names.get(d, d) for d in rule.documents)
        reasons.append(f"须核对申请材料：{names}。")
    if withdrawal.closes_account:
        reasons.append("该提取将注销账户，须由主管审批。")
    if withdrawal.amount > settings.reviewer_limit:
        limit = format_yuan(settings.reviewer_limit)
        reasons.append(f"金额超过审核员审批限额{limit}元，须由主管审批。")
    return reasons


def rule_terms(rules: RuleBook, withdrawal: Withdrawal) -> list[str]:
    """The rule's conditions as a reviewer reads them."""
    rule = rules.rules.get(withdrawal.kind)
    if rule is None:
        return []
    terms = [f"提取类型：{rule.name}（{rule.kind}）"]
    if rule.min_deposit_months:
        terms.append(f"须连续缴存满{rule.min_deposit_months}个月")
    if rule.sealed_months:
        terms.append(f"须封存满{rule.sealed_months}个月")
    if rule.max_amount_fen is not None:
        terms.append(f"单次最高{format_yuan(rule.max_amount_fen)}元")
    if rule.interval_days:
        terms.append(f"两次提取至少间隔{rule.interval_days}天")
    if rule.no_overdue_loan:
        terms.append("不得有逾期贷款")
    if rule.closes_account:
        terms.append("提取后销户")
    return terms
