"""Prometheus metrics: what is counted, how it is exposed at ``/metrics``, and how several workers share it.

Everything that knows prometheus-client is in this module. The engine reports through the framework-free
``linkvault.engine.observer.Observer`` (``PrometheusObserver`` here counts), the request middleware
``RequestMetrics`` counts answers by operationId and status, and ``instrument_pool`` follows
SQLAlchemy's pool events.

Metrics (all prefixed ``linkvault_``):

- ``http_requests_total{operation,status}`` and ``http_request_duration_seconds{operation}``: every
  answer, by the spec's operationId (never the raw path, whose ids would make unbounded series;
  ``other`` for paths outside the spec's operations, such as /openapi.json or an unknown path).
  Scrapes of ``/metrics`` are not counted.
- ``links_started_total``, ``links_finished_total``, ``links_failed_total{reason}``: ``reason`` is the
  error's ``code`` (``invalid_state``, ``access_denied``, ``invalid_grant``, ...).
- ``token_endpoint_calls_total{call,outcome}`` and ``token_endpoint_call_duration_seconds{call}``:
  ``call`` is ``code_exchange``, ``refresh`` or ``revocation``.
- ``db_pool_connections_in_use``: database connections checked out of SQLAlchemy's pool.

Several workers (``linkvault serve --workers N``): prometheus-client's multiprocess mode. ``serve``
points ``PROMETHEUS_MULTIPROC_DIR`` at a private directory before the workers start; each worker writes
its values there, and whichever worker answers a scrape adds up all of them. The pool gauge adds up
the live workers only: files of workers that died are dropped at each scrape.
"""

from __future__ import annotations

import os
import re
import secrets
import time
import weakref
from pathlib import Path
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkvault.api._problems import MetricsTokenRequired
from linkvault.engine.observer import Observer, TokenEndpointCall
from linkvault.store.database import in_use_counter, watch_kept_connections

__all__ = [
    "METRICS_PATH",
    "MULTIPROCESS_VARIABLE",
    "NO_OPERATION",
    "PrometheusObserver",
    "RequestMetrics",
    "instrument_pool",
    "metrics_endpoint",
    "worker_exited",
]

METRICS_PATH = "/metrics"
# prometheus-client's own variable: set, every process writes its values to files in that directory.
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
NO_OPERATION = "other"

# Latencies of linkvault's own answers (most are a few milliseconds; a callback waits on a provider).
_REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Provider calls take tens to hundreds of milliseconds, up to the HTTP timeout.
_PROVIDER_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

_REQUESTS = Counter(
    "linkvault_http_requests", "Answers by the spec's operationId and HTTP status", ["operation", "status"]
)
_REQUEST_SECONDS = Histogram(
    "linkvault_http_request_duration_seconds",
    "Time to answer, by operationId",
    ["operation"],
    buckets=_REQUEST_BUCKETS,
)
_LINKS_STARTED = Counter("linkvault_links_started", "Links started (authorization URLs handed out)")
_LINKS_FINISHED = Counter("linkvault_links_finished", "Links finished (accounts saved with tokens)")
_LINKS_FAILED = Counter("linkvault_links_failed", "Callbacks that did not finish a link, by code", ["reason"])
_TOKEN_CALLS = Counter(
    "linkvault_token_endpoint_calls",
    "Calls to providers' token and revocation endpoints, by outcome",
    ["call", "outcome"],
)
_TOKEN_SECONDS = Histogram(
    "linkvault_token_endpoint_call_duration_seconds",
    "Duration of calls to providers' token and revocation endpoints",
    ["call"],
    buckets=_PROVIDER_BUCKETS,
)
_POOL_IN_USE = Gauge(
    "linkvault_db_pool_connections_in_use",
    "Database connections checked out of the pool",
    multiprocess_mode="livesum",
)


class PrometheusObserver(Observer):
    """The engine's events, counted."""

    def link_started(self) -> None:
        _LINKS_STARTED.inc()

    def link_finished(self) -> None:
        _LINKS_FINISHED.inc()

    def link_failed(self, code: str) -> None:
        _LINKS_FAILED.labels(code).inc()

    def token_call(self, call: TokenEndpointCall, outcome: str, seconds: float) -> None:
        _TOKEN_CALLS.labels(call, outcome).inc()
        _TOKEN_SECONDS.labels(call).observe(seconds)


