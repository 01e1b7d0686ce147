"""Binding the holder's own Type-I debit card: free checks first, then the billed ones.

Order matters because Tencent Cloud bills some answers: syntax, BIN table, district and
password are checked before the daily allowance is spent on CheckBankCardInformation and
BankCard4EVerification.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.audit.models import AuditOutcome
from wxbackend.bind import binding
from wxbackend.bind.context import BindContext
from wxbackend.cards import charges
from wxbackend.cards import repository as repo
from wxbackend.cards.bins import BinTable, CardKind, Issuer, default_bins
from wxbackend.cards.codes import describe
from wxbackend.cards.errors import (
    BindRace,
    CardNotFound,
    CardNumberInvalid,
    CardRejectedAsType2,
    CreditCardRefused,
    NoMobileForCard,
    PasswordRequired,
    SameCard,
    Type1NotConfirmed,
    UnknownBank,
    VerificationsExhausted,
    refusal,
)
from wxbackend.cards.gateway import BankCardVerifier
from wxbackend.cards.luhn import normalise, well_formed
from wxbackend.cards.models import BankCard, CardStatus
from wxbackend.cards.views import CardView
from wxbackend.clock import now
from wxbackend.enums import Channel
from wxbackend.errors import DomainError, TooManyRequests
from wxbackend.fund import service as fund
from wxbackend.fund.models import FundAccount
from wxbackend.notify.service import enqueue_security_notice
from wxbackend.security import ratelimit
from wxbackend.security.masking import mask_card_no
from wxbackend.security.ratelimit import Limit

# Each attempt may cost two billed calls. Proposed setting WXB_CARDS__VERIFICATIONS_PER_DAY.
VERIFICATIONS_PER_DAY = 5
DAY_S = 24 * 3600


async def active_card(session: AsyncSession, account_id: int) -> BankCard | None:
    """The card the account's withdrawals are paid to, if it has one."""
    return await repo.active_card(session, account_id)


async def get_card(session: AsyncSession, card_id: int) -> BankCard | None:
    return await repo.get_card(session, card_id)


async def mark_refused_as_type2(session: AsyncSession, card_id: int) -> None:
    """The paying bank refused the card as a Type-II account: nothing is paid to it again."""
    card = await repo.get_card(session, card_id)
    if card is not None:
        card.status = CardStatus.REJECTED_TYPE2
        await session.flush()


async def invalidate_card(session: AsyncSession, *, account_id: int, card_id: int) -> BankCard:
    """The counter marks the holder's card invalid (lost, closed at the bank): no withdrawal
    is paid to it again, and the holder binds a new one."""
    card = await repo.get_card(session, card_id)
    if card is None or card.account_id != account_id:
        raise CardNotFound()
    card.status = CardStatus.INVALID
    await session.flush()
    return card


async def cards_of_account(session: AsyncSession, account_id: int) -> list[BankCard]:
    return list(await repo.cards_of_account(session, account_id))


async def card_label(session: AsyncSession, card_id: int) -> str:
    """工商银行 ****1234: enough to recognise the card, nothing more."""
    card = await repo.get_card(session, card_id)
    if card is None:
        return "本人银行卡"
    return f"{default_bins().bank_name(card.bank_code)} ****{card.masked[-4:]}"


def screen_card(bins: BinTable, card_no: str, *, district: str | None) -> Issuer:
    """The free checks: well-formed number, known debit BIN, bank supported in the district."""
    if not well_formed(card_no):
        raise CardNumberInvalid()
    issuer = bins.issuer(card_no)
    supported = bins.supported_banks(district)
    if issuer is None:
        raise UnknownBank(
            f"暂不支持该银行卡。可绑定以下银行的I类借记卡：{bins.bank_names(supported)}。"
        )
    if issuer.kind is not CardKind.DEBIT:
        raise CreditCardRefused()
    if issuer.bank_code not in supported:
        raise UnknownBank(
            f"您所在区域暂不支持{issuer.bank_name}的银行卡。"
            f"可绑定以下银行的I类借记卡：{bins.bank_names(supported)}。"
        )
    return issuer


async def bind_card(
    ctx: BindContext,
    verifier: BankCardVerifier,
    *,
    channel: Channel,
    openid: str,
    card_no: str,
    confirm_type1: bool,
    password: str | None,
    bins: BinTable | None = None,
    verifications_per_day: int = VERIFICATIONS_PER_DAY,
) -> CardView:
    """Bind (or replace with) the caller's own Type-I debit card; every refusal is audited."""
    bins = bins or default_bins()
    account = await binding.queryable_account(ctx.session, channel=channel, openid=openid)
    binding.ensure_not_closed(account)
    active = await repo.active_card(ctx.session, account.id)
    action = "card.replace" if active else "card.bind"
    try:
        card = await _bind(
            ctx,
            verifier,
            account=account,
            active=active,
            card_no=normalise(card_no),
            confirm_type1=confirm_type1,
            password=password,
            openid=openid,
            channel=channel,
            bins=bins,
            limit=Limit(verifications_per_day, DAY_S),
        )
    except DomainError as exc:
        ctx.audit.record(
            action,
            AuditOutcome.REFUSED,
            channel=channel,
            openid=openid,
            account_id=account.id,
            reason=exc.code,
        )
        raise
    await _tell_holder(ctx.session, bins, card=card, replaced=active)
    ctx.audit.record(action, AuditOutcome.OK, channel=channel, openid=openid, account_id=account.id)
    return CardView(card=card, bank_name=bins.bank_name(card.bank_code), notice=None)


