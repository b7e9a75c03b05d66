"""Benchmark careteam under gunicorn with wrk, at 1,000 and 20,000 patients × 52 weeks, in one run.

    .venv/bin/python bench/run.py                 # SQLite files under bench/data/ (built once, then reused)
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test_bench .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --fresh         # rebuild the databases first

For each size: build or reuse the database (bench/fill.py), start gunicorn with gunicorn.conf.py on a
free port, make an API token and a session cookie for patient 1's physician, then measure the trivial
route, the dashboard JSON, the dashboard page and the check-in API with wrk, `--repeat` times each,
interleaved. Any response other than 200 fails the run. Prints one table per size, then the
comparison between sizes and the issue's targets; everything (with wrk's raw output) is saved under
bench/results/. See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's careteam, not the installed one

from common import (  # noqa: E402
    BENCH_PATIENT_ID,
    RESULTS,
    USER_AGENT,
    CpuMeter,
    Credentials,
    Server,
    database_facts,
    database_url,
    gunicorn_settings,
    make_credentials,
    prepare_database,
)

WRK = "/usr/bin/wrk"
RATIO_TARGET = 5.0  # dashboard JSON p50 within 5× the trivial route's p50
GROWTH_TOLERANCE = 0.15  # "no growth": within the run-to-run noise seen on this shared machine

# Counts every response that is not exactly 200: wrk itself only reports statuses above 399,
# so a redirect to the sign-in page would otherwise pass for a fast page.
STATUS_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; first_bad = 0 end
function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    if first_bad == 0 then first_bad = status end
  end
end
function done(summary, latency, requests)
  local total, first = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("bad")
    if first == 0 then first = thread:get("first_bad") end
  end
  io.write(string.format("non-200 responses: %d (first status %d)\\n", total, first))
end
"""


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    auth: str | None  # "bearer", "cookie" or None


ROUTES = (
    Route("trivial /healthz", "/healthz", None),
    Route("dashboard JSON", f"/api/v1/patients/{BENCH_PATIENT_ID}/dashboard", "bearer"),
    Route("dashboard page", f"/patients/{BENCH_PATIENT_ID}", "cookie"),
    Route("check-in API", f"/api/v1/patients/{BENCH_PATIENT_ID}/checkins", "bearer"),
    # The floor for any read of a record: token, authorize, audit event, commit, a small answer.
    Route("patient overview API", f"/api/v1/patients/{BENCH_PATIENT_ID}", "bearer"),
)
TRIVIAL, DASHBOARD_JSON = ROUTES[0].name, ROUTES[1].name


@dataclass
class Run:
    """One wrk run."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    app_cpu_ms: float  # CPU per request of gunicorn's processes (SQLite's work included)
    db_cpu_ms: float | None  # CPU per request of PostgreSQL's server processes
    non_200: int
    errors: int  # socket errors: timeouts (over --timeout), failed connections, reads or writes
    other_cores: float  # cores busy with anything but the app, its database and wrk: noise
    raw: str = field(repr=False)


@dataclass
class Measured:
    """All runs of one route at one size. "Best" is each figure's best run; the range is the spread."""

    route: str
    runs: list[Run] = field(default_factory=list)
    warmup: Run | None = None  # not in the figures, but its failures count

    @property
    def rps(self) -> float:
        return max(r.requests_per_s for r in self.runs)

    @property
    def p50(self) -> float:
        return min(r.p50_ms for r in self.runs)

    @property
    def p99(self) -> float:
        return min(r.p99_ms for r in self.runs)

    @property
    def cpu(self) -> float:
        """CPU per request of the app and (PostgreSQL) the database, in the run that needed least."""
        return min(r.app_cpu_ms + (r.db_cpu_ms or 0) for r in self.runs)

    def cpu_text(self) -> str:
        best = min(self.runs, key=lambda r: r.app_cpu_ms + (r.db_cpu_ms or 0))
        if best.db_cpu_ms is None:
            return f"{best.app_cpu_ms:.2f}"
        return f"{best.app_cpu_ms:.2f}+{best.db_cpu_ms:.2f}"

    @property
    def failures(self) -> tuple[int, int]:
        runs = self.runs + ([self.warmup] if self.warmup else [])
        return sum(r.non_200 for r in runs), sum(r.errors for r in runs)

    def spread(self, attribute: str) -> tuple[float, float]:
        values = [getattr(r, attribute) for r in self.runs]
        return min(values), max(values)


