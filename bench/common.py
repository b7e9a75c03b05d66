"""What bench/run.py needs around wrk: one database per size, credentials, and the app under gunicorn."""

from __future__ import annotations

import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
BENCH_PATIENT_ID = 1  # the patient every route reads; fill.py gives patient 1 a full record
USER_AGENT = "careteam-bench"  # sent by every request, so that the session's identifier stays the same
FINGERPRINT_TABLE = "bench_fill"  # in each bench database: what it was built from


# --- databases ---------------------------------------------------------------------------------


def database_url(base_url: str | None, patients: int, weeks: int) -> str:
    """SQLite file under bench/data/ by default; with DATABASE_URL one PostgreSQL database per size."""
    if not base_url:
        return f"sqlite:///{DATA / f'bench_{patients}x{weeks}.sqlite'}"
    from careteam.config import normalise_database_url

    url = make_url(normalise_database_url(base_url))
    return url.set(database=f"{url.database}_bench_{patients}").render_as_string(hide_password=False)


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def _fingerprint(patients: int, weeks: int) -> str:
    """What a cached database was built from: the migrations, fill.py and the size."""
    digest = hashlib.sha256(f"{patients}x{weeks}".encode())
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")) + [ROOT / "bench" / "fill.py"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _exists(url: str) -> bool:
    parsed = make_url(url)
    if not is_postgres(url):
        return Path(parsed.database).exists()
    engine = _maintenance_engine(url)
    with engine.connect() as connection:
        found = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database})
    engine.dispose()
    return found is not None


def _is_filled(url: str, fingerprint: str) -> bool:
    """A cached database is reused only if it was built from today's migrations and fill.py, at this size."""
    if not _exists(url):
        return False
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(text(f"SELECT fingerprint FROM {FINGERPRINT_TABLE}")) == fingerprint
    except Exception:  # half-built, or built before fingerprints: rebuild it
        return False
    finally:
        engine.dispose()


def _mark_filled(url: str, fingerprint: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE {FINGERPRINT_TABLE} (fingerprint VARCHAR(64) NOT NULL)"))
        connection.execute(text(f"INSERT INTO {FINGERPRINT_TABLE} VALUES (:f)"), {"f": fingerprint})
    engine.dispose()


def _maintenance_engine(url: str):
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _recreate(url: str) -> None:
    parsed = make_url(url)
    if not is_postgres(url):
        DATA.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    engine = _maintenance_engine(url)
    with engine.connect() as connection:
        name = connection.dialect.identifier_preparer.quote(parsed.database)
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()


def prepare_database(url: str, patients: int, weeks: int, fresh: bool) -> str:
    """Reuse the cached database of this size, or build it with bench/fill.py. Says which it did."""
    fingerprint = _fingerprint(patients, weeks)
    if not fresh and _is_filled(url, fingerprint):
        return "reused"
    _recreate(url)
    started = time.perf_counter()
    filled = subprocess.run([sys.executable, str(ROOT / "bench" / "fill.py"), "--patients", str(patients),
                             "--weeks", str(weeks), "--database-url", url], cwd=ROOT, capture_output=True, text=True)
    if filled.returncode != 0:
        raise SystemExit(f"bench/fill.py failed for {patients} patients:\n{filled.stderr[-3000:]}")
    _mark_filled(url, fingerprint)
    return f"built in {time.perf_counter() - started:.0f} s"


def database_facts(url: str) -> dict:
    engine = create_engine(url)
    with engine.connect() as connection:
        if is_postgres(url):
            version = "PostgreSQL " + connection.scalar(text("SHOW server_version"))
        else:
            version = "SQLite " + connection.scalar(text("SELECT sqlite_version()"))
        facts = {
            "version": version,
            "patients": connection.scalar(text("SELECT count(*) FROM patients")),
            "checkins": connection.scalar(text("SELECT count(*) FROM weekly_checkins")),
            "audit_events": connection.scalar(text("SELECT count(*) FROM audit_events")),
        }
    engine.dispose()
    return facts


# --- credentials --------------------------------------------------------------------------------


@dataclass
class Credentials:
    """A Bearer token and fresh session cookies, for the physician on patient 1's team."""

    user_id: int
    token: str
    user_key: str  # what Flask-Login keeps in the session: "<id>:<session token>"
    session_id: str  # Flask-Login's identifier of the client (address and User-Agent)
    serializer: object  # the app's session signer
    cookie_name: str

    def bearer_header(self) -> str:
        return f"Authorization: Bearer {self.token}"

    def cookie_header(self) -> str:
        """A session as a browser holds it after signing in and loading a page with a form (the CSRF
        token), stamped now: no request of a run has to rewrite the cookie (the app refreshes the
        last-seen stamp every 30 s), as for a person clicking through the record."""
        now = time.time()
        value = self.serializer.dumps({"_user_id": self.user_key, "_fresh": True, "_id": self.session_id,
                                       "csrf_token": secrets.token_hex(20), "signed_in_at": now,
                                       "last_seen_at": now})
        return f"Cookie: {self.cookie_name}={value}"


def make_credentials(url: str, secret_key: str) -> Credentials:
    """A new API token stored in the database (named "bench ..."), and the session's contents."""
    from careteam import create_app
    from careteam.extensions import db, login_manager
    from careteam.models import ApiToken, CareTeamMember, User
    from careteam.services.credentials import API_TOKEN_PREFIX, new_api_token, token_digest

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret_key})
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                                  headers={"User-Agent": USER_AGENT}):
        physician_id = db.session.scalar(
            db.select(CareTeamMember.clinician_id)
            .where(CareTeamMember.patient_id == BENCH_PATIENT_ID, CareTeamMember.discipline == "physician")
        )
        token = new_api_token()
        db.session.add(ApiToken(user_id=physician_id, name=f"bench {datetime.now(timezone.utc):%Y-%m-%d %H:%M}",
                                token_digest=token_digest(token),
                                display_prefix=token[: len(API_TOKEN_PREFIX) + 4]))
        db.session.commit()
        credentials = Credentials(
            user_id=physician_id, token=token, user_key=db.session.get(User, physician_id).get_id(),
            session_id=login_manager._session_identifier_generator(),
            serializer=app.session_interface.get_signing_serializer(app),
            cookie_name=app.config["SESSION_COOKIE_NAME"],
        )
        db.session.remove()
        db.engine.dispose()
    return credentials


