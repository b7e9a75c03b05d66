"""The limiter works where a route carries a limit and nowhere else, and an unreachable limit
storage (Redis) never stops sign-in."""

from __future__ import annotations

import logging

import pytest

from careteam.extensions import limiter
from tests.factories import PASSWORD

CLOSED_REDIS = "redis://127.0.0.1:1/3"  # nothing listens on port 1


def sign_in(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def test_routes_without_a_limit_skip_the_limiter(app, client):
    assert limiter._check_request_limit not in app.before_request_funcs.get(None, [])
    response = client.get("/healthz")
    assert response.status_code == 200
    assert not any(name.startswith("X-RateLimit") for name in response.headers.keys())


def test_limited_routes_still_count_and_answer_with_headers(app, client, clinic, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_SIGNIN_LIMIT_PER_ACCOUNT", "2 per minute")
    first = sign_in(client, clinic.physician.email, "wrong wrong wrong")
    assert first.status_code == 200 and first.headers["X-RateLimit-Limit"]
    sign_in(client, clinic.physician.email, "wrong wrong wrong")
    assert sign_in(client, clinic.physician.email).status_code == 429


@pytest.fixture
def redis_away(app, monkeypatch):
    """The shared limiter re-initialised on a Redis that does not answer, then put back."""
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", CLOSED_REDIS)
    limiter.init_app(app)
    yield
    monkeypatch.undo()
    limiter.init_app(app)


def test_sign_in_works_with_the_limit_storage_away(app, client, clinic, monkeypatch, redis_away, caplog):
    caplog.set_level(logging.WARNING)
    monkeypatch.setitem(app.config, "CARETEAM_SIGNIN_LIMIT_PER_ACCOUNT", "3 per minute")
    assert sign_in(client, clinic.physio.email).status_code == 302
    client.post("/logout")
    # the same limits still hold, counted in this process
    for _ in range(3):
        assert sign_in(client, clinic.physician.email, "wrong wrong wrong").status_code == 200
    assert sign_in(client, clinic.physician.email).status_code == 429
    assert sign_in(client, clinic.psych.email).status_code == 302
    warnings = [r for r in caplog.records if r.name.startswith("careteam.ratelimit")]
    assert len(warnings) == 1 and "unreachable" in warnings[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
