"""What the depositor confirms before filing: kind, amount, masked card, what happens next."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.cards import service as cards
from wxbackend.fund.models import FundAccount
from wxbackend.money import format_yuan
from wxbackend.security.pii import Vault
from wxbackend.withdraw.eligibility import account_facts
from wxbackend.withdraw.errors import NoActiveCard, WithdrawalRefused
from wxbackend.withdraw.rules import Rule, RuleBook, amount_refusal, kind_names, refusal
from wxbackend.withdraw.schemas import ApplicationPreview
from wxbackend.withdraw.service import rule_for


def next_steps(rule: Rule, rules: RuleBook) -> str:
    """What happens after the depositor confirms, in their words."""
    if rule.pays_into == "loan":
        return (
            "提交后即时审核，通过后直接归还您的公积金贷款本金（不转入银行卡），"
            "还款计划随之重新计算。"
        )
    if rule.documents:
        names = "、".join(rules.document_names[d] for d in rule.documents)
        step = f"提交后请上传{names}；材料齐全后由中心在3个工作日内审核，通过后转入上述银行卡。"
    elif rule.review == "auto":
        step = "提交后即时审核，通过后转入上述银行卡，一般1个工作日内到账。"
    else:
        step = "提交后由中心在3个工作日内审核，通过后转入上述银行卡。"
    if rule.closes_account:
        step += "到账后您的公积金账户将销户，余额含销户结息一次付清。"
    return step


async def preview(
    session: AsyncSession,
    *,
    rules: RuleBook,
    vault: Vault,
    account: FundAccount,
    kind: str,
    amount: int | None,
    today: date,
) -> ApplicationPreview:
    """The application as it would be filed now (rules checked, nothing written)."""
    rule = rule_for(rules, kind)
    facts = await account_facts(session, vault, account)
    reason = refusal(rule, facts, today=today, names=kind_names(rules)) or amount_refusal(
        rule, facts, amount=amount
    )
    if reason:
        raise WithdrawalRefused(reason)
    paid_to = "公积金贷款（冲还本金）"
    if rule.pays_into == "card":
        card = await cards.active_card(session, account.id)
        if card is None:
            raise NoActiveCard()
        paid_to = card.masked
    wanted = account.balance if rule.closes_account or amount is None else amount
    return ApplicationPreview(
        kind=rule.kind,
        kind_name=rule.name,
        amount=wanted,
        amount_text=format_yuan(wanted),
        amount_input=None if rule.closes_account else f"{wanted // 100}.{wanted % 100:02d}",
        card=paid_to,
        closes_account=rule.closes_account,
        next_steps=next_steps(rule, rules),
    )
