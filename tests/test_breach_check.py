"""The optional k-anonymity breach look-up, against a fake range API on 127.0.0.1."""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from careteam.services.password_policy import BREACHED_MESSAGE, breached, new_password_problem

BREACHED = "violet tractor sings at noon"  # strong by zxcvbn, "breached" in the fake corpus


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest().upper()


@pytest.fixture
def range_api():
    """A fake range API: records the paths asked for; knows BREACHED; can be made slow."""
    seen: list[str] = []
    behaviour = {"delay": 0.0}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            time.sleep(behaviour["delay"])
            prefix = self.path.rsplit("/", 1)[-1]
            lines = ["0018A45C4D1DEF81644B54AB7F969B88D65:0"]  # padding
            if sha1(BREACHED).startswith(prefix):
                lines.append(f"{sha1(BREACHED)[5:]}:4021")
            body = "\r\n".join(lines).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/range", seen, behaviour
    server.shutdown()
    server.server_close()


@pytest.fixture
def configured(app, ctx, range_api, monkeypatch):
    url, seen, behaviour = range_api
    monkeypatch.setitem(app.config, "CARETEAM_BREACH_CHECK_URL", url)
    monkeypatch.setitem(app.config, "CARETEAM_BREACH_CHECK_TIMEOUT_SECONDS", 1)
    return seen, behaviour


def test_off_by_default_asks_nobody(app, ctx, range_api):
    _url, seen, _ = range_api
    assert app.config["CARETEAM_BREACH_CHECK_URL"] == ""
    assert breached(BREACHED) is None
    assert new_password_problem(BREACHED, email="a@b.example", name="A B") is None
    assert seen == []


def test_a_breached_password_is_refused_and_only_a_prefix_leaves(configured):
    seen, _ = configured
    assert breached(BREACHED) is True
    assert new_password_problem(BREACHED, email="a@b.example", name="A B") == BREACHED_MESSAGE
    assert seen[0] == "/range/" + sha1(BREACHED)[:5]
    assert all(sha1(BREACHED)[5:] not in path for path in seen)


def test_an_unlisted_password_passes(configured):
    assert breached("marmalade lantern orbits quietly") is False


def test_a_slow_or_absent_service_fails_open_with_a_warning(app, configured, caplog, monkeypatch):
    _, behaviour = configured
    behaviour["delay"] = 2.5
    with caplog.at_level("WARNING", logger="careteam.passwords"):
        started = time.monotonic()
        assert breached(BREACHED) is None
        assert time.monotonic() - started < 2.4
    assert "breach check unavailable" in caplog.text
    monkeypatch.setitem(app.config, "CARETEAM_BREACH_CHECK_URL", "http://127.0.0.1:9/range")
    assert new_password_problem(BREACHED, email="a@b.example", name="A B") is None