def _label(bins: BinTable, card: BankCard) -> str:
    return f"{bins.bank_name(card.bank_code)} ****{card.masked[-4:]}"


async def _tell_holder(
    session: AsyncSession, bins: BinTable, *, card: BankCard, replaced: BankCard | None
) -> None:
    """The security notice of the new card, in the bind's transaction (once per card row)."""
    values = {"bank_card": _label(bins, card)}
    if replaced is not None:
        values["old_card"] = _label(bins, replaced)
    await enqueue_security_notice(
        session,
        account_id=card.account_id,
        kind="card_replaced" if replaced is not None else "card_bound",
        values=values,
        dedup_key=str(card.id),
        link_path="/h5/card",
    )


async def _bind(
    ctx: BindContext,
    verifier: BankCardVerifier,
    *,
    account: FundAccount,
    active: BankCard | None,
    card_no: str,
    confirm_type1: bool,
    password: str | None,
    openid: str,
    channel: Channel,
    bins: BinTable,
    limit: Limit,
) -> BankCard:
    if not confirm_type1:
        raise Type1NotConfirmed()
    issuer = screen_card(bins, card_no, district=await fund.employer_district(ctx.session, account))
    card_hash = ctx.vault.lookup_hash("card_no", card_no)
    for known in await repo.cards_with_hash(
        ctx.session, account_id=account.id, card_no_hash=card_hash
    ):
        if known.status is CardStatus.ACTIVE:
            raise SameCard()
        if known.status is CardStatus.REJECTED_TYPE2:
            raise CardRejectedAsType2()
    if active is not None:
        if not password:
            raise PasswordRequired()
        await binding.verify_password(
            ctx, account_id=account.id, password=password, channel=channel, openid=openid
        )
    mobile = fund.reveal_mobile(ctx.vault, account)
    if not mobile:
        raise NoMobileForCard()
    await _spend_allowance(ctx, account_id=account.id, limit=limit)
    await _verify(ctx, verifier, account=account, card_no=card_no, mobile=mobile)
    return await _store(ctx, account=account, active=active, card_no=card_no, issuer=issuer)


async def _spend_allowance(ctx: BindContext, *, account_id: int, limit: Limit) -> None:
    try:
        await ratelimit.hit(ctx.store, f"cards:verify:{account_id}", limit)
    except TooManyRequests as exc:
        raise VerificationsExhausted(**exc.detail) from exc


async def _verify(
    ctx: BindContext,
    verifier: BankCardVerifier,
    *,
    account: FundAccount,
    card_no: str,
    mobile: str,
) -> None:
    info = await verifier.check_card_info(card_no)
    if info.charged:
        await charges.count_charge(ctx.store, action="check_card_info", code=info.code)
    if not info.found:
        raise refusal(describe("check_card_info", info.code), provider_code=info.code)
    if not info.is_debit:
        raise CreditCardRefused()
    result = await verifier.verify_4e(
        name=fund.reveal_name(ctx.vault, account),
        id_no=fund.reveal_id_no(ctx.vault, account),
        card_no=card_no,
        mobile=mobile,
    )
    if result.charged:
        await charges.count_charge(ctx.store, action="verify_4e", code=result.code)
    if not result.matched:
        raise refusal(describe("verify_4e", result.code), provider_code=result.code)


async def _store(
    ctx: BindContext,
    *,
    account: FundAccount,
    active: BankCard | None,
    card_no: str,
    issuer: Issuer,
) -> BankCard:
    sealed = ctx.vault.seal(card_no)
    moment = now()
    card = BankCard(
        account_id=account.id,
        bank_code=issuer.bank_code,
        card_no_enc=sealed.blob,
        card_no_hash=ctx.vault.lookup_hash("card_no", card_no),
        pii_key_id=sealed.key_id,
        masked=mask_card_no(card_no),
        status=CardStatus.ACTIVE,
        # The user ticked "this is my Type-I account" in this same request.
        type1_confirmed_at=moment,
        verified_at=moment,
    )
    try:
        async with ctx.session.begin_nested():
            if active is not None:
                active.status = CardStatus.REPLACED
                await ctx.session.flush()
            await repo.add_card(ctx.session, card)
    except IntegrityError as exc:  # another request bound a card for this account meanwhile
        raise BindRace() from exc
    return card
