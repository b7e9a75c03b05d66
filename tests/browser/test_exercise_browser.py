"""Exercise dosing in a real browser: a physiotherapist changes a dose, a stale second tab gets
the conflict page with its input kept, and a patient logs a session and answers the next-day
question on a phone. Each test prescribes its own uniquely named exercise (the live server is
shared), through the services, as Priya Nair."""

from __future__ import annotations

import uuid
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import User
from careteam.services import clock, exercises
from tests.browser.helpers import screenshot, sign_in

PRIYA = "priya.nair@example.org"
MARIA = "maria.lopez@example.org"


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def prescribe(live_server, started_days_ago: int = 0) -> tuple[int, int, str]:
    """A new Bridge for Maria, 3 × 10 three times a week: (patient id, prescription id, name)."""
    name = f"Bridge {uuid.uuid4().hex[:6]}"
    patient_id = live_server.patient_id(MARIA)
    with live_server.app.app_context():
        start = clock.today() - timedelta(days=started_days_ago)
        prescription = exercises.create_prescription(
            _user(PRIYA), patient_id, {"name": name, "instructions": "Lift the hips, hold, lower slowly."},
            {"sets": 3, "reps": 10, "sessions_per_week": 3, "effective_from": start}, "Starting dose")
        return patient_id, prescription.id, name


def open_dose_form(page: Page, base_url: str, patient_id: int, prescription_id: int, name: str) -> None:
    page.goto(f"{base_url}/patients/{patient_id}/exercises/{prescription_id}/dose")
    expect(page.get_by_role("heading", name=f"Change the dose of {name}")).to_be_visible()


def test_physio_changes_a_dose(live_server, page):
    patient_id, prescription_id, name = prescribe(live_server)
    sign_in(page, live_server.url, PRIYA)
    page.goto(f"{live_server.url}/patients/{patient_id}/exercises")
    page.get_by_role("link", name=f"Change dose of {name}").click()
    expect(page.get_by_role("heading", name=f"Change the dose of {name}")).to_be_visible()
    expect(page.get_by_label("Repetitions per set")).to_have_value("10")

    page.get_by_label("Repetitions per set").fill("12")
    page.get_by_label("Load (kg)").fill("2.5")
    page.get_by_label("Reason").fill("Back to usual within 24 hours all week")
    screenshot(page, "exercise-dose-form")
    page.get_by_role("button", name="Save new dose").click()

    expect(page).to_have_url(f"{live_server.url}/patients/{patient_id}/exercises")
    expect(page.get_by_role("status")).to_contain_text("New dose saved.")
    card = page.get_by_role("article", name=name)
    expect(card.locator(".dose-now")).to_have_text("3 × 12, 2.5 kg, 3×/week")
    history = card.locator("details.history tbody tr")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("Back to usual within 24 hours all week")
    expect(history.first).to_contain_text("Priya Nair")
    expect(history.last).to_contain_text("3 × 10, 3×/week")
    screenshot(page, "exercise-programme")


def test_a_stale_second_tab_gets_the_conflict_page_with_its_input_kept(live_server, page):
    patient_id, prescription_id, name = prescribe(live_server)
    sign_in(page, live_server.url, PRIYA)
    second = page.context.new_page()
    open_dose_form(page, live_server.url, patient_id, prescription_id, name)
    open_dose_form(second, live_server.url, patient_id, prescription_id, name)

    page.get_by_label("Repetitions per set").fill("12")
    page.get_by_label("Reason").fill("First tab: progressing")
    page.get_by_role("button", name="Save new dose").click()
    expect(page.get_by_role("status")).to_contain_text("New dose saved")

    second.get_by_label("Sets (required)").fill("4")
    second.get_by_label("Or a band").fill("red")
    second.get_by_label("Reason").fill("Second tab: my own plan")
    with second.expect_navigation() as navigation:
        second.get_by_role("button", name="Save new dose").click()
    assert navigation.value.status == 409

    expect(second.get_by_role("alert")).to_contain_text("Priya Nair changed this exercise at")
    expect(second.get_by_role("alert")).to_contain_text("while you were editing")
    expect(second.locator(".card.current .dose-now")).to_have_text("3 × 12, 3×/week")
    expect(second.get_by_label("Sets (required)")).to_have_value("4")
    expect(second.get_by_label("Or a band")).to_have_value("red")
    expect(second.get_by_label("Reason")).to_have_value("Second tab: my own plan")
    screenshot(second, "exercise-dose-conflict")

    second.get_by_role("button", name="Save on top of the current dose").click()
    expect(second.get_by_role("status")).to_contain_text("New dose saved.")
    expect(second.get_by_role("article", name=name).locator("details.history tbody tr")).to_have_count(3)


def test_patient_logs_a_session_and_answers_the_next_day_question_on_a_phone(live_server, phone_page):
    patient_id, prescription_id, name = prescribe(live_server, started_days_ago=3)
    with live_server.app.app_context():
        yesterday = clock.today() - timedelta(days=1)
        exercises.log_session(_user(MARIA), patient_id, prescription_id, yesterday, 3, 10, 2, 3)
    page = phone_page
    sign_in(page, live_server.url, MARIA)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()

    card = page.get_by_role("article", name=name)
    expect(card).to_contain_text("3 sets of 10 repetitions. 3 times a week.")
    card.get_by_text("Log a session").click()
    expect(card.get_by_label("Day")).to_have_value(clock.today().isoformat())
    expect(card.get_by_label("Repetitions per set")).to_have_value("10")
    card.get_by_label("Repetitions per set").fill("8")
    card.get_by_label("Pain before").select_option("3")
    card.get_by_label("Pain after").select_option("4")
    screenshot(page, "exercise-today-phone")
    card.get_by_role("button", name="Save session").click()

    expect(page.get_by_role("status")).to_contain_text("Session logged")
    expect(page.get_by_role("article", name=name)).to_contain_text("Done today 3 sets of 8")
    question = page.locator("form.next-day", has_text=name)
    expect(question).to_contain_text("Back to your usual level within 24 hours?")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    question.get_by_role("button", name="Yes").click()

    expect(page.get_by_role("status")).to_contain_text("your body handled that dose")
    expect(page.locator("form.next-day", has_text=name)).to_have_count(0)
    screenshot(page, "exercise-today-phone-answered")
