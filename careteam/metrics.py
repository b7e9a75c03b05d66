"""Prometheus metrics: per-route latency, PDF render time and queue, audit write failures.

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


def _exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


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
