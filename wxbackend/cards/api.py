"""The depositor's bank card endpoints: see the current card, bind or replace it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from wxbackend.auth.deps import CurrentUser
from wxbackend.bind.deps import BindContextDep
from wxbackend.cards import service, views
from wxbackend.cards.bins import default_bins
from wxbackend.cards.errors import TYPE1_EXPLAINED
from wxbackend.cards.gateway import BankCardVerifier
from wxbackend.cards.schemas import ActiveCardRead, BankRead, CardCreate, CardRead
from wxbackend.cards.views import CardView

router = APIRouter(prefix="/api/cards", tags=["bank cards"])


def card_verifier(request: Request) -> BankCardVerifier:
    verifier: BankCardVerifier = request.app.state.card_verifier
    return verifier


CardVerifierDep = Annotated[BankCardVerifier, Depends(card_verifier)]


def _read(view: CardView) -> CardRead:
    return CardRead(
        masked_card_no=view.card.masked,
        bank_code=view.card.bank_code,
        bank_name=view.bank_name,
        status=view.card.status,
        bound_at=view.card.created_at,
        notice=view.notice,
    )


@router.get("/active", summary="The caller's current card (masked) and the banks supported")
async def active_card(ctx: BindContextDep, user: CurrentUser) -> ActiveCardRead:
    overview = await views.card_overview(ctx, channel=user.channel, openid=user.openid)
    bins = default_bins()
    return ActiveCardRead(
        card=_read(overview.current) if overview.current else None,
        supported_banks=[BankRead(code=c, name=bins.bank_name(c)) for c in overview.supported],
        type1_explained=TYPE1_EXPLAINED,
    )


@router.post("", status_code=201, summary="Bind, or replace, the caller's Type-I debit card")
async def bind_card(
    body: CardCreate, ctx: BindContextDep, user: CurrentUser, verifier: CardVerifierDep
) -> CardRead:
    view = await service.bind_card(
        ctx,
        verifier,
        channel=user.channel,
        openid=user.openid,
        card_no=body.card_no,
        confirm_type1=body.confirm_type1,
        password=body.password,
    )
    return _read(view)
