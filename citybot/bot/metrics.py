"""Prometheus metrics of a worker, and the figures read from the database at scrape time.

In-process figures (updates, handler latency, 429s) are counted where they happen. Figures that
belong to the whole city rather than one worker (reports, outbox backlog, broadcast rate) are
read from the database when /metrics is scraped, so every worker answers the same. With several
workers of one supervisor (`--workers N`), PROMETHEUS_MULTIPROC_DIR is set and any worker's
/metrics sums the counters of them all (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import func
from sqlmodel import col, select

from citybot.runtime import Runtime
from citybot.storage.models import OutboxMessage, OutboxState, Report, utcnow

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
RATE_WINDOW = timedelta(minutes=1)


class Metrics:
    """The counters of one worker, in a registry of its own (tests build several)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter("citybot_updates_handled", "Updates received over the webhook,"
                               " by outcome (ok, error)", ["outcome"], registry=self.registry)
        self.latency = Histogram("citybot_handler_seconds", "Time to handle one update",
                                 buckets=LATENCY_BUCKETS, registry=self.registry)
        self.retry_after = Counter("citybot_telegram_429", "429 Too Many Requests received from"
                                   " the Bot API", registry=self.registry)

    def observe(self, outcome: str, started: float) -> None:
        self.updates.labels(outcome=outcome).inc()
        self.latency.observe(time.perf_counter() - started)

    def render_process(self) -> bytes:
        directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if not directory:
            return generate_latest(self.registry)
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        return generate_latest(registry)


class _Snapshot:
    def __init__(self, reports: int, backlog: int, broadcast_rate: float) -> None:
        self.reports, self.backlog, self.broadcast_rate = reports, backlog, broadcast_rate

    def collect(self):
        reports = CounterMetricFamily("citybot_reports_created", "Reports created (database)")
        reports.add_metric([], self.reports)
        backlog = GaugeMetricFamily("citybot_outbox_backlog",
                                    "Outbox messages waiting to be sent (pending or sending)")
        backlog.add_metric([], self.backlog)
        rate = GaugeMetricFamily("citybot_broadcast_messages_per_second",
                                 "Broadcast messages sent per second over the last minute")
        rate.add_metric([], self.broadcast_rate)
        return [reports, backlog, rate]


async def render_database(runtime: Runtime) -> bytes:
    """The city-wide figures, read now."""
    async with runtime.sessions() as session:
        reports = (await session.exec(select(func.count()).select_from(Report))).one()
        backlog = (await session.exec(
            select(func.count()).select_from(OutboxMessage).where(
                col(OutboxMessage.state).in_([OutboxState.pending, OutboxState.sending]))
        )).one()
        sent = (await session.exec(
            select(func.count()).select_from(OutboxMessage).where(
                col(OutboxMessage.broadcast_id).is_not(None),
                OutboxMessage.state == OutboxState.sent,
                col(OutboxMessage.sent_at) >= utcnow() - RATE_WINDOW)
        )).one()
    registry = CollectorRegistry()
    registry.register(_Snapshot(reports, backlog, sent / RATE_WINDOW.total_seconds()))
    return generate_latest(registry)
