"""The caller's card as shown: masked, with the bank's name and why it cannot be used."""

from __future__ import annotations

from dataclasses import dataclass

from wxbackend.bind import binding
from wxbackend.bind.context import BindContext
from wxbackend.cards import repository as repo
from wxbackend.cards.bins import BinTable, default_bins
from wxbackend.cards.models import BankCard, CardStatus
from wxbackend.enums import Channel
from wxbackend.fund import service as fund

REJECTED_TYPE2_EXPLAINED = (
    "收款银行退回了转入该卡的提取资金：该卡是II类（或III类）账户，不能接收提取资金。"
    "请绑定您本人的其他I类借记卡：被退回的提取款项将自动转入新卡，无需重新申请。"
)


@dataclass(frozen=True, slots=True)
class CardView:
    """The caller's current card as shown: masked, with the bank's name and any notice."""

    card: BankCard
    bank_name: str
    notice: str | None


@dataclass(frozen=True, slots=True)
class CardOverview:
    current: CardView | None
    supported: tuple[str, ...]  # bank codes the account may bind


INVALID_EXPLAINED = "该银行卡已在服务大厅登记为失效，请绑定本人其他I类借记卡。"
NOTICES = {
    CardStatus.REJECTED_TYPE2: REJECTED_TYPE2_EXPLAINED,
    CardStatus.INVALID: INVALID_EXPLAINED,
}


async def card_overview(
    ctx: BindContext, *, channel: Channel, openid: str, bins: BinTable | None = None
) -> CardOverview:
    """The active card, or a card the paying bank refused (the user must bind another)."""
    bins = bins or default_bins()
    account = await binding.queryable_account(ctx.session, channel=channel, openid=openid)
    supported = bins.supported_banks(await fund.employer_district(ctx.session, account))
    card = await repo.latest_card(ctx.session, account.id)
    if card is None or card.status is CardStatus.REPLACED:
        return CardOverview(current=None, supported=supported)
    notice = NOTICES.get(card.status)
    view = CardView(card=card, bank_name=bins.bank_name(card.bank_code), notice=notice)
    return CardOverview(current=view, supported=supported)
