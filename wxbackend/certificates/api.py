"""Certificates: issue and download (the holder), and the public verify page.

The verify page is public (banks and employers open it from the QR code): it shows
the certified facts masked, is rate-limited per client address, and is never cached.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from wxbackend.auth.deps import CurrentUser
from wxbackend.certificates import service
from wxbackend.certificates.codes import grouped, normalise
from wxbackend.certificates.render import fact_rows, render_certificate
from wxbackend.certificates.schemas import CertificateRead
from wxbackend.certificates.service import Validity
from wxbackend.clock import now, today_in_china
from wxbackend.config import Settings
from wxbackend.deps import RowId, SessionDep, SettingsDep, StoreDep, VaultDep
from wxbackend.errors import TooManyRequests
from wxbackend.security.ratelimit import Limit, hit

router = APIRouter(prefix="/api/certificates", tags=["certificates"])
verify_router = APIRouter(include_in_schema=False)

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


@router.post("", summary="Issue a deposit certificate of the caller's own account")
async def issue(
    user: CurrentUser, session: SessionDep, vault: VaultDep, settings: SettingsDep
) -> CertificateRead:
    issued = await service.issue_certificate(
        session,
        vault,
        settings.certificates,
        channel=user.channel,
        openid=user.openid,
        today=today_in_china(),
    )
    return CertificateRead.of(issued, base_url=settings.server.public_base_url)


@router.get("/{certificate_id}", summary="One of the caller's certificates")
async def show(
    user: CurrentUser,
    session: SessionDep,
    vault: VaultDep,
    settings: SettingsDep,
    certificate_id: RowId,
) -> CertificateRead:
    issued = await service.own_certificate(
        session, vault, channel=user.channel, openid=user.openid, certificate_id=certificate_id
    )
    return CertificateRead.of(issued, base_url=settings.server.public_base_url)


@router.get(
    "/{certificate_id}/pdf",
    summary="The certificate as PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def pdf(
    user: CurrentUser,
    session: SessionDep,
    vault: VaultDep,
    settings: SettingsDep,
    certificate_id: RowId,
) -> Response:
    issued = await service.own_certificate(
        session, vault, channel=user.channel, openid=user.openid, certificate_id=certificate_id
    )
    body = render_certificate(
        issued.certificate,
        code=issued.code,
        holder_name=await service.holder_name(session, vault, issued.certificate),
        base_url=settings.server.public_base_url,
        font_path=settings.certificates.font_path,
        now=now(),
        centre=settings.centre.name,
    )
    name = f"deposit-certificate-{issued.certificate.issued_on:%Y%m%d}.pdf"
    headers = {**_PRIVATE, "Content-Disposition": f'inline; filename="{name}"'}
    return Response(body, media_type="application/pdf", headers=headers)


def _page(template: str, status: int = 200, **context: object) -> HTMLResponse:
    page = _templates.get_template(template).render(**context)
    return HTMLResponse(page, status_code=status, headers=_PRIVATE)


async def _limited(request: Request, store: StoreDep, settings: Settings) -> None:
    client = request.client.host if request.client else "unknown"
    limit = Limit(settings.certificates.verify_limit, settings.certificates.verify_window_s)
    await hit(store, f"cert-verify:{client}", limit)


@verify_router.get("/verify", response_class=HTMLResponse)
async def verify_form(
    request: Request,
    session: SessionDep,
    vault: VaultDep,
    store: StoreDep,
    settings: SettingsDep,
    code: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    """Type a code from the paper, or arrive from the QR code (/verify/CODE)."""
    if not code.strip():
        return _page("verify.html", result=None, code="")
    return await _verify(request, session, vault, store, settings, code)


@verify_router.get("/verify/{code}", response_class=HTMLResponse)
async def verify_link(
    request: Request,
    session: SessionDep,
    vault: VaultDep,
    store: StoreDep,
    settings: SettingsDep,
    code: str,
) -> HTMLResponse:
    return await _verify(request, session, vault, store, settings, code[:64])


async def _verify(
    request: Request,
    session: SessionDep,
    vault: VaultDep,
    store: StoreDep,
    settings: Settings,
    code: str,
) -> HTMLResponse:
    try:
        await _limited(request, store, settings)
    except TooManyRequests as exc:
        page = _page("verify.html", 429, result="limited", code="", message=exc.message)
        page.headers["Retry-After"] = str(exc.retry_after_s(now()) or 60)
        return page
    result = await service.verify_code(session, vault, text=code, today=today_in_china())
    c = result.certificate
    rows = []
    if c is not None:
        masked = {**c.facts, "employer": c.facts["employer_masked"]}
        rows = fact_rows(masked, name=str(c.facts["name_masked"]))
    status = 404 if result.validity is Validity.UNKNOWN else 200
    return _page(
        "verify.html",
        status,
        result=result.validity.value,
        code=grouped(normalise(code) or "") if c is not None else code,
        certificate=c,
        rows=rows,
    )