class Report:
    """Prints and keeps every line; wrk's raw output goes only to the saved file."""

    def __init__(self):
        self.lines: list[str] = []
        self.raw: list[str] = []

    def __call__(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def save(self, path: Path, data: dict) -> None:
        path.write_text("\n".join(self.lines) + "\n\n===== raw wrk output =====\n" + "\n".join(self.raw))
        path.with_suffix(".json").write_text(json.dumps(data, indent=2))


# --- wrk ----------------------------------------------------------------------------------------

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * _UNITS_MS[unit]


def parse_wrk(output: str, seconds: float, cpu: dict[str, float], postgres: bool) -> Run:
    def find(pattern: str) -> re.Match:
        found = re.search(pattern, output, re.MULTILINE)
        if found is None:
            raise SystemExit(f"unexpected wrk output (no {pattern!r}):\n{output}")
        return found

    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    requests = int(find(r"(\d+) requests in").group(1))
    return Run(
        requests_per_s=float(find(r"^Requests/sec:\s+([\d.]+)").group(1)),
        p50_ms=_ms(find(r"^\s+50%\s+(\S+)").group(1)),
        p99_ms=_ms(find(r"^\s+99%\s+(\S+)").group(1)),
        requests=requests,
        app_cpu_ms=cpu["app"] * 1000 / max(requests, 1),
        db_cpu_ms=cpu["db"] * 1000 / max(requests, 1) if postgres else None,
        non_200=int(find(r"^non-200 responses: (\d+)").group(1)),
        errors=sum(map(int, socket_errors.groups())) if socket_errors else 0,
        other_cores=max(0.0, (cpu["machine"] - cpu["app"] - cpu["db"] - cpu["wrk"]) / seconds),
        raw=output,
    )


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


class Wrk:
    def __init__(self, args, script: Path):
        self.args, self.script = args, script

    def run(self, url: str, headers: list[str], seconds: float, meter: CpuMeter) -> Run:
        command = [WRK, f"-t{self.args.wrk_threads}", f"-c{self.args.connections}", f"-d{seconds}s", "--latency",
                   f"--timeout={self.args.timeout}s",
                   "-s", str(self.script), "-H", f"User-Agent: {USER_AGENT}"]
        for header in headers:
            command += ["-H", header]
        before, wrk_before = meter.sample(), _children_cpu()
        output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
        used = CpuMeter.used(before, meter.sample()) | {"wrk": _children_cpu() - wrk_before}
        return parse_wrk(output, seconds, used, meter.database is not None)

    def describe(self) -> str:
        return (f"wrk -t{self.args.wrk_threads} -c{self.args.connections} -d{self.args.duration}s --latency "
                f"--timeout={self.args.timeout}s "
                f"(after a {self.args.warmup}s warm-up per route), {self.args.repeat} runs per route, interleaved")


# --- one size -------------------------------------------------------------------------------------


def headers_for(route: Route, credentials: Credentials) -> list[str]:
    if route.auth == "bearer":
        return [credentials.bearer_header()]
    if route.auth == "cookie":
        return [credentials.cookie_header()]
    return []


def check_routes(report: Report, server: Server, credentials: Credentials) -> None:
    """Every route answers 200 (not a redirect to sign-in) and the page keeps its cookie as it is."""
    for route in ROUTES:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        headers = dict(h.split(": ", 1) for h in headers_for(route, credentials))
        connection.request("GET", route.path, headers={"User-Agent": USER_AGENT, **headers})
        response = connection.getresponse()
        response.read()
        connection.close()
        if response.status != 200:
            raise SystemExit(f"{route.name} GET {route.path} answered {response.status}, not 200")
        if route.auth == "cookie" and response.getheader("Set-Cookie"):
            report(f"note: {route.path} rewrites the session cookie on every request, as it would not for a browser")


def measure_size(args, report: Report, wrk: Wrk, patients: int, secret_key: str, stamp: str) -> dict:
    url = database_url(os.environ.get("DATABASE_URL"), patients, args.weeks)
    how = prepare_database(url, patients, args.weeks, args.fresh)
    facts = database_facts(url)
    credentials = make_credentials(url, secret_key)
    log_path = RESULTS / f"{stamp}-{patients}-gunicorn.log"
    measured = {route.name: Measured(route.name) for route in ROUTES}
    with Server(url, secret_key, log_path) as server:
        check_routes(report, server, credentials)
        meter = CpuMeter(server.process.pid, url)
        for route in ROUTES:  # first requests of each worker and thread, template compiling, caches
            measured[route.name].warmup = wrk.run(server.base + route.path, headers_for(route, credentials),
                                                  args.warmup, meter)
        for attempt in range(args.repeat):
            for route in ROUTES:
                run = wrk.run(server.base + route.path, headers_for(route, credentials), args.duration, meter)
                measured[route.name].runs.append(run)
                report.raw.append(f"--- {patients} patients, {route.name}, run {attempt + 1}, "
                                  f"other work {run.other_cores:.2f} cores\n{run.raw}")
    log = read_app_log(log_path)
    print_size(report, patients, args.weeks, how, facts, measured, log, log_path)
    return {"database": facts, "database_url": url.split("@")[-1], "prepared": how, "app_log": log,
            "routes": {name: [_run_data(r) for r in m.runs] for name, m in measured.items()},
            "_measured": measured}


def read_app_log(path: Path) -> dict:
    """What the app itself logged: answers other than 200 and errors. wrk misses answers that
    arrive after a run's last second, and those are the slowest ones."""
    statuses, errors = Counter(), 0
    for line in path.read_text(errors="replace").splitlines():
        answered = re.search(r"careteam\.access \S+ \S+ (\d{3}) ", line)
        if answered and answered.group(1) != "200":
            statuses[answered.group(1)] += 1
        errors += " ERROR " in line
    return {"not_200": dict(statuses), "errors": errors}


def _run_data(run: Run) -> dict:
    data = asdict(run)
    data.pop("raw")
    return data


# --- printing ---------------------------------------------------------------------------------------


def _num(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _with_range(best: float, spread: tuple[float, float]) -> str:
    low, high = spread
    return f"{_num(best):>7} ({_num(low)}–{_num(high)})"


def print_size(report: Report, patients: int, weeks: int, how: str, facts: dict, measured: dict[str, Measured],
               log: dict, log_path: Path) -> None:
    trivial = measured[TRIVIAL]
    others = [r.other_cores for m in measured.values() for r in m.runs]
    report()
    report(f"== {patients:,} patients × {weeks} weeks: {facts['version']}, database {how}; "
           f"{facts['checkins']:,} check-ins, {facts['audit_events']:,} audit events before the run; "
           f"other work on the machine {min(others):.1f}–{max(others):.1f} cores ==")
    report(f"{'route':<18} {'req/s best (range)':>22} {'p50 ms best (range)':>22} {'p99 ms best (range)':>22} "
           f"{'p50 / trivial':>14} {'CPU ms/req':>12} {'CPU / trivial':>14} {'non-200/errors':>15}")
    for m in measured.values():
        report(f"{m.route:<18} {_with_range(m.rps, m.spread('requests_per_s')):>22} "
               f"{_with_range(m.p50, m.spread('p50_ms')):>22} {_with_range(m.p99, m.spread('p99_ms')):>22} "
               f"{m.p50 / trivial.p50:>13.1f}× {m.cpu_text():>12} {m.cpu / trivial.cpu:>13.1f}× "
               f"{'%d/%d' % m.failures:>15}")
    if log["not_200"] or log["errors"]:
        statuses = ", ".join(f"{count} × {status}" for status, count in sorted(log["not_200"].items()))
        report(f"!! the app logged {statuses or 'no answer other than 200'} and {log['errors']} ERROR lines: "
               f"{log_path}")


def _change(before: float, after: float) -> str:
    return f"{(after / before - 1) * 100:+.0f}%"


def _arrow(before: float, after: float) -> str:
    return f"{_num(before)} → {_num(after)}"


def print_comparison(report: Report, sizes: list[int], results: dict[int, dict]) -> bool:
    small, large = sizes[0], sizes[-1]
    before, after = results[small]["_measured"], results[large]["_measured"]
    report()
    report(f"== {small:,} → {large:,} patients (best runs) ==")
    report(f"{'route':<18} {'p50 ms':>16} {'change':>7} {'p99 ms':>16} {'change':>7} {'req/s':>16} {'change':>7} "
           f"{'CPU ms/req':>14} {'change':>7} {'p50 / trivial':>14}")
    for name in before:
        b, a = before[name], after[name]
        ratio = f"{b.p50 / before[TRIVIAL].p50:.1f}× → {a.p50 / after[TRIVIAL].p50:.1f}×"
        report(f"{name:<18} {_arrow(b.p50, a.p50):>16} {_change(b.p50, a.p50):>7} "
               f"{_arrow(b.p99, a.p99):>16} {_change(b.p99, a.p99):>7} "
               f"{_arrow(b.rps, a.rps):>16} {_change(b.rps, a.rps):>7} "
               f"{_arrow(b.cpu, a.cpu):>14} {_change(b.cpu, a.cpu):>7} {ratio:>14}")
    report()
    met = True
    for size in sizes:
        json_route, trivial = results[size]["_measured"][DASHBOARD_JSON], results[size]["_measured"][TRIVIAL]
        ratio = json_route.p50 / trivial.p50
        ok = ratio <= RATIO_TARGET
        met &= ok
        report(f"target: dashboard JSON p50 within {RATIO_TARGET:.0f}× the trivial route at {size:,} patients: "
               f"{ratio:.1f}× — {'met' if ok else 'MISSED'} (CPU per request {json_route.cpu / trivial.cpu:.1f}×)")
    growth = after[DASHBOARD_JSON].p50 / before[DASHBOARD_JSON].p50 - 1
    ok = growth <= GROWTH_TOLERANCE
    met &= ok
    report(f"target: no growth of the dashboard JSON p50 from {small:,} to {large:,} patients "
           f"(tolerance +{GROWTH_TOLERANCE:.0%} for noise): {growth:+.0%} — {'met' if ok else 'MISSED'} "
           f"(CPU per request {_change(before[DASHBOARD_JSON].cpu, after[DASHBOARD_JSON].cpu)})")
    return met


def machine_facts(report: Report, wrk: Wrk) -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    wrk_version = subprocess.run([WRK, "-v"], capture_output=True, text=True).stdout.split(" [")[0]
    facts = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "host": platform.node(),
        "cpu": f"{os.cpu_count()} cores, {cpu}",
        "memory": f"{memory_kb / 1024 / 1024:.0f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "database": "PostgreSQL (DATABASE_URL)" if os.environ.get("DATABASE_URL") else "SQLite (bench/data/)",
        "gunicorn": ", ".join(f"{k}={v}" for k, v in gunicorn_settings().items()),
        "load": "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + " at the start",
        "wrk": f"{wrk_version}: {wrk.describe()}",
    }
    report(f"careteam benchmark, {facts['date']} on {facts['host']}")
    for name in ("cpu", "memory", "os", "python", "database", "gunicorn", "wrk", "load"):
        report(f"  {name + ':':<10} {facts[name]}")
    return facts


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", action="store_true", help="rebuild the databases instead of reusing them")
    parser.add_argument("--sizes", default="1000,20000", help="patients per database, comma-separated")
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per route")
    parser.add_argument("--repeat", type=int, default=2, help="wrk runs per route and size")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=10, help="seconds before wrk gives up on a response")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if not os.access(WRK, os.X_OK):
        sys.exit(f"bench/run.py needs wrk at {WRK}: apt-get install wrk")
    sizes = [int(s) for s in args.sizes.split(",")]
    RESULTS.mkdir(parents=True, exist_ok=True)
    kind = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    stamp = f"{datetime.now():%Y%m%d-%H%M%S}-{kind}"
    report = Report()
    secret_key = secrets.token_hex(32)
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(STATUS_SCRIPT)
        script.flush()
        wrk = Wrk(args, Path(script.name))
        facts = machine_facts(report, wrk)
        results = {size: measure_size(args, report, wrk, size, secret_key, stamp) for size in sizes}
    met = print_comparison(report, sizes, results) if len(sizes) > 1 else True
    failures = sum(sum(m.failures) for r in results.values() for m in r["_measured"].values()) + sum(
        sum(r["app_log"]["not_200"].values()) for r in results.values())
    if failures:
        report(f"FAILED: {failures} responses were not 200 or did not arrive; the figures do not count")
    path = RESULTS / f"{stamp}.txt"
    report(f"\nsaved {path} (and .json, gunicorn logs)")
    for result in results.values():
        result.pop("_measured")
    report.save(path, {"machine": facts, "args": vars(args), "targets_met": met, "sizes": results})
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
