"""The counter pages: find an account by ID number, then act on it after the ID check.

The ID number is posted, never put in a URL (URLs end up in logs and history). The new
initial password appears once, on the slip page answered to the reset itself.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from wxbackend.clock import china_now
from wxbackend.deps import AuditDep, RowId, SessionDep, SettingsDep, StoreDep, VaultDep
from wxbackend.desk.web import (
    DeskRoute,
    DeskUserDep,
    FormDep,
    checked,
    redirect,
    render,
    text,
)
from wxbackend.errors import DomainError
from wxbackend.security.masking import mask_account_no
from wxbackend.staff import counter

router = APIRouter(prefix="/desk/counter", route_class=DeskRoute, include_in_schema=False)

DONE = {
    "unlocked": "已解除查询密码锁定。",
    "unbound": "已解除该微信身份的绑定。",
    "card_invalid": "已将该银行卡登记为失效。",
}


@router.get("")
async def counter_home(request: Request, user: DeskUserDep) -> Response:
    counter.ensure_counter(user.staff)
    return render(request, "counter.html", user=user, title="柜台业务", accounts=None, error="")


@router.post("/lookup")
async def lookup(
    request: Request,
    user: DeskUserDep,
    form: FormDep,
    session: SessionDep,
    vault: VaultDep,
    audit: AuditDep,
) -> Response:
    try:
        accounts = await counter.find_by_id_no(
            session,
            vault=vault,
            audit=audit,
            staff=user.staff,
            id_no=text(form, "id_no", max_len=18),
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        return render(
            request,
            "counter.html",
            user=user,
            title="柜台业务",
            accounts=None,
            error=exc.message,
            http_status=exc.status,
        )
    if len(accounts) == 1:
        return redirect(f"/desk/counter/accounts/{accounts[0].id}")
    return render(
        request,
        "counter.html",
        user=user,
        title="柜台业务",
        accounts=accounts,
        error="" if accounts else "未找到该身份证号对应的公积金账户。",
        mask_account_no=mask_account_no,
    )


@router.get("/accounts/{account_id}")
async def account_page(
    account_id: RowId,
    request: Request,
    user: DeskUserDep,
    session: SessionDep,
    store: StoreDep,
    settings: SettingsDep,
) -> Response:
    found = await counter.account_at_counter(
        session, store=store, settings=settings.signing, staff=user.staff, account_id=account_id
    )
    return render(
        request,
        "counter_account.html",
        user=user,
        title="柜台业务 · 账户",
        found=found,
        masked_account_no=mask_account_no(found.account.account_no),
        done=DONE.get(request.query_params.get("done", ""), ""),
    )


@router.post("/accounts/{account_id}/password")
async def reset_password(
    account_id: RowId,
    request: Request,
    user: DeskUserDep,
    form: FormDep,
    session: SessionDep,
    store: StoreDep,
    settings: SettingsDep,
    audit: AuditDep,
) -> Response:
    slip = await counter.reset_query_password(
        session,
        store=store,
        settings=settings.signing,
        audit=audit,
        staff=user.staff,
        account_id=account_id,
        identity_checked=checked(form, "identity_checked"),
    )
    return render(
        request,
        "slip.html",
        user=user,
        title="查询密码重置凭条",
        slip=slip,
        masked_account_no=mask_account_no(slip.account_no),
        printed_at=china_now(),
    )


@router.post("/accounts/{account_id}/unlock")
async def unlock(
    account_id: RowId,
    user: DeskUserDep,
    form: FormDep,
    session: SessionDep,
    store: StoreDep,
    settings: SettingsDep,
    audit: AuditDep,
) -> Response:
    await counter.unlock_account(
        session,
        store=store,
        settings=settings.signing,
        audit=audit,
        staff=user.staff,
        account_id=account_id,
        identity_checked=checked(form, "identity_checked"),
    )
    return redirect(f"/desk/counter/accounts/{account_id}", done="unlocked")


@router.post("/accounts/{account_id}/bindings/{binding_id}/unbind")
async def unbind(
    account_id: RowId,
    binding_id: RowId,
    user: DeskUserDep,
    form: FormDep,
    session: SessionDep,
    audit: AuditDep,
) -> Response:
    await counter.unbind_openid(
        session,
        audit=audit,
        staff=user.staff,
        account_id=account_id,
        binding_id=binding_id,
        identity_checked=checked(form, "identity_checked"),
    )
    return redirect(f"/desk/counter/accounts/{account_id}", done="unbound")


@router.post("/accounts/{account_id}/cards/{card_id}/invalid")
async def invalidate_card(
    account_id: RowId,
    card_id: RowId,
    user: DeskUserDep,
    form: FormDep,
    session: SessionDep,
    audit: AuditDep,
) -> Response:
    await counter.invalidate_card(
        session,
        audit=audit,
        staff=user.staff,
        account_id=account_id,
        card_id=card_id,
        identity_checked=checked(form, "identity_checked"),
    )
    return redirect(f"/desk/counter/accounts/{account_id}", done="card_invalid")
