"""Signing in and out, passwords, set-password links, rate limits, CSRF."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import AuditEvent, User
from careteam.services.credentials import hash_password
from tests import factories
from tests.factories import PASSWORD

GENERIC = b"That e-mail and password do not match an active account."


def sign_in(client, email, password=PASSWORD, next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password})


def events(app, **where):
    with app.app_context():
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(AuditEvent, key) == value)
        return list(db.session.scalars(stmt))


@pytest.mark.parametrize(
    "who,landing",
    [
        ("patient_a", "/my-record"),
        ("physician", "/patients"),
        ("physio", "/patients"),
        ("psych", "/patients"),
        ("admin", "/admin/accounts"),
    ],
)
def test_each_role_lands_on_its_start_page(client, clinic, who, landing):
    response = sign_in(client, getattr(clinic, who).email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == landing
    assert client.get(landing, follow_redirects=True).status_code == 200


def test_sign_in_is_case_insensitive_on_email(client, clinic):
    assert sign_in(client, clinic.physician.email.upper()).status_code == 302


@pytest.mark.parametrize("case", ["wrong password", "unknown e-mail", "deactivated"])
def test_bad_sign_in_gives_one_generic_message_and_is_audited(app, client, clinic, case):
    email = {"wrong password": clinic.physician.email, "unknown e-mail": "nobody@example.org",
             "deactivated": "gone@example.org"}[case]
    if case == "deactivated":
        with app.app_context():
            factories.user("physician", email=email, active=False)
            db.session.commit()
    password = "not the password at all" if case == "wrong password" else PASSWORD
    response = sign_in(client, email, password)
    assert response.status_code == 200
    assert GENERIC in response.data
    assert client.get("/").status_code == 302  # still anonymous
    failures = events(app, action="sign_in", outcome="failure")
    assert len(failures) == 1
    assert failures[0].address == "127.0.0.1" and failures[0].request_id


def test_successful_sign_in_is_audited(app, client, clinic):
    sign_in(client, clinic.psych.email)
    (event,) = events(app, action="sign_in", outcome="success")
    assert event.user_id == clinic.psych.id and event.role == "psychologist"


def test_password_hash_is_upgraded_when_parameters_change(app, client, clinic):
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with app.app_context():
        db.session.get(User, clinic.physio.id).password_hash = weak
        db.session.commit()
    assert sign_in(client, clinic.physio.email).status_code == 302
    with app.app_context():
        stored = db.session.get(User, clinic.physio.id).password_hash
    assert stored != weak and stored.startswith("$argon2id$")


def test_sign_in_follows_next_only_within_the_site(client, clinic):
    ok = sign_in(client, clinic.physician.email, next_url=f"/patients/{clinic.record_a.id}")
    assert ok.headers["Location"] == f"/patients/{clinic.record_a.id}"
    client.post("/logout")
    evil = sign_in(client, clinic.physician.email, next_url="https://evil.example/")
    assert evil.headers["Location"] == "/"


def test_anonymous_page_visit_remembers_where_it_was_going(client, clinic):
    response = client.get(f"/patients/{clinic.record_a.id}/team")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=/patients/{clinic.record_a.id}/team"


def test_sign_out_ends_every_session_of_the_user(app, clinic):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, clinic.physician.email)
    sign_in(phone, clinic.physician.email)
    assert phone.get("/patients").status_code == 200
    laptop.post("/logout")
    assert laptop.get("/patients").status_code == 302
    assert phone.get("/patients").status_code == 302  # the other device is out too
    assert events(app, action="sign_out")[0].user_id == clinic.physician.id


def test_password_change_ends_other_sessions_and_keeps_this_one(app, clinic):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, clinic.physician.email)
    sign_in(phone, clinic.physician.email)
    new = "a much better passphrase, 2026"
    response = laptop.post("/account/password", data={
        "current_password": PASSWORD, "new_password": new, "confirm": new})
    assert response.status_code == 302
    assert laptop.get("/patients").status_code == 200
    assert phone.get("/patients").status_code == 302
    laptop.post("/logout")
    assert sign_in(laptop, clinic.physician.email, new).status_code == 302


@pytest.mark.parametrize(
    "current,new,confirm,message",
    [
        ("wrong current password", "a much better passphrase", "a much better passphrase",
         b"That is not your current password."),
        (PASSWORD, "short", "short", b"Use at least 12 characters."),
        (PASSWORD, "a much better passphrase", "a different passphrase", b"The two passwords differ."),
        (PASSWORD, "x" * 300, "x" * 300, b"Use at most 256 characters."),
    ],
)
def test_password_change_explains_what_is_wrong(client, clinic, login_as, current, new, confirm, message):
    login_as(clinic.physio)
    response = client.post("/account/password", data={
        "current_password": current, "new_password": new, "confirm": confirm})
    assert response.status_code == 422
    assert message in response.data
    assert client.get("/account").status_code == 200  # still signed in


def test_unicode_passwords_work(app, client, clinic, login_as):
    new = "Grüße aus Köln, ünïcödé ✓"
    login_as(clinic.physio)
    client.post("/account/password", data={"current_password": PASSWORD, "new_password": new, "confirm": new})
    client.post("/logout")
    assert sign_in(client, clinic.physio.email, new).status_code == 302


def test_deactivation_ends_sessions_and_tokens_at_once(app, clinic, login_as, api):
    victim = app.test_client()
    factories.sign_in_session(victim, clinic.physio)
    assert victim.get("/patients").status_code == 200
    assert api.physio.get("/api/v1/me").status_code == 200
    admin = login_as(clinic.admin)
    assert admin.post(f"/admin/accounts/{clinic.physio.id}/deactivate").status_code == 302
    assert victim.get("/patients").status_code == 302
    assert api.physio.get("/api/v1/me").status_code == 401


def test_sessions_time_out_when_idle_and_after_their_lifetime(app, client, clinic, login_as, monkeypatch):
    import time as time_module

    login_as(clinic.physician)
    start = time_module.time()
    monkeypatch.setattr("careteam.web.hooks._now", lambda: start + 29 * 60)
    assert client.get("/patients").status_code == 200
    monkeypatch.setattr("careteam.web.hooks._now", lambda: start + 29 * 60 + 31 * 60)
    assert client.get("/patients").status_code == 302  # 31 idle minutes

    login_as(clinic.physician)
    for minutes in range(0, 12 * 60, 20):  # busy all day: never idle, but not forever
        monkeypatch.setattr("careteam.web.hooks._now", lambda m=minutes: start + m * 60)
        assert client.get("/patients").status_code == 200
    monkeypatch.setattr("careteam.web.hooks._now", lambda: start + 12 * 3600 + 1)
    assert client.get("/patients").status_code == 302


def test_session_limits_are_configurable(app, client, clinic, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_IDLE_TIMEOUT_MINUTES", 5)
    import time as time_module

    login_as(clinic.physician)
    start = time_module.time()
    monkeypatch.setattr("careteam.web.hooks._now", lambda: start + 6 * 60)
    assert client.get("/patients").status_code == 302


def test_session_cookie_is_httponly_lax_and_not_long_lived(client, clinic):
    response = sign_in(client, clinic.physician.email)
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("careteam_session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Expires" not in session_cookie and "Max-Age" not in session_cookie
    assert not any(c.startswith("remember_token") for c in cookies)


def test_secure_cookies_when_https_is_configured(database_url):
    from careteam import create_app
    from tests.conftest import make_config

    https_app = create_app(make_config(database_url, CARETEAM_HTTPS=True, SESSION_COOKIE_SECURE=True))
    assert https_app.config["SESSION_COOKIE_SECURE"] is True
    response = https_app.test_client().get("/login")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


# --- set-password links -----------------------------------------------------------------


def issue_link(admin_client, user_id) -> str:
    response = admin_client.post(f"/admin/accounts/{user_id}/set-password-link")
    assert response.status_code == 201
    match = re.search(rb'data-testid="set-password-link">([^<]+)<', response.data)
    return match.group(1).decode().replace("http://careteam.test", "")


def new_account(app, role="physiotherapist"):
    with app.app_context():
        person = factories.user(role, password=False)
        db.session.commit()
        return person.id, person.email


def test_set_password_link_works_once(app, clinic, login_as):
    user_id, email = new_account(app)
    link = issue_link(login_as(clinic.admin), user_id)
    newcomer = app.test_client()
    assert newcomer.get(link).status_code == 200
    response = newcomer.post(link, data={"password": "my own new passphrase", "confirm": "my own new passphrase"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert sign_in(newcomer, email, "my own new passphrase").status_code == 302
    assert app.test_client().get(link).status_code == 404  # used: dead


def test_set_password_link_dies_when_the_password_changes_otherwise(app, clinic, login_as):
    user_id, _ = new_account(app)
    link = issue_link(login_as(clinic.admin), user_id)
    with app.app_context():
        from careteam.models import utcnow

        person = db.session.get(User, user_id)
        person.password_hash = hash_password("set some other way")
        person.password_changed_at = utcnow()
        db.session.commit()
    assert app.test_client().get(link).status_code == 404


def test_set_password_link_expires(app, clinic, login_as, monkeypatch):
    user_id, _ = new_account(app)
    link = issue_link(login_as(clinic.admin), user_id)
    monkeypatch.setitem(app.config, "CARETEAM_SET_PASSWORD_LINK_HOURS", 0)
    import time as time_module

    real = time_module.time
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: real() + 5)
    response = app.test_client().get(link)
    assert response.status_code == 404 and b"no longer works" in response.data


def test_set_password_link_rejects_a_tampered_token_and_a_weak_password(app, clinic, login_as):
    user_id, _ = new_account(app)
    link = issue_link(login_as(clinic.admin), user_id)
    assert app.test_client().get(link[:-3] + "abc").status_code == 404
    weak = app.test_client().post(link, data={"password": "short", "confirm": "short"})
    assert weak.status_code == 200 and b"Use at least 12 characters." in weak.data


def test_set_password_link_is_emailed_when_smtp_is_configured(app, clinic, login_as, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append({"host": host, "port": port})

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            sent[-1]["tls"] = True

        def login(self, user, password):
            sent[-1]["login"] = user

        def send_message(self, message):
            sent[-1]["to"] = message["To"]
            sent[-1]["body"] = message.get_content()

    monkeypatch.setattr("careteam.services.mail.smtplib.SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "CARETEAM_SMTP_HOST", "smtp.clinic.example")
    user_id, email = new_account(app)
    response = login_as(clinic.admin).post(f"/admin/accounts/{user_id}/set-password-link")
    assert response.status_code == 201 and b"also e-mailed" in response.data
    assert sent[0]["to"] == email and sent[0]["tls"] is True
    assert "/set-password/" in sent[0]["body"]


# --- rate limits ---------------------------------------------------------------------------


def test_sign_in_is_rate_limited_per_account(app, client, clinic, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_SIGNIN_LIMIT_PER_ACCOUNT", "3 per minute")
    for _ in range(3):
        assert sign_in(client, clinic.physician.email, "wrong wrong wrong").status_code == 200
    blocked = sign_in(client, clinic.physician.email, PASSWORD)
    assert blocked.status_code == 429
    assert b"Too many attempts" in blocked.data and blocked.headers["Retry-After"]
    # another account from the same address is not blocked
    assert sign_in(client, clinic.physio.email).status_code == 302


def test_sign_in_is_rate_limited_per_address(app, clinic, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_SIGNIN_LIMIT_PER_ADDRESS", "4 per minute")
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    for n in range(4):
        assert sign_in(attacker, f"guess{n}@example.org", "wrong wrong wrong").status_code == 200
    assert sign_in(attacker, clinic.physician.email).status_code == 429
    json = attacker.post("/login", data={"email": "x@example.org", "password": "y"},
                         headers={"Accept": "application/json"})
    assert json.status_code == 429 and json.get_json()["errors"]


def test_successful_sign_ins_do_not_use_up_the_limit(app, client, clinic, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_SIGNIN_LIMIT_PER_ACCOUNT", "2 per minute")
    for _ in range(4):
        assert sign_in(client, clinic.physician.email).status_code == 302
        client.post("/logout")


# --- CSRF ------------------------------------------------------------------------------------


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def csrf_token_from(client, url="/account") -> str:
    page = client.get(url).data.decode()
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def test_forms_need_the_csrf_token(app, client, clinic, login_as, csrf_on):
    login_as(clinic.physician)
    refused = client.post("/account/tokens", data={"name": "script"})
    assert refused.status_code == 400 and b"Reload the page" in refused.data
    token = csrf_token_from(client)
    accepted = client.post("/account/tokens", data={"name": "script", "csrf_token": token})
    assert accepted.status_code == 201


def test_sign_in_form_needs_the_csrf_token(client, clinic, csrf_on):
    assert sign_in(client, clinic.physician.email).status_code == 400


def test_session_json_writes_need_the_csrf_header_bearer_calls_do_not(app, client, clinic, login_as, api, csrf_on):
    login_as(clinic.physician)
    url = f"/api/v1/patients/{clinic.record_a.id}/team"
    body = {"clinician_id": clinic.outside_physio.id}
    assert client.post(url, json=body).status_code == 400
    token = csrf_token_from(client)
    assert client.post(url, json=body, headers={"X-CSRFToken": token}).status_code == 201
    body = {"clinician_id": clinic.outside_psych.id}
    assert api.physician.post(url, json=body).status_code == 201


def test_logout_needs_a_post_with_the_token(client, clinic, login_as, csrf_on):
    login_as(clinic.physician)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/patients").status_code == 200
