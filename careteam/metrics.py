"""Prometheus metrics: per-route latency, PDF render time and queue, audit write failures, and
(read at each scrape) the job queue's depth and the e-mail outbox's state.

Off by default. With CARETEAM_METRICS=1, GET /metrics answers requests that send
`Authorization: Bearer <CARETEAM_METRICS_TOKEN>`; without a token set, only requests from the
machine itself (loopback). Under gunicorn with several workers, set PROMETHEUS_MULTIPROC_DIR to an
empty directory so that the endpoint adds up every worker's figures. The metrics carry route
names and counts only: no patient, user or URL parameter.
"""

from __future__ import annotations

import os
import time

from flask import Flask, Response, abort, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from careteam.services.credentials import same

REGISTRY = CollectorRegistry(auto_describe=True)
REQUEST_SECONDS = Histogram("careteam_request_seconds", "Time to answer a request, by route (URL rule) and method.",
                            ["route", "method"], registry=REGISTRY,
                            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
PDF_RENDER_SECONDS = Histogram("careteam_pdf_render_seconds", "PDF renders, waiting in the pool included, by outcome.",
                               ["outcome"], registry=REGISTRY, buckets=(0.25, 0.5, 1, 2, 4, 8, 16, 32, 64))
PDF_QUEUE = Gauge("careteam_pdf_renders_in_progress", "PDF renders waiting for or using a render process.",
                  registry=REGISTRY, multiprocess_mode="livesum")
AUDIT_WRITE_FAILURES = Counter("careteam_audit_write_failures", "Audit events that could not be written.",
                               registry=REGISTRY)
LOOPBACK = {"127.0.0.1", "::1"}


def _hook_sources() -> None:
    from careteam.services import audit
    from careteam.summary.pdf import renderer

    renderer.on_render = lambda seconds, outcome: PDF_RENDER_SECONDS.labels(outcome).observe(seconds)
    renderer.on_queue = PDF_QUEUE.set
    if AUDIT_WRITE_FAILURES.inc not in audit._failure_hooks:
        audit._failure_hooks.append(AUDIT_WRITE_FAILURES.inc)


def _allowed() -> bool:
    from flask import current_app

    token = current_app.config["CARETEAM_METRICS_TOKEN"]
    if token:
        scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and same(sent.strip(), token)
    return request.remote_addr in LOOPBACK


class QueueCollector:
    """Tasks waiting in the job queue and e-mails in the outbox, read when scraped (the worker
    runs elsewhere, so only the shared storage knows). Needs an app context."""

    def collect(self):
        from careteam import sqlite
        from careteam.jobs import queue_health

        sqlite.reads_only_next()  # a scrape only reads: it never waits for SQLite's write lock
        health = queue_health()
        tasks = GaugeMetricFamily("careteam_job_queue_tasks", "Tasks waiting in the job queue (-1: its storage "
                                  "does not answer).")
        tasks.add_metric([], health.get("queued_tasks", -1))  # set only when the storage answered
        yield tasks
        outbox = GaugeMetricFamily("careteam_outbox_emails", "E-mails in the outbox: pending, overdue by five "
                                   "minutes, failed.", labels=["state"])
        for state, count in health["outbox"].items():
            outbox.add_metric([state], count)
        yield outbox


class _Registered:
    """This process's own metrics, for a registry built per scrape."""

    def collect(self):
        return REGISTRY.collect()


def _exposition() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Registered())
    registry.register(QueueCollector())
    return generate_latest(registry)



def register_metrics(app: Flask) -> None:
    if not app.config["CARETEAM_METRICS"]:
        return
    _hook_sources()

    @app.before_request
    def _start_timer():
        g.metrics_started = time.perf_counter()

    @app.teardown_request
    def _observe(_error=None):
        started = g.pop("metrics_started", None)
        if started is not None:
            route = request.url_rule.rule if request.url_rule is not None else "unmatched"
            REQUEST_SECONDS.labels(route, request.method).observe(time.perf_counter() - started)

    @app.get("/metrics")
    def metrics():
        if not _allowed():
            abort(404)  # as if there were no such page
        return Response(_exposition(), mimetype=CONTENT_TYPE_LATEST)
