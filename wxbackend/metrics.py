"""Prometheus metrics: what the service counts, and the `/metrics` endpoint.

Several worker processes each count for themselves; with `PROMETHEUS_MULTIPROC_DIR`
set (`wxbackend serve --workers N` sets it) prometheus-client keeps the counts in files
there and a scrape of any worker adds them up. Database-derived figures (outbox
backlog, dead notices, payouts by state) are read at scrape time.
Docs: docs/operations.md#metrics.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Iterator

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric

from wxbackend.config import Settings
from wxbackend.db import session_scope

CALLBACK_SECONDS = Histogram(
    "wxb_callback_seconds",
    "Time to answer a WeChat callback, by outcome (reply, success, deferred, apology, refused)",
    ["outcome"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 4.5, 5.0, 10.0),
)
CALLBACK_APOLOGIES = Counter(
    "wxb_callback_apologies_total", "Callbacks answered with the apology (a store or bug)"
)
DEADLINE_FALLBACKS = Counter(
    "wxb_callback_deadline_fallbacks_total",
    "Callbacks answered 'success' at the deadline; the reply went out later",
)
LATE_REPLIES = Counter(
    "wxb_callback_late_replies_total",
    "Replies sent after the deadline, by outcome (sent, queued)",
    ["outcome"],
)
TOKEN_REFRESHES = Counter(
    "wxb_wechat_token_refreshes_total", "access_token fetches, by outcome", ["outcome"]
)
DEPENDENCY_ERRORS = Counter(
    "wxb_dependency_errors_total",
    "Requests answered 503 because the database, the store or the network failed",
    ["cause"],
)
LOGINS = Counter("wxb_logins_total", "Logins by kind and outcome", ["kind", "outcome"])
LOCKOUTS = Counter("wxb_lockouts_total", "Accounts locked after failed passwords", ["kind"])


def dependency_error(cause: str) -> None:
    DEPENDENCY_ERRORS.labels(cause=cause).inc()


def callback_answered(outcome: str, seconds: float) -> None:
    CALLBACK_SECONDS.labels(outcome=outcome).observe(seconds)


class _Snapshot:
    """Figures read from the database for one scrape."""

    def __init__(self, families: list[Metric]) -> None:
        self._families = families

    def collect(self) -> Iterator[Metric]:
        yield from self._families


def _gauge(name: str, doc: str, label: str, counts: Iterable[tuple[str, int]]) -> Metric:
    family = GaugeMetricFamily(name, doc, labels=[label])
    for value, count in counts:
        family.add_metric([value], count)
    return family


async def _database_figures(request: Request) -> list[Metric]:
    from wxbackend.notify.repository import count_by_status as notices_by_status
    from wxbackend.withdraw.repository import count_by_status as withdrawals_by_status

    async with session_scope(request.app.state.sessionmaker) as session:
        notices = await notices_by_status(session)
        withdrawals = await withdrawals_by_status(session)
    backlog = sum(n for status, n in notices.items() if status not in ("sent", "dead"))
    return [
        _gauge("wxb_outbox_notices", "Outbox notices by status", "status", notices.items()),
        GaugeMetricFamily(
            "wxb_outbox_backlog", "Notices not yet delivered nor given up", value=backlog
        ),
        GaugeMetricFamily(
            "wxb_outbox_dead", "Notices given up (outbox retry)", value=notices.get("dead", 0)
        ),
        _gauge("wxb_withdrawals", "Withdrawals (payouts) by status", "status", withdrawals.items()),
    ]


router = APIRouter(include_in_schema=False)


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    token = settings.server.metrics_token
    if token is None:
        if settings.env == "production":
            return PlainTextResponse("Not Found", status_code=404)
    else:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not secrets.compare_digest(given.encode(), token.get_secret_value().encode()):
            return PlainTextResponse(
                "Unauthorized", status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
    figures = CollectorRegistry()
    figures.register(_Snapshot(await _database_figures(request)))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)  # type: ignore[no-untyped-call]
    else:
        counted = REGISTRY
    body = generate_latest(counted) + generate_latest(figures)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
