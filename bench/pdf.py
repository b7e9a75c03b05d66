"""The handover PDF: the whole request against WeasyPrint's own render of the same HTML, for 26
and for 104 weeks of history, and peak memory.

    python bench/pdf.py [--runs 15] [--fresh]

Builds (or reuses) bench/data/pdf.sqlite: the demo clinic, with Maria's history extended to two
years. Serves it with gunicorn (gunicorn.conf.py), downloads the PDF as her physician, then renders
the very same HTML with WeasyPrint in this process. Prints medians and the ratio, and the peak
resident memory of the render process and of the app's workers.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import time
import urllib.request
from datetime import date, datetime, time as clock_time, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import DATA, RESULTS, ROOT, Server, make_credentials  # noqa: E402

DATABASE = DATA / "pdf.sqlite"
PERIODS = (26, 104)
EXTRA_WEEKS = 78  # before the demo's 26 weeks: two years in all


def build_database(fresh: bool) -> str:
    url = f"sqlite:///{DATABASE}"
    if DATABASE.exists() and not fresh:
        return url
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
    from flask_migrate import upgrade
    from sqlalchemy import select

    from careteam import create_app
    from careteam.demo import load_demo_data
    from careteam.extensions import db
    from careteam.models import EffectRating, GoalScore, Intervention, Note, Patient, User, WeeklyCheckin

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade()
        users = load_demo_data()
        maria = db.session.scalar(select(Patient).where(Patient.user_id == users["patient_a"].id))
        first = db.session.scalar(select(WeeklyCheckin.week_start).where(WeeklyCheckin.patient_id == maria.id)
                                  .order_by(WeeklyCheckin.week_start))
        goals = [s.goal_id for s in db.session.scalars(select(GoalScore).limit(3))]
        rng = random.Random(104)
        earlier = []
        for name in ("TENS unit", "Massage", "Back brace", "Yoga class"):
            item = Intervention(patient_id=maria.id, name=name, tier="immediate_relief", kind="other",
                                details="Tried before careteam's demo history", started_on=first - timedelta(weeks=EXTRA_WEEKS),
                                stopped_on=first - timedelta(days=1), introduced_by="physician",
                                created_by_id=users["physician_a"].id)
            db.session.add(item)
            earlier.append(item)
        db.session.flush()
        for week in range(EXTRA_WEEKS):
            week_start = first - timedelta(weeks=EXTRA_WEEKS - week)
            submitted = datetime.combine(week_start + timedelta(days=6), clock_time(19), tzinfo=timezone.utc)
            pain = rng.randint(6, 8)
            checkin = WeeklyCheckin(patient_id=maria.id, week_start=week_start, pain_average=pain,
                                    pain_worst=min(10, pain + 2), enjoyment_interference=pain,
                                    activity_interference=pain, sleep_hours=6, sleep_quality=4, stress=6, mood=5,
                                    flare_days=rng.choice((0, 0, 1)), red_flags=[],
                                    submitted_by_id=users["patient_a"].id, submitted_at=submitted,
                                    updated_at=submitted)
            db.session.add(checkin)
            db.session.flush()
            for item in earlier:
                db.session.add(EffectRating(checkin_id=checkin.id, intervention_id=item.id,
                                            rating=rng.choice((-1, 0, 1)), days_used=3))
            for goal_id in goals:
                db.session.add(GoalScore(goal_id=goal_id, score=rng.randint(1, 3), scored_on=week_start,
                                         checkin_id=checkin.id, scored_by_id=users["patient_a"].id,
                                         created_at=submitted))
            if week % 2 == 0:
                author = users[("physician_a", "physiotherapist", "psychologist")[week % 3]]
                db.session.add(Note(patient_id=maria.id, author_id=author.id, author_role=author.role,
                                    visibility=("team_and_patient", "clinicians")[week % 4 == 0],
                                    body=f"Review in week {week}. " + "Walking and heat discussed; plan unchanged. " * 6,
                                    created_at=submitted))
        db.session.commit()
        db.engine.dispose()
    return url


def pdf_url(base: str, weeks: int) -> str:
    today = date.today()
    return f"{base}/api/v1/patients/1/summary.pdf?from={(today - timedelta(weeks=weeks)).isoformat()}&to={today.isoformat()}"


def timed_requests(url: str, token: str, runs: int) -> tuple[list[float], bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    times, body = [], b""
    for _ in range(runs):
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
            assert response.status == 200 and body.startswith(b"%PDF")
        times.append(time.perf_counter() - started)
    return times, body


def weasyprint_alone(database_url: str, weeks: int, runs: int) -> tuple[list[float], int]:
    """The same HTML as the request's, rendered by WeasyPrint in this process (warm)."""
    from sqlalchemy import select

    from careteam import create_app
    from careteam.extensions import db
    from careteam.models import CareTeamMember, User
    from careteam.summary.export import build_summary, document_html
    from careteam.summary.pdf import render_documents

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SERVER_NAME": "localhost"})
    today = date.today()
    with app.test_request_context():
        physician_id = db.session.scalar(select(CareTeamMember.clinician_id).where(
            CareTeamMember.patient_id == 1, CareTeamMember.discipline == "physician"))
        summary = build_summary(db.session.get(User, physician_id), 1, today - timedelta(weeks=weeks), today)
        html = document_html(summary)
        db.session.rollback()
    static = str(ROOT / "static")
    render_documents([html], static, "A4")  # warm: fonts and caches, as in the render process
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        render_documents([html], static, "A4")
        times.append(time.perf_counter() - started)
    return times, len(html)


