"""`/metrics`: the counters of every worker (wxbackend/metrics.py) plus figures read from
the database at scrape time (outbox backlog, dead notices, payouts by state).

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
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric

from wxbackend.config import Settings
from wxbackend.db import session_scope
from wxbackend.notify import service as notify
from wxbackend.withdraw import queries as withdraw


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
    async with session_scope(request.app.state.sessionmaker) as session:
        notices = await notify.notices_by_status(session)
        withdrawals = await withdraw.withdrawals_by_status(session)
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
