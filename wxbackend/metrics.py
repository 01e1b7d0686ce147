"""Prometheus metrics: what the service counts (served by health/metrics.py).

Several worker processes each count for themselves; with `PROMETHEUS_MULTIPROC_DIR`
set (`wxbackend serve --workers N` sets it) prometheus-client keeps the counts in files
there and a scrape of any worker adds them up. Imports no domain package: every domain
may count here. Docs: docs/operations.md#metrics.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

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
# Alert on any increase: a payout whose outcome stayed unknown waits for an operator.
PAYOUTS_PARKED = Counter("wxb_payouts_parked_total", "Payouts parked for an operator")


def dependency_error(cause: str) -> None:
    DEPENDENCY_ERRORS.labels(cause=cause).inc()


def callback_answered(outcome: str, seconds: float) -> None:
    CALLBACK_SECONDS.labels(outcome=outcome).observe(seconds)
