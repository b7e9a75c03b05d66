"""The FHIR export (issue 13): the bulk export of the bench database at several sizes (wall time,
resources per second (wall and CPU time: the
bench box is shared), peak memory and memory after the first batch), and the per-patient
bundle of the demo's 26 weeks (request time and size).

    python bench/fhir.py [--sizes 1000 5000] [--weeks 52] [--runs 15] [--fresh]

The bench databases are bench/run.py's (bench/fill.py, cached under bench/data/ or, with
DATABASE_URL, one PostgreSQL database per size). Each bulk export runs in a fresh process, so
its peak resident memory (ru_maxrss) is its own; the resident memory after every batch is
sampled to show whether memory grows with the number of patients. The bundle request is timed
in-process through Flask's test client with a Bearer token (authorization, audit event and
commit included; no gunicorn, no network).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DATA, RESULTS, ROOT, database_url, prepare_database  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


def export_one(url: str, directory: str) -> None:
    """Child process: run the bulk export and print its figures as JSON."""
    from careteam import create_app
    from careteam.fhir.bulk import export_all

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    samples: list[tuple[int, float]] = []
    with app.app_context():
        started, cpu = time.perf_counter(), time.process_time()
        result = export_all(directory, progress=lambda patients: samples.append((patients, rss_mb())))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    size = sum(p.stat().st_size for p in Path(directory).iterdir())
    print(json.dumps({"patients": result.patients, "resources": result.resources, "seconds": seconds,
                      "cpu_seconds": cpu,
                      "bytes": size, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "rss_after_first_batch_mb": samples[0][1] if samples else None,
                      "rss_at_end_mb": samples[-1][1] if samples else None,
                      "counts": result.counts}))


def bulk(url: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="fhir-bench-") as directory:
        child = subprocess.run([sys.executable, __file__, "--export-one", url, directory], cwd=ROOT,
                               capture_output=True, text=True)
    if child.returncode != 0:
        raise SystemExit(f"export failed:\n{child.stderr[-3000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def bundle_request(runs: int, fresh: bool) -> dict:
    """The demo clinic (Maria: 26 weekly check-ins), her bundle as her physician."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from careteam import create_app
    from careteam.demo import load_demo_data
    from careteam.extensions import db
    from careteam.models import Patient, User, WeeklyCheckin
    from careteam.services.api_tokens import create_token

    path = DATA / "fhir_demo.sqlite"
    build = fresh or not path.exists()
    if build:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "TESTING": True,
                      "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"})
    with app.app_context():
        if build:
            upgrade()
            load_demo_data()
        users = {u.email: u for u in db.session.scalars(select(User))}
        physician = users["dr.okafor@example.org"]
        maria = db.session.scalar(select(Patient.id).where(Patient.user_id == users["maria.lopez@example.org"].id))
        weeks = db.session.scalar(select(func.count()).where(WeeklyCheckin.patient_id == maria))
        _token, plaintext = create_token(physician, "bench fhir")
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {plaintext}", "Accept": "application/fhir+json"}
    url = f"/api/v1/patients/{maria}/fhir"
    times, size, entries = [], 0, 0
    for run in range(runs + 2):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        if run >= 2:  # two warm-up requests
            times.append(elapsed)
        size = len(response.data)
        entries = len(response.get_json()["entry"])
    return {"weeks": weeks, "runs": runs, "median_ms": statistics.median(times) * 1000,
            "p90_ms": sorted(times)[int(0.9 * (len(times) - 1))] * 1000, "bytes": size, "entries": entries}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--skip-bundle", action="store_true")
    parser.add_argument("--export-one", nargs=2, metavar=("URL", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_one:
        export_one(*args.export_one)
        return 0
    figures: dict = {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "bulk": [], "bundle": None}
    print(f"{'patients':>9} {'resources':>11} {'wall s':>8} {'CPU s':>7} {'res/s':>8} {'res/CPU s':>9} {'MB out':>8} "
          f"{'peak RSS MB':>12} {'RSS 1st batch':>14} {'RSS end':>8}")
    for size in args.sizes:
        url = database_url(os.environ.get("DATABASE_URL"), size, args.weeks)
        built = prepare_database(url, size, args.weeks, args.fresh)
        found = bulk(url) | {"database": built}
        figures["bulk"].append(found)
        print(f"{found['patients']:>9} {found['resources']:>11} {found['seconds']:>8.1f} {found['cpu_seconds']:>7.1f} "
              f"{found['resources'] / found['seconds']:>8.0f} {found['resources'] / found['cpu_seconds']:>9.0f} "
              f"{found['bytes'] / 2**20:>8.0f} "
              f"{found['peak_rss_mb']:>12.0f} {found['rss_after_first_batch_mb']:>14.0f} {found['rss_at_end_mb']:>8.0f}",
              flush=True)
    if not args.skip_bundle:
        found = figures["bundle"] = bundle_request(args.runs, args.fresh)
        print(f"\nbundle, {found['weeks']} weeks: median {found['median_ms']:.0f} ms, p90 {found['p90_ms']:.0f} ms, "
              f"{found['bytes'] / 1024:.0f} KiB, {found['entries']} entries")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"fhir-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(figures, indent=2))
    print(f"\nfigures: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