# --- the app under gunicorn -------------------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> list[tuple[int, int, float, str]]:
    """(pid, parent pid, CPU seconds used, command line) of every process we can read."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone in the meantime
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # the name in parentheses may hold spaces
        found.append((int(entry.name), int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS, cmdline))
    return found


class CpuMeter:
    """CPU time used by the app (gunicorn master and workers), on PostgreSQL by the database's
    server processes, and by the whole machine: unlike latency, the first two hardly change when
    other work shares the machine, and the last tells how much other work there was."""

    def __init__(self, server_pid: int, database_url: str):
        self.server_pid = server_pid
        self.database = make_url(database_url).database if is_postgres(database_url) else None

    def sample(self) -> dict[str, dict[int, float]]:
        app, db = {}, {}
        # the whole machine's busy time (user, nice, system, irq, softirq, steal), to tell what others used
        busy = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        machine = {0: sum(int(busy[i]) for i in (0, 1, 2, 5, 6, 7)) / _TICKS}
        for pid, parent, seconds, cmdline in _processes():
            if pid == self.server_pid or parent == self.server_pid:
                app[pid] = seconds
            elif self.database and cmdline.startswith("postgres:") and f" {self.database} " in cmdline:
                db[pid] = seconds
        return {"app": app, "db": db, "machine": machine}

    @staticmethod
    def used(before: dict, after: dict) -> dict[str, float]:
        """CPU seconds between two samples; a process that started in between counts from zero."""
        return {part: sum(seconds - before[part].get(pid, 0.0) for pid, seconds in after[part].items())
                for part in after}



def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_settings() -> dict:
    """The settings gunicorn.conf.py gives (with this environment), for the report."""
    import runpy

    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    return {name: conf[name] for name in ("worker_class", "workers", "threads")}


class Server:
    """gunicorn with the repository's gunicorn.conf.py on a free port of 127.0.0.1."""

    def __init__(self, url: str, secret_key: str, log_path: Path):
        self.url, self.secret_key, self.log_path = url, secret_key, log_path
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        env = dict(os.environ, CARETEAM_BIND=f"127.0.0.1:{self.port}", DATABASE_URL=self.url,
                   CARETEAM_SECRET_KEY=self.secret_key, RATELIMIT_STORAGE_URI="memory://")
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self._wait_until_healthy()
        return self

    def _wait_until_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit(f"gunicorn did not answer /healthz within {timeout:.0f} s; see {self.log_path}")

    def __exit__(self, *_exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
