"""Graded activity in a real browser: the physiotherapist sets up a plan from a baseline, the
patient logs a session on a phone and answers the next-day question, the physiotherapist
accepts the suggested progress. Works on its own plan for Tom Becker."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from careteam.services import clock
from tests.browser.helpers import screenshot, sign_in

TOM = "tom.becker@example.org"
PHYSIO = "priya.nair@example.org"
ACTIVITY = "Stair climbing (browser test)"


def test_plan_from_baseline_to_accepted_progress(live_server, page, phone_page):
    with live_server.app.app_context():
        today = clock.today()

    def days_ago(days: int) -> str:
        return (today - timedelta(days=days)).isoformat()

    sign_in(page, live_server.url, PHYSIO)
    page.goto(f"{live_server.url}/patients/{live_server.patient_id(TOM)}/activity")
    page.get_by_role("link", name="New plan").click()
    page.get_by_role("textbox", name="Activity").fill(ACTIVITY)
    page.get_by_label("Measured in").select_option("reps")
    page.get_by_label("Progression").select_option("symptom_guided")
    page.get_by_label("Increase by").fill("2")
    page.get_by_label("Goal (in that unit)").fill("30")
    page.get_by_role("button", name="Create plan").click()
    expect(page.get_by_role("heading", name=ACTIVITY)).to_be_visible()

    for day, reps in ((4, 14), (3, 16), (2, 15)):  # measured in clinic
        page.get_by_label("How many reps?").fill(str(reps))
        page.get_by_role("textbox", name="Day").fill(days_ago(day))
        page.get_by_role("button", name="Add baseline session").click()
        expect(page.get_by_text("Baseline session saved.")).to_be_visible()
    page.get_by_label("Start date").fill(days_ago(1))
    page.get_by_role("button", name="Start the plan at 12 reps").click()
    expect(page.get_by_text("Plan started. Today's quota is on this page.")).to_be_visible()
    plan_url = page.url

    sign_in(phone_page, live_server.url, TOM)
    phone_page.goto(plan_url)
    expect(phone_page.get_by_text("12 reps of stair climbing (browser test)")).to_be_visible()
    phone_page.get_by_label("How many reps did you do?").fill("12")
    phone_page.get_by_role("textbox", name="Day").fill(days_ago(1))
    phone_page.get_by_role("button", name="Save").click()
    expect(phone_page.get_by_role("heading", name="Yesterday you did 12 reps")).to_be_visible()
    screenshot(phone_page, "activity-patient-phone")
    phone_page.get_by_role("button", name="Yes, back to my usual").click()
    expect(phone_page.get_by_text("Thank you, your answer is saved.")).to_be_visible()
    expect(phone_page.get_by_text("Were you back to your usual level")).to_have_count(0)

    page.goto(plan_url)
    expect(page.get_by_text("Back to the usual level within 24 hours")).to_be_visible()
    screenshot(page, "activity-physio-desktop")
    page.get_by_role("button", name="Accept: set 14 reps").click()
    expect(page.get_by_text("Suggestion accepted: today's quota is set.")).to_be_visible()
    expect(page.locator(".ga-glance .ga-now")).to_have_text("14 reps")