def instrument_pool(db_engine: AsyncEngine) -> None:
    """Keep ``linkvault_db_pool_connections_in_use`` at the connections checked out of the pool
    (``store.database.in_use_counter``: those the credentials reads keep idle between reads do
    not count), summed over the process's engines, brought up to date at every checkout, checkin
    and read: each engine adds the change of its own count, and takes its share back when it is
    garbage collected.

    Read from the pool's own count rather than counted up and down by the events: SQLAlchemy reports
    a checkin without a checkout for a checkout that failed to reconnect (a database outage), and
    a count kept from the events went below zero for good. An engine is followed once, however many
    apps are made on it."""
    if db_engine in _INSTRUMENTED:
        return
    _INSTRUMENTED.add(db_engine)
    count = in_use_counter(db_engine)
    share = [0]  # what this engine adds to the gauge

    def update(*, returning: int = 0) -> None:
        now = count() - returning
        if now != share[0]:
            _POOL_IN_USE.inc(now - share[0])
            share[0] = now

    def checked_out(*_args: Any) -> None:
        update()

    def checked_in(*_args: Any) -> None:
        # The event comes before the pool takes the connection back (SQLAlchemy's
        # _ConnectionRecord.checkin), so the pool still counts it.
        update(returning=1)

    event.listen(db_engine.sync_engine, "checkout", checked_out)
    event.listen(db_engine.sync_engine, "checkin", checked_in)
    watch_kept_connections(db_engine, update)
    weakref.finalize(db_engine, _take_back, share)


# The engines instrument_pool follows.
_INSTRUMENTED: weakref.WeakSet[AsyncEngine] = weakref.WeakSet()


def _take_back(share: list[int]) -> None:
    _POOL_IN_USE.dec(share[0])


_NOTHING: dict[str, Any] = {}  # read only: spares a new empty dict per request


class RequestMetrics:
    """Counts every answer by operationId and status, and its duration. Per request: one clock read
    at each end, one dict lookup for the operation's label children (created once per pair)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._children: dict[tuple[str, int], tuple[Any, Any]] = {}

    def _children_of(self, operation: str, status: int) -> tuple[Any, Any]:
        key = (operation, status)
        children = self._children.get(key)
        if children is None:
            children = (_REQUESTS.labels(operation, str(status)), _REQUEST_SECONDS.labels(operation))
            self._children[key] = children
        return children

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == METRICS_PATH:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an answer that never started is the server's failure

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            # Routing records the operation in the scope's extensions (see api._spec.rules_of).
            routing = scope.get("extensions", _NOTHING).get("connexion_routing", _NOTHING)
            counter, histogram = self._children_of(routing.get("operation_id") or NO_OPERATION, status)
            counter.inc()
            histogram.observe(time.perf_counter() - started)


def _multiprocess_dir() -> Path | None:
    # prometheus-client reads the same variable when it is imported; `serve` sets it for its workers.
    value = os.environ.get(MULTIPROCESS_VARIABLE)
    return Path(value) if value else None


_LIVE_GAUGE_FILE = re.compile(r"gauge_live\w*?_(\d+)\.db")


def _drop_dead_workers(directory: Path) -> None:
    """Forget the live gauges of workers that are gone (killed, or replaced by uvicorn)."""
    for path in directory.glob("gauge_live*_*.db"):
        match = _LIVE_GAUGE_FILE.fullmatch(path.name)
        if match is None:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, str(directory))  # type: ignore[no-untyped-call]
        except PermissionError:
            pass  # it exists, under another user


def worker_exited() -> None:
    """Called when this worker stops: its share of the pool gauge ends with it."""
    directory = _multiprocess_dir()
    if directory is not None:
        multiprocess.mark_process_dead(os.getpid(), str(directory))  # type: ignore[no-untyped-call]


def _exposition() -> bytes:
    directory = _multiprocess_dir()
    if directory is None:
        return generate_latest(REGISTRY)
    _drop_dead_workers(directory)
    # A registry per scrape, as prometheus-client's multiprocess documentation asks.
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(directory))  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def metrics_endpoint(bearer_token: str | None) -> Any:
    """The ``GET /metrics`` handler: the Prometheus text exposition format. With ``bearer_token``, a
    request must send ``Authorization: Bearer <it>`` (compared in constant time), else
    ``MetricsTokenRequired`` (401)."""
    expected = None if bearer_token is None else bearer_token.encode("utf-8")

    async def metrics(request: Request) -> Response:
        if expected is not None:
            # The scheme is case-insensitive (RFC 9110 §11.1); Starlette decodes headers as latin-1.
            scheme, _, sent = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not secrets.compare_digest(sent.encode("latin-1"), expected):
                raise MetricsTokenRequired()
        return Response(_exposition(), media_type=CONTENT_TYPE_LATEST)

    return metrics
