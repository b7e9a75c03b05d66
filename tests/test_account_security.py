"""API tokens that expire and die, no admin takeover, and the owner told of every change."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import ApiToken, AuditEvent, utcnow
from careteam.services.auth import NO_TAKEOVER
from tests import factories
from tests.factories import PASSWORD

NEW_PASSWORD = "violet tractor sings at noon"


def events(app, action, **where):
    with app.app_context():
        stmt = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(AuditEvent, key) == value)
        return list(db.session.scalars(stmt))


def make_token(client, **fields):
    response = client.post("/api/v1/me/tokens", json={"name": "script", **fields})
    return response


# --- API tokens -------------------------------------------------------------------------------


def test_tokens_expire_after_90_days_by_default_or_as_chosen(app, api, clinic):
    made = make_token(api.physio)
    assert made.status_code == 201
    body = made.get_json()
    with app.app_context():
        token = db.session.get(ApiToken, body["id"])
        assert abs(token.expires_at - (token.created_at + timedelta(days=90))) < timedelta(seconds=5)
    short = make_token(api.physio, expires_in_days=7).get_json()
    assert short["expires_at"] < body["expires_at"]
    too_long = make_token(api.physio, expires_in_days=366)
    assert too_long.status_code == 422
    assert too_long.get_json()["errors"]["expires_in_days"] == ["Choose between 1 and 365 days."]
    assert make_token(api.physio, expires_in_days=0).status_code == 422


def test_an_expired_token_gets_a_clear_401_and_is_audited(app, api, clinic):
    plaintext = make_token(api.physio, expires_in_days=1).get_json()["token"]
    caller = factories.JsonClient(app.test_client(), plaintext)
    assert caller.get("/api/v1/me").status_code == 200
    with app.app_context():
        for token in db.session.scalars(select(ApiToken).where(ApiToken.name == "script")):
            token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    refused = caller.get("/api/v1/me")
    assert refused.status_code == 401
    assert refused.get_json() == {"errors": {"_": [
        "This API token has expired. Create a new one on your Account page."]}}
    (event,) = events(app, "api_token_refused")
    assert event.user_id == clinic.physio.id and event.detail == "expired" and event.outcome == "denied"


def test_tokens_from_before_expiry_count_from_their_creation(app, api, clinic):
    with app.app_context():
        for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == clinic.physio.id)):
            token.expires_at, token.created_at = None, utcnow() - timedelta(days=91)
        db.session.commit()
    assert api.physio.get("/api/v1/me").status_code == 401


def test_last_use_is_shown_on_the_page_and_in_the_api(app, api, clinic, login_as):
    assert api.physio.get("/api/v1/me").status_code == 200
    (listed,) = api.physio.get("/api/v1/me/tokens").get_json()
    assert listed["last_used_at"] and listed["expires_at"] and listed["ended_because"] is None
    page = login_as(clinic.physio).get("/account").data.decode()
    assert "last used never" not in page and "expires" in page


def test_a_password_change_ends_every_token_and_tells_the_owner(app, api, clinic, login_as, smtp_inbox):
    assert api.physician.get("/api/v1/me").status_code == 200
    client = login_as(clinic.physician)
    changed = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert changed.status_code == 302
    dead = api.physician.get("/api/v1/me")
    assert dead.status_code == 401 and "password changed" in dead.get_json()["errors"]["_"][0]
    assert b"ended: password changed" in client.get("/account").data
    (body,) = smtp_inbox.bodies(clinic.physician.email)
    assert "password of your careteam account was changed" in body
    assert "Alice" not in body and "note" not in body.lower()


def test_deactivation_kills_tokens_with_a_clear_message(app, api, clinic, login_as):
    login_as(clinic.admin).post(f"/admin/accounts/{clinic.physio.id}/deactivate")
    dead = api.physio.get("/api/v1/me")
    assert dead.status_code == 401 and "deactivated" in dead.get_json()["errors"]["_"][0]
    login_as(clinic.admin).post(f"/admin/accounts/{clinic.physio.id}/reactivate")
    assert api.physio.get("/api/v1/me").status_code == 401  # reactivation brings no token back


def test_someone_elses_token_cannot_be_revoked(app, api, clinic, smtp_inbox):
    other = make_token(api.physio).get_json()["id"]
    refused = api.physician.delete(f"/api/v1/me/tokens/{other}")
    assert refused.status_code == 404
    with app.app_context():
        assert db.session.get(ApiToken, other).revoked_at is None
    (event,) = events(app, "revoke", outcome="denied")
    assert event.user_id == clinic.physician.id and event.object_id == str(other)
    assert api.physio.delete(f"/api/v1/me/tokens/{other}").status_code == 204
    subjects = [m["Subject"] for m in smtp_inbox.to(clinic.physio.email)]
    assert subjects == ["A careteam API token was created", "A careteam API token was revoked"]


def test_the_tokens_page_offers_a_lifetime(app, clinic, login_as):
    client = login_as(clinic.physio)
    assert b'name="expires_in_days"' in client.get("/account").data
    bad = client.post("/account/tokens", data={"name": "x", "expires_in_days": "9999"})
    assert bad.status_code == 422 and b"Choose between 1 and 365 days." in bad.data
    assert client.post("/account/tokens", data={"name": "x", "expires_in_days": "30"}).status_code == 201


# --- no takeover by the admin -------------------------------------------------------------------


def test_without_email_an_admin_cannot_take_over_an_account_with_a_password(app, clinic, login_as):
    admin = login_as(clinic.admin)
    response = admin.post(f"/admin/accounts/{clinic.physician.id}/set-password-link", follow_redirects=True)
    html = response.data.decode()
    assert NO_TAKEOVER in html.replace("&#39;", "'")
    assert "/set-password/" not in html
    (event,) = events(app, "issue_set_password_link")
    assert event.outcome == "denied"
    assert b"you can deactivate the account but not take it over" in admin.get(
        f"/admin/accounts/{clinic.physician.id}").data


def test_a_reset_link_goes_only_to_the_owner_and_lives_an_hour(app, clinic, login_as, smtp_inbox, monkeypatch):
    admin = login_as(clinic.admin)
    response = admin.post(f"/admin/accounts/{clinic.physician.id}/set-password-link", follow_redirects=True)
    assert response.status_code == 200
    assert b"/set-password/" not in response.data and b"reset link was e-mailed to the account" in response.data
    (body,) = smtp_inbox.bodies(clinic.physician.email)
    assert "expires in 60 minutes" in body
    link = re.search(r"http://careteam.test(/set-password/\S+)", body).group(1)
    assert app.test_client().get(link).status_code == 200
    import time as time_module

    real = time_module.time
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: real() + 61 * 60)
    assert app.test_client().get(link).status_code == 404
    monkeypatch.setattr("itsdangerous.timed.time.time", real)
    used = app.test_client().post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert used.status_code == 302
    assert "password of your careteam account was changed" in smtp_inbox.bodies(clinic.physician.email)[-1]


def test_first_time_links_are_still_shown_to_the_admin_for_72_hours(app, clinic, login_as, monkeypatch):
    with app.app_context():
        newcomer = factories.user("physiotherapist", password=False)
        db.session.commit()
        newcomer_id = newcomer.id
    response = login_as(clinic.admin).post(f"/admin/accounts/{newcomer_id}/set-password-link")
    assert response.status_code == 201
    link = re.search(rb'data-testid="set-password-link">http://careteam.test([^<]+)<', response.data).group(1)
    import time as time_module

    real = time_module.time
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: real() + 71 * 3600)
    assert app.test_client().get(link.decode()).status_code == 200


@pytest.mark.parametrize("password,message", [
    ("password1234", b"This is a very common password."),
    ("careteam rules forever", b"Do not use your e-mail address, your name"),
])
def test_weak_and_context_passwords_are_refused_with_input_kept(app, clinic, login_as, password, message):
    client = login_as(clinic.physio)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": password, "confirm": password})
    assert response.status_code == 422 and message in response.data
    assert b"That is not your current password" not in response.data


def test_the_persons_own_email_and_name_are_refused(app, clinic, login_as):
    client = login_as(clinic.physio)
    local = clinic.physio.email.split("@")[0]
    for password in (clinic.physio.email, f"{local} is my password", "Oscar Pat Physio words"):
        response = client.post("/account/password", data={
            "current_password": PASSWORD, "new_password": password, "confirm": password})
        assert response.status_code == 422 and b"your e-mail address, your name" in response.data, password
