"""Errors answer as an HTML page or as JSON by what the client accepts, and never leak internals."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from flask import Blueprint, abort
from sqlalchemy.exc import OperationalError

from careteam import create_app
from careteam.services.errors import Conflict
from tests.conftest import make_config

STATUSES = [400, 401, 403, 404, 405, 409, 413, 422, 429, 500, 503]


@pytest.fixture
def raising_app(database_url):
    """A separate app with one extra route that fails on demand."""
    app = create_app(make_config(database_url, PROPAGATE_EXCEPTIONS=False))
    bp = Blueprint("raise", __name__)

    @bp.route("/_raise/<int:code>")
    def raise_(code: int):
        if code == 409:
            raise Conflict(current={"version": 3})
        if code == 500:
            raise RuntimeError("SELECT secret FROM internals -- must never be shown")
        if code == 503:
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        abort(code)

    app.register_blueprint(bp)
    return app


@pytest.mark.parametrize("status", STATUSES)
def test_html_or_json_by_accept_header(raising_app, status):
    client = raising_app.test_client()
    html = client.get(f"/_raise/{status}", headers={"Accept": "text/html"})
    assert html.status_code == status and html.mimetype == "text/html"
    assert f">{status}<".encode() in html.data and b"Reference:" in html.data
    json = client.get(f"/_raise/{status}", headers={"Accept": "application/json"})
    assert json.status_code == status and json.mimetype == "application/json"
    assert isinstance(json.get_json()["errors"], dict)
    for body in (html.data, json.data):
        assert b"Traceback" not in body and b"SELECT" not in body and b"internals" not in body


def test_conflicts_carry_the_current_values_in_json(raising_app):
    body = raising_app.test_client().get("/_raise/409", headers={"Accept": "application/json"}).get_json()
    assert body["current"] == {"version": 3}


def test_503_says_when_to_retry(raising_app):
    response = raising_app.test_client().get("/_raise/503")
    assert response.headers["Retry-After"] == "5"


def test_real_routes_answer_each_error(app, client, clinic, login_as, api):
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/logout").status_code == 405
    assert client.get("/logout").headers["Allow"]
    assert client.post("/login", data="x" * (2 * 1024 * 1024), content_type="text/plain").status_code == 413
    malformed = api.admin.post("/api/v1/admin/accounts", data="{not json", content_type="application/json")
    assert malformed.status_code in (400, 422) and "errors" in malformed.get_json()
    assert api.admin.get("/api/v1/nothing-here").get_json()["errors"]


def _serve_forever(listener: socket.socket, target: tuple[str, int], stop: threading.Event):
    def pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    listener.settimeout(0.1)
    connections = []
    while not stop.is_set():
        try:
            client, _ = listener.accept()
        except TimeoutError:
            continue
        except OSError:
            break
        upstream = socket.create_connection(target)
        connections += [client, upstream]
        threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
    for s in connections:
        try:
            s.close()
        except OSError:
            pass
    listener.close()


class TcpProxy:
    """A loopback proxy to the database that can be cut and restored on the same port."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.start()

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=_serve_forever, args=(listener, self.target, self.stop_event), daemon=True)
        self.thread.start()

    def cut(self):
        self.stop_event.set()
        self.thread.join(5)


