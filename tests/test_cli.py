"""flask commands: create-user and demo-data."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from careteam import create_app
from careteam.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from careteam.extensions import db
from careteam.models import CareTeamMember, Patient, User
from careteam.services.credentials import verify_password
from tests.conftest import make_config


@pytest.fixture
def empty_app(tmp_path):
    app = create_app(make_config(f"sqlite:///{tmp_path}/cli.sqlite"))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.no_rollback
def test_create_user_asks_for_the_password(empty_app):
    runner = empty_app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--email", "Boss@Clinic.example.org", "--role", "admin"],
                           input="a long admin passphrase\na long admin passphrase\n")
    assert result.exit_code == 0, result.output
    assert "created boss@clinic.example.org (admin)" in result.output
    with empty_app.app_context():
        boss = db.session.scalar(select(User).where(User.email == "boss@clinic.example.org"))
        assert verify_password(boss.password_hash, "a long admin passphrase")


@pytest.mark.no_rollback
def test_create_user_refuses_a_short_password_and_a_duplicate(empty_app):
    runner = empty_app.test_cli_runner()
    short = runner.invoke(args=["create-user", "--email", "a@example.org", "--role", "physician"],
                          input="short\nshort\n")
    assert short.exit_code == 1 and "at least 12" in short.output
    args = ["create-user", "--email", "a@example.org", "--role", "physician", "--password", "long enough password"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code == 1 and "already exists" in again.output


@pytest.mark.no_rollback
def test_demo_data_prints_every_sign_in_and_the_password(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for account in DEMO_ACCOUNTS:
        assert any(account.email in line and account.role.value in line for line in lines)
    assert f"password: {DEMO_PASSWORD}" in lines
    with empty_app.app_context():
        users = db.session.scalars(select(User)).all()
        assert all(verify_password(u.password_hash, DEMO_PASSWORD) for u in users[:2])
        teams = {
            patient.user.email: {m.clinician.email for m in patient.team}
            for patient in db.session.scalars(select(Patient))
        }
    assert "dr.okafor@example.org" in teams["maria.lopez@example.org"]
    assert "dr.okafor@example.org" not in teams["tom.becker@example.org"]
    assert teams["maria.lopez@example.org"] != teams["tom.becker@example.org"]


@pytest.mark.no_rollback
def test_demo_data_loads_only_into_an_empty_database(empty_app):
    runner = empty_app.test_cli_runner()
    runner.invoke(args=["demo-data"])
    refused = runner.invoke(args=["demo-data"])
    assert refused.exit_code != 0 and "not empty" in refused.output
    quiet = runner.invoke(args=["demo-data", "--if-empty"])
    assert quiet.exit_code == 0 and f"password: {DEMO_PASSWORD}" in quiet.output
    with empty_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CareTeamMember)) == 5


@pytest.mark.no_rollback
def test_api_token_prints_a_token_that_signs_in_to_the_api(empty_app):
    runner = empty_app.test_cli_runner()
    runner.invoke(args=["demo-data"])
    email = DEMO_ACCOUNTS[0].email
    result = runner.invoke(args=["api-token", email, "--name", "fuzzing"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    response = empty_app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["email"] == email
    refused = runner.invoke(args=["api-token", "nobody@example.org"])
    assert refused.exit_code != 0 and "No active account" in refused.output