def peak_memory(server_pid: int) -> dict[str, float]:
    """Peak resident memory (MiB) of the app's workers and of their PDF render processes."""
    from bench.common import _processes

    children = {pid: cmd for pid, parent, _, cmd in _processes() if parent == server_pid}
    grandchildren = {pid: cmd for pid, parent, _, cmd in _processes() if parent in children}

    def hwm(pid: int) -> float:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    # Render processes are the workers' children, whatever their command line (a forked pool
    # keeps gunicorn's, the old pipe worker had its own).
    return {
        "app worker": max((hwm(p) for p in children), default=0.0),
        "render process": max((hwm(p) for p in grandchildren), default=0.0),
        "all render processes": sum(hwm(p) for p in grandchildren),
    }


CONCURRENCY = (1, 2, 4, 8)


def concurrent_requests(url: str, token: str, requesters: int, rounds: int) -> tuple[float, list[float]]:
    """`requesters` threads each download the PDF `rounds` times; wall time and every request's time."""
    from concurrent.futures import ThreadPoolExecutor

    started = time.perf_counter()
    with ThreadPoolExecutor(requesters) as pool:
        results = list(pool.map(lambda _: timed_requests(url, token, rounds)[0], range(requesters)))
    return time.perf_counter() - started, [t for times in results for t in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--fresh", action="store_true", help="rebuild the database")
    parser.add_argument("--rounds", type=int, default=2, help="PDFs per concurrent requester")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    url = build_database(args.fresh)
    secret = "bench-pdf-secret"
    credentials = make_credentials(url, secret)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    rows = []
    with Server(url, secret, RESULTS / f"{stamp}-pdf-gunicorn.log") as server:
        for weeks in PERIODS:
            timed_requests(pdf_url(server.base, weeks), credentials.token, 2)  # warm both render processes
            request_times, body = timed_requests(pdf_url(server.base, weeks), credentials.token, args.runs)
            from pypdf import PdfReader

            pages = len(PdfReader(io.BytesIO(body)).pages)
            render_times, html_size = weasyprint_alone(url, weeks, args.runs)
            request_p50, render_p50 = statistics.median(request_times), statistics.median(render_times)
            rows.append({"weeks": weeks, "pages": pages, "pdf_kib": len(body) / 1024, "html_kib": html_size / 1024,
                         "request_p50_s": request_p50, "request_max_s": max(request_times),
                         "weasyprint_p50_s": render_p50, "ratio": request_p50 / render_p50})
        load = []
        for requesters in CONCURRENCY:
            wall, times = concurrent_requests(pdf_url(server.base, PERIODS[0]), credentials.token, requesters,
                                              args.rounds)
            load.append({"requesters": requesters, "pdfs": len(times), "wall_s": wall,
                         "per_minute": len(times) / wall * 60, "p50_s": statistics.median(times),
                         "max_s": max(times)})
        memory = peak_memory(server.process.pid)
    lines = [f"careteam PDF benchmark {stamp} ({args.runs} runs each, SQLite, gunicorn.conf.py)",
             f"{'history':>8} {'pages':>5} {'PDF KiB':>8} {'request p50':>12} {'request max':>12} "
             f"{'WeasyPrint p50':>15} {'ratio':>6}"]
    for r in rows:
        lines.append(f"{r['weeks']:>5} wk {r['pages']:>5} {r['pdf_kib']:>8.0f} {r['request_p50_s'] * 1000:>9.0f} ms "
                     f"{r['request_max_s'] * 1000:>9.0f} ms {r['weasyprint_p50_s'] * 1000:>12.0f} ms {r['ratio']:>5.2f}×")
    lines.append(f"{PERIODS[0]}-week PDFs under concurrent requesters ({args.rounds} each):")
    lines.append(f"{'requesters':>10} {'PDFs':>5} {'PDFs/min':>9} {'p50':>9} {'max':>9} {'max / single p50':>17}")
    for r in load:
        lines.append(f"{r['requesters']:>10} {r['pdfs']:>5} {r['per_minute']:>9.1f} {r['p50_s'] * 1000:>6.0f} ms "
                     f"{r['max_s'] * 1000:>6.0f} ms {r['max_s'] / rows[0]['request_p50_s']:>16.1f}×")
    lines.append("peak resident memory: " + ", ".join(f"{k} {v:.0f} MiB" for k, v in memory.items()))
    targets = [r["ratio"] <= 1.5 for r in rows] + [rows[0]["request_p50_s"] < 1.0]
    lines.append("targets (request ≤ 1.5 × WeasyPrint; 26 weeks under 1 s): " + ("met" if all(targets) else "MISSED"))
    report = "\n".join(lines)
    print(report)
    (RESULTS / f"{stamp}-pdf.txt").write_text(report + "\n")
    (RESULTS / f"{stamp}-pdf.json").write_text(json.dumps({"rows": rows, "load": load, "memory": memory}, indent=2))


if __name__ == "__main__":
    main()
