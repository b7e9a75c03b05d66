"""Admins change an account's name, e-mail and role (issue 14, item 7)."""

from __future__ import annotations

from sqlalchemy import select

from careteam.extensions import db
from careteam.models import ApiToken, AuditEvent, User
from tests import factories


def _user(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def _updates(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "update", AuditEvent.object_type == "user",
                                            AuditEvent.object_id == str(user_id)).order_by(AuditEvent.id)))


def test_the_account_page_offers_the_details_form_filled_in(clinic, login_as):
    page = login_as(clinic.admin).get(f"/admin/accounts/{clinic.outside_physio.id}").get_data(as_text=True)
    assert 'action="/admin/accounts/%d/edit"' % clinic.outside_physio.id in page
    assert f'value="{clinic.outside_physio.email}"' in page and 'value="Oscar Outside"' in page
    assert '<option selected value="physiotherapist">' in page


def test_a_name_and_e_mail_change_is_saved_audited_and_told_to_both_addresses(app, clinic, login_as, smtp_inbox):
    old = clinic.outside_physio.email
    response = login_as(clinic.admin).post(f"/admin/accounts/{clinic.outside_physio.id}/edit", data={
        "name": "Oscar Outsider", "email": " Oscar.New@Example.org ", "role": "physiotherapist"})
    assert response.status_code == 302
    user = _user(app, clinic.outside_physio.id)
    assert (user.name, user.email, user.role) == ("Oscar Outsider", "oscar.new@example.org", "physiotherapist")
    assert user.session_token == clinic.outside_physio.session_token  # no role change: still signed in
    assert _updates(app, user.id) == ["name: Oscar Outside → Oscar Outsider",
                                      f"email: {old} → oscar.new@example.org"]
    [to_old] = smtp_inbox.bodies(old)
    [to_new] = smtp_inbox.bodies("oscar.new@example.org")
    assert "no longer used" in to_old and "oscar.new" not in to_old  # neutral: no other address
    assert "sign in" in to_new and old not in to_new


def test_a_role_change_ends_sessions_and_tokens_and_is_audited(app, clinic, login_as):
    with app.app_context():
        token = factories.api_token_for(db.session.get(User, clinic.outside_psych.id))
    victim = app.test_client()
    factories.sign_in_session(victim, clinic.outside_psych)
    assert victim.get("/account").status_code == 200
    response = login_as(clinic.admin).post(f"/admin/accounts/{clinic.outside_psych.id}/edit", data={
        "name": clinic.outside_psych.name, "email": clinic.outside_psych.email, "role": "physician"})
    assert response.status_code == 302
    assert _user(app, clinic.outside_psych.id).role == "physician"
    assert victim.get("/account").status_code == 302  # the old session no longer works
    refused = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401 and "role changed" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ApiToken.revoked_reason).where(
            ApiToken.user_id == clinic.outside_psych.id).order_by(ApiToken.id.desc())) == "role changed"
    assert _updates(app, clinic.outside_psych.id) == ["role: psychologist → physician"]


def test_every_problem_shows_in_one_round_and_input_is_kept(clinic, login_as):
    response = login_as(clinic.admin).post(f"/admin/accounts/{clinic.physician.id}/edit", data={
        "name": "", "email": "not-an-email", "role": "patient"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter the person&#39;s name." in page
    assert "not-an-email" in page and 'id="email-error"' in page
    assert "is on a care team as physician" in page  # the role rule in the same round
    assert page.count('aria-invalid="true"') == 3


def test_a_taken_e_mail_is_a_clear_form_error(app, clinic, login_as):
    response = login_as(clinic.admin).post(f"/admin/accounts/{clinic.outside_physio.id}/edit", data={
        "name": "Oscar Outside", "email": clinic.physician.email.upper(), "role": "physiotherapist"})
    assert response.status_code == 409
    assert "Another account already uses this e-mail address." in response.get_data(as_text=True)
    assert _user(app, clinic.outside_physio.id).email == clinic.outside_physio.email


def test_role_changes_that_would_break_a_care_team_or_a_record_are_refused(app, clinic, login_as):
    client = login_as(clinic.admin)
    on_team = client.post(f"/admin/accounts/{clinic.psych.id}/edit", data={
        "name": clinic.psych.name, "email": clinic.psych.email, "role": "physician"})
    assert on_team.status_code == 422
    assert "Remove them from it first" in on_team.get_data(as_text=True)
    owner = client.post(f"/admin/accounts/{clinic.patient_a.id}/edit", data={
        "name": clinic.patient_a.name, "email": clinic.patient_a.email, "role": "physiotherapist"})
    assert owner.status_code == 422 and "owns a patient record" in owner.get_data(as_text=True)
    own = client.post(f"/admin/accounts/{clinic.admin.id}/edit", data={
        "name": clinic.admin.name, "email": clinic.admin.email, "role": "physician"})
    assert own.status_code == 422 and "cannot change your own role" in own.get_data(as_text=True)
    assert [_user(app, u.id).role for u in (clinic.psych, clinic.patient_a, clinic.admin)] == [
        "psychologist", "patient", "admin"]
    assert _updates(app, clinic.psych.id) == []


def test_a_long_e_mail_change_keeps_both_ends_in_the_audit_detail(app, clinic):
    from careteam.services.accounts import _change_detail

    long_old = "a" * 100 + "@old-clinic.example"
    detail = _change_detail("email", long_old, "new@new-clinic.example")
    assert len(detail) <= 80 and detail.endswith("→ new@new-clinic.example")
    assert detail.startswith("email: aaaa") and "old-clinic.example" in detail


def test_only_admins_may_change_accounts(clinic, login_as):
    response = login_as(clinic.physician).post(f"/admin/accounts/{clinic.outside_physio.id}/edit", data={
        "name": "x", "email": "x@example.org", "role": "admin"})
    assert response.status_code == 403


def test_the_api_changes_an_account_and_answers_409_for_a_taken_e_mail(app, clinic, api):
    url = f"/api/v1/admin/accounts/{clinic.outside_physician.id}"
    changed = api.admin.patch(url, json={"name": "Dr. Olga Outsider"})
    assert changed.status_code == 200 and changed.get_json()["name"] == "Dr. Olga Outsider"
    taken = api.admin.patch(url, json={"email": clinic.psych.email})
    assert taken.status_code == 409
    assert taken.get_json()["errors"] == {"email": ["Another account already uses this e-mail address."]}
    refused = api.admin.patch(f"/api/v1/admin/accounts/{clinic.physician.id}", json={"role": "admin", "email": "not-an-email"})
    assert refused.status_code == 422 and set(refused.get_json()["errors"]) == {"role", "email"}
    assert api.physician.patch(f"/api/v1/admin/accounts/{clinic.physician.id}", json={"name": "Me"}).status_code == 403
    assert api.admin.patch("/api/v1/admin/accounts/999999", json={"name": "x"}).status_code == 404