@pytest.mark.postgres_only
@pytest.mark.no_rollback
def test_database_outage_gives_503_and_recovers_by_itself(database_url):
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = create_app(make_config(via_proxy, PROPAGATE_EXCEPTIONS=False))
    client = app.test_client()
    headers = {"Authorization": "Bearer ct_not-a-real-token"}
    assert client.get("/api/v1/me", headers=headers).status_code == 401  # database reached
    proxy.cut()
    down = client.get("/api/v1/me", headers=headers)
    assert down.status_code == 503 and down.headers["Retry-After"]
    assert "errors" in down.get_json() and b"psycopg" not in down.data
    html = client.post("/login", data={"email": "a@example.org", "password": "b"})
    assert html.status_code == 503 and b"cannot reach its database" in html.data
    signed_in = app.test_client()
    _pretend_signed_in(signed_in)
    _assert_outage_page(signed_in.get("/patients"))
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["checks"]["database"] is False
    assert client.get("/healthz").status_code == 200  # alive, only not ready
    proxy.start()
    assert client.get("/api/v1/me", headers=headers).status_code == 401  # back, with no restart
    assert client.get("/readyz").get_json() == {"status": "ready", "checks": {"database": True}}
    assert signed_in.get("/patients").status_code == 302  # the made-up user is not found: sign in
    proxy.cut()


def _pretend_signed_in(client) -> None:
    """A session cookie as after sign-in; the user it names is looked up in the database."""
    with client.session_transaction() as session:
        session["_user_id"] = "1:session-token"
        session["_fresh"] = True
        session["signed_in_at"] = session["last_seen_at"] = time.time()


def _assert_outage_page(response) -> None:
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.mimetype == "text/html" and b"cannot reach its database" in response.data
    assert b"Sign out" not in response.data  # rendered without asking who is signed in


@pytest.mark.postgres_only
@pytest.mark.no_rollback
def test_a_silent_database_answers_503_within_the_timeouts(database_url):
    """A database that accepts the connection and then says nothing: bounded, not two minutes."""
    from sqlalchemy.engine import make_url

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    url = make_url(database_url).set(host="127.0.0.1", port=listener.getsockname()[1])
    app = create_app(make_config(url.render_as_string(hide_password=False), PROPAGATE_EXCEPTIONS=False,
                                 CARETEAM_DB_CONNECT_TIMEOUT_SECONDS=2))
    started = time.monotonic()
    response = app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer ct_x"})
    assert response.status_code == 503 and time.monotonic() - started < 10
    listener.close()


@pytest.mark.no_rollback
def test_sqlite_database_unreachable_then_back(tmp_path):
    from careteam.extensions import db

    missing_dir = tmp_path / "not-yet"
    app = create_app(make_config(f"sqlite:///{missing_dir}/careteam.sqlite", PROPAGATE_EXCEPTIONS=False))
    client = app.test_client()
    headers = {"Authorization": "Bearer ct_not-a-real-token"}
    down = client.get("/api/v1/me", headers=headers)
    assert down.status_code == 503 and down.headers["Retry-After"] == "5"
    signed_in = app.test_client()
    _pretend_signed_in(signed_in)
    _assert_outage_page(signed_in.get("/patients"))
    _assert_outage_page(signed_in.get("/no/such/page"))  # the 404 page would ask who is signed in
    assert client.get("/readyz").status_code == 503
    missing_dir.mkdir()
    with app.app_context():
        db.create_all()
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/readyz").status_code == 200


def test_health_needs_no_database_and_readiness_does(app, client, count_queries):
    with count_queries() as statements:
        assert client.get("/healthz").get_json() == {"status": "ok"}
    assert statements == []
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"] == {"database": True}


def test_engine_hides_parameters_and_bounds_every_wait(database_url):
    from careteam.database import engine_options

    config = {"CARETEAM_DB_CONNECT_TIMEOUT_SECONDS": 3, "CARETEAM_DB_STATEMENT_TIMEOUT_SECONDS": 7,
              "CARETEAM_DB_POOL_RECYCLE_SECONDS": 600}
    postgres = engine_options("postgresql+psycopg://u@h/d", config)
    assert postgres["hide_parameters"] and "pool_pre_ping" not in postgres
    assert postgres["connect_args"]["connect_timeout"] == 3
    assert postgres["connect_args"]["options"] == "-c statement_timeout=7000"
    assert postgres["pool_recycle"] == 600 and postgres["pool_timeout"] == 7
    assert engine_options("sqlite:///x.sqlite", config) == {"hide_parameters": True}
