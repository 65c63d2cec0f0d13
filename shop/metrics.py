"""Prometheus metrics: what each process counts, and what the database says when scraped.

``GET /metrics`` (shop.health) serves them to a request that carries ``METRICS_TOKEN``.
Under gunicorn each worker writes its figures to files in ``PROMETHEUS_MULTIPROC_DIR``
(gunicorn.conf.py makes one per instance) and a scrape adds them up, so whichever
worker answers speaks for the whole instance. Figures read from the database at
scrape time (mail outbox, orders, periodic jobs, worker heartbeats) describe the shop
as a whole and are the same on every instance.

The metrics are module attributes with fixed names, so any module may record on them;
``observe_facet_index_build`` is for the catalogue's facet index.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

REQUEST_SECONDS = Histogram(
    "shop_http_request_duration_seconds",
    "Time from the request reaching the app to its response, by endpoint.",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
RESPONSES = Counter("shop_http_responses_total", "Responses sent, by status.", ["status"])

DB_CONNECTIONS_OPEN = Gauge(
    "shop_db_pool_connections_open",
    "Database connections this instance holds open (in use or idle in the pool).",
    multiprocess_mode="livesum",
)
DB_CONNECTIONS_IN_USE = Gauge(
    "shop_db_pool_connections_in_use",
    "Database connections checked out of the pool right now.",
    multiprocess_mode="livesum",
)
DATABASE_UNAVAILABLE = Counter(
    "shop_db_unavailable_total",
    "Database calls given up: connect_failed (an attempt failed), backoff (refused at once"
    " after one did), silent (the server stopped answering; the connection was dropped).",
    ["reason"],
)
RATE_LIMIT_FALLBACK = Gauge(
    "shop_rate_limit_memory_fallback",
    "1 while rate limits are counted in memory because their shared storage (Redis) failed.",
    multiprocess_mode="livemax",
)

FACET_INDEX_BUILD_SECONDS = Histogram(
    "shop_facet_index_build_seconds",
    "Time to build the catalogue's in-memory facet index.",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
FACET_INDEX_PRODUCTS = Gauge(
    "shop_facet_index_products",
    "Products in the facet index as last built.",
    multiprocess_mode="livemax",
)
FACET_INDEX_BYTES = Gauge(
    "shop_facet_index_bytes",
    "Memory the facet index takes as last built, as the index measures it.",
    multiprocess_mode="livemax",
)


def observe_facet_index_build(seconds: float, products: int, size_bytes: int | None = None) -> None:
    """Record one build of the facet index: how long it took and how big it came out."""
    FACET_INDEX_BUILD_SECONDS.observe(seconds)
    FACET_INDEX_PRODUCTS.set(products)
    if size_bytes is not None:
        FACET_INDEX_BYTES.set(size_bytes)


def watch_pool(engine: Engine) -> None:
    """Count the engine's open and checked-out connections."""

    @event.listens_for(engine, "connect")
    def _opened(*_args):
        DB_CONNECTIONS_OPEN.inc()

    @event.listens_for(engine, "close")
    @event.listens_for(engine, "close_detached")
    def _closed(*_args):
        DB_CONNECTIONS_OPEN.dec()

    @event.listens_for(engine, "checkout")
    def _out(*_args):
        DB_CONNECTIONS_IN_USE.inc()

    @event.listens_for(engine, "checkin")
    def _in(*_args):
        DB_CONNECTIONS_IN_USE.dec()


_STARTED = "shop.started"


def register_request_metrics(app: Flask) -> None:
    @app.before_request
    def _start_clock() -> None:
        request.environ[_STARTED] = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        started = request.environ.get(_STARTED)
        if started is not None:
            REQUEST_SECONDS.labels(request.endpoint or "none", request.method).observe(
                time.perf_counter() - started
            )
        RESPONSES.labels(str(response.status_code)).inc()
        return response


class ShopStateCollector:
    """Figures read from the database at scrape time, in the scrape's app context."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from sqlalchemy.exc import SQLAlchemyError

        from shop.extensions import db

        try:
            families = list(_shop_state())
        except SQLAlchemyError as error:
            log.warning("metrics: the database did not answer: %s", type(error).__name__)
            families = []
        finally:
            db.session.rollback()
        up = GaugeMetricFamily(
            "shop_metrics_database_up", "1 when this scrape could read the database."
        )
        up.add_metric([], 1 if families else 0)
        yield up
        yield from families


def _shop_state() -> Iterator[GaugeMetricFamily]:
    from sqlalchemy import func, select

    from shop.database import utcnow
    from shop.extensions import db
    from shop.mail.enums import OutboxStatus
    from shop.mail.models import OutboxMessage
    from shop.operations.models import JobSchedule, WorkerHeartbeat
    from shop.orders.enums import OrderStatus
    from shop.orders.models import Order

    now = utcnow()
    outbox = GaugeMetricFamily(
        "shop_mail_outbox_messages",
        "Mail in the outbox by status (pending, failed).",
        labels=["status"],
    )
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.status != OutboxStatus.SENT)
            .group_by(OutboxMessage.status)
        ).all()
    )
    for status in (OutboxStatus.PENDING, OutboxStatus.FAILED):
        outbox.add_metric([status.value], counts.get(status, 0))
    yield outbox

    oldest = db.session.scalar(
        select(func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status == OutboxStatus.PENDING
        )
    )
    backlog = GaugeMetricFamily(
        "shop_mail_outbox_oldest_pending_seconds",
        "Age of the oldest message not yet sent (0 when none waits).",
    )
    backlog.add_metric([], _seconds_since(oldest, now))
    yield backlog

    orders = GaugeMetricFamily("shop_orders", "Orders by status.", labels=["status"])
    by_status = dict(
        db.session.execute(select(Order.status, func.count()).group_by(Order.status)).all()
    )
    for status in OrderStatus:
        orders.add_metric([status.value], by_status.get(status, 0))
    yield orders

    success = GaugeMetricFamily(
        "shop_job_last_success_timestamp_seconds",
        "When each periodic job last finished a pass without error (Unix time).",
        labels=["job"],
    )
    failure = GaugeMetricFamily(
        "shop_job_last_failure_timestamp_seconds",
        "When each periodic job last failed (Unix time).",
        labels=["job"],
    )
    for job in db.session.scalars(select(JobSchedule).order_by(JobSchedule.name)):
        if job.last_succeeded_at is not None:
            success.add_metric([job.name], job.last_succeeded_at.timestamp())
        if job.last_failed_at is not None:
            failure.add_metric([job.name], job.last_failed_at.timestamp())
    yield success
    yield failure

    beats = GaugeMetricFamily(
        "shop_worker_last_heartbeat_timestamp_seconds",
        "When each running worker last reported in (Unix time).",
        labels=["worker"],
    )
    for worker in db.session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.name)):
        beats.add_metric([worker.name], worker.beat_at.timestamp())
    yield beats


def _seconds_since(moment: Any, now: Any) -> float:
    return max(0.0, (now - moment).total_seconds()) if moment is not None else 0.0


def exposition() -> Response:
    """The metrics as Prometheus reads them: this instance's processes plus the shop's state."""
    path = os.environ.get(MULTIPROCESS_DIR_VARIABLE)
    if path:
        processes = CollectorRegistry()
        MultiProcessCollector(processes, path=path)
    else:
        processes = REGISTRY  # one process: its own figures
    state = CollectorRegistry()
    state.register(ShopStateCollector())
    body = generate_latest(processes) + generate_latest(state)
    return Response(body, content_type=CONTENT_TYPE_LATEST)
