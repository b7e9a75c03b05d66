"""The worker drains 10,000 due reminder e-mails into a local SMTP sink: messages per second, and
the dashboard page's median time while it runs next to the same page with the worker idle (issue 10).

One database (bench/fill.py, 1,000 patients by default, reused like bench/run.py's), gunicorn from
this checkout, an aiosmtpd sink on loopback counting what arrives, and `flask worker --burst` in its
own process: the reminders are written to the outbox first, as the minute's job does, then the
burst claims, sends and marks them in batches. The dashboard is requested one at a time, so the
median is a person's wait, not a throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path

from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (BENCH_PATIENT_ID, RESULTS, ROOT, USER_AGENT, Server, database_url, free_port,  # noqa: E402
                          make_credentials, prepare_database)


class Sink:
    """Counts the messages an SMTP client hands over; keeps none."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def queue_reminders(url: str, secret_key: str, how_many: int) -> None:
    """`how_many` due check-in reminders in the outbox, spread over the bench's patients."""
    from sqlalchemy import delete, select

    from careteam import create_app
    from careteam.extensions import db
    from careteam.models import Notification, Patient
    from careteam.services import outbox

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret_key})
    with app.app_context():
        db.session.execute(delete(Notification))  # a run starts from an empty outbox
        users = list(db.session.scalars(select(Patient.user_id).order_by(Patient.id)))
        for n in range(how_many):
            user_id = users[n % len(users)]
            outbox.notify(user_id, "checkin_reminder", "/my-record/check-in", dedupe_key=f"bench:{user_id}:{n}")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def dashboard_times(server: Server, cookie: str, until) -> list[float]:
    """Request the dashboard page one after another until `until()` is true; milliseconds each."""
    times = []
    request = urllib.request.Request(f"{server.base}/patients/{BENCH_PATIENT_ID}",
                                     headers={"Cookie": cookie.split(": ", 1)[1], "User-Agent": USER_AGENT})
    while not until():
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            if response.status != 200:
                raise SystemExit(f"the dashboard answered {response.status}")
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--idle-seconds", type=float, default=15)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()

    url = database_url(os.environ.get("DATABASE_URL"), args.patients, args.weeks)
    print(f"database: {prepare_database(url, args.patients, args.weeks, args.fresh)} ({url.split('@')[-1]})")
    secret_key = secrets.token_hex(32)
    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = f"{datetime.now():%Y%m%d-%H%M%S}"
    try:
        with Server(url, secret_key, RESULTS / f"worker-{stamp}-gunicorn.log") as server:
            credentials = make_credentials(url, secret_key)
            queue_reminders(url, secret_key, args.reminders)
            deadline = time.monotonic() + args.idle_seconds
            idle = dashboard_times(server, credentials.cookie_header(), lambda: time.monotonic() > deadline)

            env = dict(os.environ, DATABASE_URL=url, CARETEAM_SECRET_KEY=secret_key, FLASK_APP="careteam",
                       CARETEAM_SMTP_HOST="127.0.0.1", CARETEAM_SMTP_PORT=str(smtp.port),
                       CARETEAM_SMTP_STARTTLS="0", RATELIMIT_STORAGE_URI="memory://")
            started = time.perf_counter()
            worker = subprocess.Popen([sys.executable, "-m", "flask", "worker", "--burst"], cwd=ROOT, env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            busy = dashboard_times(server, credentials.cookie_header(), lambda: worker.poll() is not None)
            _, errors = worker.communicate()
            drained = time.perf_counter() - started
    finally:
        smtp.stop()
    if worker.returncode != 0:
        raise SystemExit(f"the worker failed:\n{errors[-2000:]}")
    result = {
        "patients": args.patients, "reminders": args.reminders, "delivered": sink.count,
        "drain_seconds": round(drained, 2), "messages_per_second": round(sink.count / drained, 1),
        "dashboard_p50_ms_idle": round(statistics.median(idle), 1), "dashboard_requests_idle": len(idle),
        "dashboard_p50_ms_while_draining": round(statistics.median(busy), 1) if busy else None,
        "dashboard_requests_while_draining": len(busy), "cpus": os.cpu_count(),
        "database": "postgresql" if url.startswith("postgresql") else "sqlite",
    }
    print(json.dumps(result, indent=2))
    (RESULTS / f"worker-{stamp}.json").write_text(json.dumps(result, indent=2))
    # The minute's job also escalates the bench's open alerts (fill.py leaves some): more may arrive.
    if sink.count < args.reminders:
        print(f"FAILED: {sink.count} of {args.reminders} messages arrived")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
