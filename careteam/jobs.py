"""Background jobs on Huey: a SQLite file in instance/ by default (no server needed), Redis
with CARETEAM_QUEUE_URL=redis://… for workers on several machines.

One periodic job runs every minute on every worker: it escalates alerts, adds due reminders and
digests to the outbox and delivers pending e-mails. Running it on two workers at once is safe:
each row it adds has a unique key, and each e-mail is claimed by one worker before it is sent.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

log = logging.getLogger(__name__)

huey = Huey("careteam", storage_class=MemoryStorage, utc=True)  # init_app sets the real storage
_app: Flask | None = None


def init_app(app: Flask) -> None:
    """Point the queue at the configured storage. `inline://` (and, in tests, no queue URL)
    runs a job at once in the process that asks for it, instead of queueing it."""
    url = app.config["CARETEAM_QUEUE_URL"]
    if runs_inline(app):
        return
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey.storage = RedisStorage("careteam", url=url)
    else:
        path = url.removeprefix("sqlite:///") if url else str(Path(app.instance_path) / "queue.sqlite")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        huey.storage = SqliteStorage("careteam", filename=path)


def runs_inline(app: Flask) -> bool:
    url = app.config["CARETEAM_QUEUE_URL"]
    return url == "inline://" or (app.testing and not url)


def use_app(app: Flask) -> None:
    """The app whose context the worker's jobs run in (the worker command sets it)."""
    global _app
    _app = app


def _flask_app() -> Flask:
    if _app is None:  # a consumer started without the flask CLI
        from careteam import create_app

        use_app(create_app())
    return _app


def run_due_work(app: Flask | None = None) -> dict[str, int]:
    """Everything the minute's job does, in an app context. Also what `worker --burst` runs."""
    from careteam.services import schedule

    with (app or _flask_app()).app_context():
        return schedule.run_due()


@huey.periodic_task(crontab(minute="*"), name="careteam.every_minute")
def every_minute() -> None:
    run_due_work()


def _build_bundle_in(app: Flask, bundle_id: int) -> None:
    from careteam.services import bundles

    # A request context (POST: transactions take the write lock) for url_for in the templates.
    with app.test_request_context(base_url=app.config["CARETEAM_BASE_URL"], method="POST"):
        bundles.build(bundle_id)


@huey.task(name="careteam.build_bundle")
def build_bundle(bundle_id: int) -> None:
    _build_bundle_in(_flask_app(), bundle_id)


def enqueue_bundle(bundle_id: int) -> None:
    """Called after the bundle's row is committed."""
    app = current_app._get_current_object()
    if runs_inline(app):
        _build_bundle_in(app, bundle_id)
    else:
        build_bundle(bundle_id)


def _build_record_export_in(app: Flask, export_id: int) -> None:
    from careteam.services import record_export

    # As for the day bundle: a POST request context (the progress commits write) for url_for.
    with app.test_request_context(base_url=app.config["CARETEAM_BASE_URL"], method="POST"):
        record_export.build(export_id)


@huey.task(name="careteam.build_record_export")
def build_record_export(export_id: int) -> None:
    _build_record_export_in(_flask_app(), export_id)


def enqueue_record_export(export_id: int) -> None:
    """Called after the export's row is committed."""
    app = current_app._get_current_object()
    if runs_inline(app):
        _build_record_export_in(app, export_id)
    else:
        build_record_export(export_id)


def run_burst(app: Flask) -> int:
    """Run every due job once and return: the minute's work, then whatever is queued."""
    use_app(app)
    run_due_work(app)
    ran = 1
    for task in huey.read_schedule():
        huey.execute(task)
        ran += 1
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


def queue_health() -> dict:
    """For /readyz: whether the queue's storage answers, tasks waiting, and the outbox's state
    (e-mails pending, overdue by five minutes, failed). Needs an app context."""
    from careteam.services import outbox

    health: dict = {"queue": "ok"}
    try:
        health["queued_tasks"] = huey.pending_count()
    except Exception as error:  # noqa: BLE001 - reported, not raised: this is a health check
        health["queue"] = f"unavailable ({type(error).__name__})"
    health["outbox"] = outbox.queue_counts()
    health["ok"] = health["queue"] == "ok" and health["outbox"]["overdue"] == 0
    return health
