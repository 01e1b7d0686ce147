"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from wxbackend import schema
from wxbackend.account.api import router as account_router
from wxbackend.apidocs import install_api_docs
from wxbackend.appointments.api import desk_router
from wxbackend.appointments.api import router as appointments_router
from wxbackend.appointments.schedule import load_book_for
from wxbackend.auth.api import router as auth_router
from wxbackend.bind.api import router as bind_router
from wxbackend.callback import CALLBACK_PATH, install_callback
from wxbackend.cards.api import router as cards_router
from wxbackend.certificates.api import router as certificates_router
from wxbackend.certificates.api import verify_router
from wxbackend.clock import now
from wxbackend.config import Settings
from wxbackend.db import create_engine, create_sessionmaker
from wxbackend.desk import install_desk
from wxbackend.errors import DomainError
from wxbackend.gateways import Gateways, build_gateways
from wxbackend.h5 import install_h5
from wxbackend.h5.web import error_page
from wxbackend.health.api import router as health_router
from wxbackend.health.metrics import router as metrics_router
from wxbackend.http_guards import BodyLimitMiddleware, SecurityHeadersMiddleware
from wxbackend.logs import configure_logging
from wxbackend.middleware import RequestContextMiddleware
from wxbackend.notify import service as notify_service
from wxbackend.notify.api import router as notify_router
from wxbackend.notify.templates import load_templates
from wxbackend.points.api import router as points_router
from wxbackend.reads import open_read_only
from wxbackend.sandbox import create_sandbox_app
from wxbackend.security.pii import Vault
from wxbackend.staff.api import router as staff_router
from wxbackend.store import Store, create_store, warn_if_unshared
from wxbackend.withdraw.api import router as withdraw_router
from wxbackend.withdraw.rules import load_rules_for

log = structlog.get_logger(__name__)


class SchemaBehind(RuntimeError):
    """The database has not been migrated to this code's revision."""


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    engine = create_engine(settings.database)
    owns_store = app.state.store_override is None
    store: Store = app.state.store_override or create_store(
        settings.store, durable_path=settings.embedded_store_path
    )
    if owns_store:
        warn_if_unshared(store, env=settings.env)
    current = await schema.current_revision(engine)
    if current != schema.head_revision():
        await engine.dispose()
        raise SchemaBehind(
            f"database is at revision {current}, code needs {schema.head_revision()}: "
            "run `wxbackend db upgrade`"
        )
    app.state.engine = engine
    app.state.sessionmaker = create_sessionmaker(engine)
    app.state.store = store
    app.state.reader = await open_read_only(settings.database)
    app.state.vault = Vault.from_settings(settings.security)
    owns_gateways = app.state.gateways_override is None
    gateways: Gateways = app.state.gateways_override or build_gateways(settings, store)
    app.state.wechat_oa = gateways.wechat_oa
    app.state.wechat_mp = gateways.wechat_mp
    app.state.sms = gateways.sms
    app.state.face_verifiers = gateways.face_verifiers
    app.state.card_verifier = gateways.card_verifier
    app.state.bank = gateways.bank
    log.info("app.started", env=settings.env, sandbox=settings.sandbox.enabled)
    try:
        yield
    finally:
        if owns_gateways:
            await gateways.aclose()
        if owns_store:
            await store.close()
        if app.state.reader is not None:
            await app.state.reader.close()
        await engine.dispose()


def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, DomainError):
        raise exc
    log.info("request.refused", code=exc.code, status=exc.status)
    wait = exc.retry_after_s(now())
    return JSONResponse(
        {"code": exc.code, "message": exc.message, **exc.detail},
        status_code=exc.status,
        headers={"Retry-After": str(wait)} if wait is not None else None,
    )


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RequestValidationError):
        raise exc
    fields = [".".join(str(p) for p in err["loc"][1:]) for err in exc.errors()]
    # Field names only: pydantic's messages would echo the (possibly personal) input back.
    return JSONResponse(
        {"code": "invalid_input", "message": "填写的信息有误，请检查后重试。", "fields": fields},
        status_code=422,
    )


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    gateways: Gateways | None = None,
) -> FastAPI:
    """Build the app; engine, store and gateways are created once, in the lifespan.

    Tests pass their own store or gateways (fakes) instead of the configured ones.
    """
    settings = settings or Settings()
    configure_logging(level=settings.server.log_level, json=settings.server.log_json)
    docs = bool(settings.server.api_docs)
    app = FastAPI(
        title="wxbackend",
        summary="住房公积金 WeChat backend",
        version="0.1.0",
        lifespan=_lifespan,
        # Served from vendored assets (no CDN), and only when switched on: see apidocs.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
    )
    if docs:
        install_api_docs(app, docs_url="/docs", redoc_url="/redoc")
    app.state.settings = settings
    app.state.store_override = store
    # Loaded (and validated) now, so a bad rules file stops the service before it serves.
    app.state.withdraw_rules = load_rules_for(settings)
    app.state.notify_templates = load_templates(settings.notify.templates_file)
    app.state.appointment_book = load_book_for(
        settings.appointments.halls_file, settings.appointments.calendar_file
    )
    # bind may not import notify (notify reads bind's bindings): the hook is handed over.
    app.state.locked_notice = notify_service.enqueue_password_locked
    app.state.security_notice = notify_service.enqueue_security_notice
    app.state.gateways_override = gateways
    # Outermost first: headers on every answer, then request id and error answers
    # (500/503 rendered here, with the id still bound), then the body cap.
    error_pages = partial(error_page, centre=settings.centre)
    app.add_middleware(
        BodyLimitMiddleware,
        body_bytes=settings.server.max_body_bytes,
        upload_bytes=settings.withdraw.max_document_bytes + 64 * 1024,
        exempt=(CALLBACK_PATH,),
        html_error_page=error_pages,
    )
    app.add_middleware(
        RequestContextMiddleware,
        trusted_proxies=settings.server.trusted_proxies,
        html_error_page=error_pages,
    )
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.env == "production")
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.include_router(health_router)
    app.include_router(metrics_router)
    app.include_router(auth_router)
    app.include_router(bind_router)
    app.include_router(account_router)
    app.include_router(points_router)
    app.include_router(cards_router)
    app.include_router(staff_router)
    app.include_router(withdraw_router)
    app.include_router(notify_router)
    app.include_router(appointments_router)
    app.include_router(desk_router)
    app.include_router(certificates_router)
    app.include_router(verify_router)
    install_callback(app)
    install_h5(app)
    install_desk(app)
    if settings.sandbox.enabled:
        app.mount("/sandbox", create_sandbox_app(settings))
    return app
