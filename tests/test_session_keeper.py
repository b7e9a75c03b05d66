"""Writing across the idle timeout: "Stay signed in", and a form sent into an ended session."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from careteam.extensions import db
from careteam.models import Note


def move_to(monkeypatch, seconds_from_now: float, start: float) -> None:
    monkeypatch.setattr("careteam.web.hooks._now", lambda: start + seconds_from_now)


def test_stay_signed_in_starts_the_idle_timeout_again(app, client, clinic, login_as, monkeypatch):
    login_as(clinic.physician)
    start = time.time()
    move_to(monkeypatch, 28 * 60, start)
    assert client.post("/session/keepalive").status_code == 204
    move_to(monkeypatch, (28 + 29) * 60, start)  # 57 minutes in, 29 since "Stay signed in"
    assert client.get("/patients").status_code == 200


def test_without_it_the_session_still_ends(app, client, clinic, login_as, monkeypatch):
    login_as(clinic.physician)
    move_to(monkeypatch, 31 * 60, time.time())
    response = client.post("/session/keepalive")
    assert response.status_code == 303 and response.headers["Location"].startswith("/login")


def test_pages_tell_the_script_the_timeout_only_when_signed_in(app, client, clinic, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_IDLE_TIMEOUT_MINUTES", 20)
    login_page = client.get("/login").get_data(as_text=True)
    assert "careteam-idle-seconds" not in login_page and "data-sign-in" in login_page
    html = login_as(clinic.physician).get("/patients").get_data(as_text=True)
    assert '<meta name="careteam-idle-seconds" content="1200">' in html
    assert '<meta name="careteam-keepalive" content="/session/keepalive">' in html
    assert "js/session_keeper.js" in html and "data-sign-out" in html
    assert client.get("/static/js/session_keeper.js").status_code == 200


def test_a_form_sent_into_an_ended_session_goes_to_sign_in_and_back_to_its_page(
        app, client, clinic, login_as, monkeypatch):
    a = clinic.record_a.id
    login_as(clinic.physician)
    move_to(monkeypatch, 31 * 60, time.time())
    response = client.post(f"/patients/{a}/notes", data={"visibility": "clinicians", "body": "Typed text"},
                           headers={"Referer": f"http://careteam.test/patients/{a}/notes?page=1"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/login?next=/patients/{a}/notes?page%3D1"
    with app.app_context():
        assert db.session.scalar(select(func.count(Note.id))) == 0
    # Signed in again, the same form is sent and saved.
    monkeypatch.undo()
    login_as(clinic.physician)
    saved = client.post(f"/patients/{a}/notes", data={"visibility": "clinicians", "body": "Typed text"})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Note.id))) == 1


def test_a_foreign_referrer_is_not_a_destination(app, client, clinic, login_as, monkeypatch):
    login_as(clinic.physician)
    move_to(monkeypatch, 31 * 60, time.time())
    response = client.post(f"/patients/{clinic.record_a.id}/notes", data={"body": "x"},
                           headers={"Referer": "https://evil.example/patients/1/notes"})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
