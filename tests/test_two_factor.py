"""Two-factor sign-in: enrolment, the code step, recovery codes, limits, the required mode, reset."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import AuditEvent, RecoveryCode, User
from careteam.services import two_factor
from tests import factories
from tests.factories import PASSWORD

T0 = 1_900_000_005.0  # 5 s into a 30-second step


@pytest.fixture
def clock(monkeypatch):
    """The TOTP clock, moved by the test."""
    now = {"t": T0}
    monkeypatch.setattr("careteam.services.two_factor._now", lambda: now["t"])
    return now


def code(secret: str, at: float) -> str:
    return pyotp.TOTP(secret).at(at)


def events(app, action, **where):
    with app.app_context():
        stmt = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(AuditEvent, key) == value)
        return list(db.session.scalars(stmt))


def enrol(app, user_id: int, at: float = T0) -> tuple[str, list[str]]:
    """Turn two-factor on for a user through the service; returns the secret and recovery codes."""
    with app.test_request_context():
        user = db.session.get(User, user_id)
        secret = two_factor.pending_enrolment(user)["secret"].replace(" ", "")
        codes = two_factor.confirm_enrolment(user, code(secret, at))
        return secret, codes


def password_step(client, email):
    return client.post("/login", data={"email": email, "password": PASSWORD})


def test_enrolment_shows_a_qr_code_then_confirms_with_a_code(app, client, clinic, login_as, clock):
    login_as(clinic.physician)
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    html = page.data.decode()
    assert 'src="data:image/svg+xml' in html  # img-src data: is allowed by the CSP
    assert "img-src 'self' data:" in page.headers["Content-Security-Policy"]
    secret = re.search(r'data-testid="totp-secret">([^<]+)<', html).group(1).replace(" ", "")
    assert client.get("/account/two-factor").data.decode().count(secret[:4]) >= 1  # same on reload

    wrong = client.post("/account/two-factor", data={"code": "000000"})
    assert wrong.status_code == 422 and b"That code is not right" in wrong.data
    assert events(app, "mfa_enrol", outcome="failure")

    done = client.post("/account/two-factor", data={"code": code(secret, T0)})
    assert done.status_code == 201
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", done.data.decode())
    assert len(set(codes)) == 10
    assert events(app, "mfa_enrol", outcome="success")[0].user_id == clinic.physician.id

    after = client.get("/account/two-factor").data.decode()
    assert secret[:8] not in after.replace(" ", "") and "data-testid=\"totp-secret\"" not in after
    with app.app_context():
        stored = db.session.get(User, clinic.physician.id)
        assert stored.has_mfa and secret not in stored.totp_secret  # sealed at rest
        digests = db.session.scalars(select(RecoveryCode.code_digest)).all()
        assert len(digests) == 10 and not set(codes) & set(digests)


def test_sign_in_asks_for_the_code_and_grants_nothing_before_it(app, client, clinic, clock):
    secret, _ = enrol(app, clinic.physician.id)
    clock["t"] = T0 + 60
    step = password_step(client, clinic.physician.email)
    assert step.status_code == 302 and step.headers["Location"] == "/login/code"
    assert client.get("/patients").status_code == 302  # half-signed-in: nothing opens
    assert client.get("/account").status_code == 302
    assert client.get("/api/v1/me").status_code == 401

    wrong = client.post("/login/code", data={"code": "123456"})
    assert wrong.status_code == 422 and b"That code is not right" in wrong.data
    assert events(app, "mfa_verify", outcome="failure")
    assert client.get("/patients").status_code == 302

    ok = client.post("/login/code", data={"code": code(secret, clock["t"])})
    assert ok.status_code == 302
    assert client.get("/patients").status_code == 200
    assert events(app, "mfa_verify", outcome="success")[0].detail == "totp"


def test_a_code_is_accepted_one_step_either_side_and_never_twice(app, clinic, clock):
    secret, _ = enrol(app, clinic.physician.id)
    first, second = app.test_client(), app.test_client()
    clock["t"] = T0 + 90
    used = code(secret, clock["t"] - 30)  # the phone is one step behind
    password_step(first, clinic.physician.email)
    assert first.post("/login/code", data={"code": used}).status_code == 302
    password_step(second, clinic.physician.email)
    reused = second.post("/login/code", data={"code": used})
    assert reused.status_code == 422 and b"already used" in reused.data
    too_old = second.post("/login/code", data={"code": code(secret, clock["t"] - 60)})
    assert too_old.status_code == 422


def test_recovery_codes_work_once_each(app, clinic, clock, smtp_inbox):
    _, codes = enrol(app, clinic.physio.id)
    client = app.test_client()
    password_step(client, clinic.physio.email)
    ok = client.post("/login/code", data={"code": codes[0].upper().replace("-", " ")})
    assert ok.status_code == 302 and client.get("/patients").status_code == 200
    assert events(app, "mfa_recovery_code", outcome="success")
    assert any("recovery codes was used" in body and "9 remain" in body
               for body in smtp_inbox.bodies(clinic.physio.email))

    again = app.test_client()
    password_step(again, clinic.physio.email)
    refused = again.post("/login/code", data={"code": codes[0]})
    assert refused.status_code == 422 and b"already used" in refused.data
    assert events(app, "mfa_recovery_code", outcome="failure")
    assert again.get("/patients").status_code == 302


def test_code_attempts_are_limited_per_account(app, clinic, clock, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_MFA_LIMIT_PER_ACCOUNT", "3 per minute")
    secret, _ = enrol(app, clinic.psych.id)
    client = app.test_client()
    password_step(client, clinic.psych.email)
    for _ in range(3):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 422
    blocked = client.post("/login/code", data={"code": code(secret, T0 + 30)})
    assert blocked.status_code == 429
    # another device for the same account is limited too: the key is the account
    other = app.test_client()
    password_step(other, clinic.psych.email)
    assert other.post("/login/code", data={"code": code(secret, T0 + 30)}).status_code == 429


def test_the_code_must_follow_the_password_soon(app, client, clinic, clock):
    secret, _ = enrol(app, clinic.physician.id)
    password_step(client, clinic.physician.email)
    with client.session_transaction() as session:
        session["mfa_pending"] = {**session["mfa_pending"], "at": time.time() - 301}
    late = client.post("/login/code", data={"code": code(secret, T0 + 30)})
    assert late.status_code == 302 and late.headers["Location"] == "/login"
    assert client.get("/patients").status_code == 302


def test_required_mode_sends_clinicians_to_enrolment_and_nowhere_else(app, client, clinic, login_as,
                                                                      api, clock, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_REQUIRE_MFA", True)
    assert password_step(client, clinic.physician.email).status_code == 302
    landing = client.get("/patients")
    assert landing.status_code == 302 and landing.headers["Location"] == "/account/two-factor"
    assert client.get(f"/patients/{clinic.record_a.id}").headers["Location"] == "/account/two-factor"
    blocked_json = client.get("/api/v1/me")
    assert blocked_json.status_code == 403 and "two-factor" in blocked_json.get_json()["errors"]["_"][0]
    bearer = api.physician.get("/api/v1/me")
    assert bearer.status_code == 401 and "two-factor" in bearer.get_json()["errors"]["_"][0]
    # patients are not asked
    assert api.patient_a.get("/api/v1/me").status_code == 200

    page = client.get("/account/two-factor")
    assert page.status_code == 200 and b"requires two-factor sign-in" in page.data
    secret = re.search(r'data-testid="totp-secret">([^<]+)<', page.data.decode()).group(1).replace(" ", "")
    assert client.post("/account/two-factor", data={"code": code(secret, T0)}).status_code == 201
    assert client.get("/patients").status_code == 200
    assert api.physician.get("/api/v1/me").status_code == 200


def test_admin_reset_ends_sessions_and_tokens_and_tells_the_owner(app, clinic, login_as, api, clock,
                                                                 smtp_inbox):
    secret, _ = enrol(app, clinic.physician.id)
    victim = app.test_client()
    factories.sign_in_session(victim, db_user(app, clinic.physician.id))
    assert victim.get("/patients").status_code == 200
    assert api.physician.get("/api/v1/me").status_code == 200

    refused = login_as(clinic.physio).post(f"/admin/accounts/{clinic.physician.id}/reset-two-factor")
    assert refused.status_code == 403
    admin = login_as(clinic.admin)
    page = admin.get(f"/admin/accounts/{clinic.physician.id}")
    assert b"Reset two-factor sign-in" in page.data
    assert admin.post(f"/admin/accounts/{clinic.physician.id}/reset-two-factor").status_code == 302

    assert victim.get("/patients").status_code == 302
    dead = api.physician.get("/api/v1/me")
    assert dead.status_code == 401 and "two-factor sign-in was reset" in dead.get_json()["errors"]["_"][0]
    with app.app_context():
        user = db.session.get(User, clinic.physician.id)
        assert not user.has_mfa and user.totp_secret is None
        assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    (reset,) = events(app, "mfa_reset")
    assert reset.user_id == clinic.admin.id and reset.object_id == str(clinic.physician.id)
    (body,) = [b for b in smtp_inbox.bodies(clinic.physician.email) if "reset the two-factor" in b]
    assert "Alice" not in body and "patient" not in body.lower()
    # signing in again asks for no code until they enrol again
    assert password_step(app.test_client(), clinic.physician.email).headers["Location"] == "/"


def db_user(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_the_api_shows_and_resets_the_second_factor_for_admins_only(app, api, clinic, clock):
    enrol(app, clinic.psych.id)
    url = f"/api/v1/admin/accounts/{clinic.psych.id}"
    assert api.admin.get(url).get_json()["has_mfa"] is True
    assert api.physician.post(f"{url}/reset-two-factor").status_code == 403
    reset = api.admin.post(f"{url}/reset-two-factor")
    assert reset.status_code == 200 and reset.get_json()["has_mfa"] is False
    assert api.admin.post("/api/v1/admin/accounts/999999/reset-two-factor").status_code == 404


def test_the_api_refuses_a_reset_link_for_an_account_with_a_password_without_email(app, api, clinic):
    refused = api.admin.post(f"/api/v1/admin/accounts/{clinic.physician.id}/set-password-link")
    assert refused.status_code == 422 and "cannot take it over" in refused.get_json()["errors"]["_"][0]
