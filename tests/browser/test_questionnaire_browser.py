"""A PHQ-9 in a real browser: the psychologist assigns it, Maria answers on a 390 px phone and sees
the crisis guidance at once; the physician and the psychologist then see the safety alert."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from careteam.services.instruments import load_catalogue
from tests.browser.conftest import DESKTOP, TIMEOUT_MS
from tests.browser.helpers import screenshot, sign_in

MARIA = "maria.lopez@example.org"
PHQ9 = load_catalogue(None).get("phq9")
ANSWERS = [1, 2, 1, 2, 1, 1, 0, 0, 1]  # the published example: 9, mild, item 9 flagged


def test_phq9_on_a_phone_shows_crisis_guidance_and_alerts_the_team(live_server, browser, phone_page, page):
    patient_id = live_server.patient_id(MARIA)
    sign_in(page, live_server.url, "dr.hoffmann@example.org")
    page.goto(f"{live_server.url}/patients/{patient_id}/measures")
    expect(page.get_by_role("heading", name="Scores")).to_be_visible()
    page.get_by_role("combobox", name="Questionnaire").select_option("phq9")
    with page.expect_navigation():
        page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Questionnaire assigned.")).to_be_visible()

    phone = phone_page
    sign_in(phone, live_server.url, MARIA)
    phone.goto(f"{live_server.url}/patients/{patient_id}")
    with phone.expect_navigation():
        phone.get_by_role("link", name="Answer PHQ-9").first.click()
    expect(phone.get_by_text("Over the last 2 weeks, how often have you been bothered")).to_be_visible()
    expect(phone.get_by_text("4 of 9", exact=True)).to_be_visible()
    for item, value in zip(PHQ9.items[:-1], ANSWERS[:-1], strict=True):
        group = phone.get_by_role("group", name=re.compile(re.escape(item.text[:30])))
        group.get_by_label(item.option(value).text, exact=True).check()
    # Send with the last item missing: an error, and every answer so far kept.
    with phone.expect_navigation():
        phone.get_by_role("button", name="Send answers").click()
    expect(phone.get_by_text("Please answer the question marked below.")).to_be_visible()
    first = phone.get_by_role("group", name=re.compile("Little interest"))
    expect(first.get_by_label("Several days", exact=True)).to_be_checked()
    last = phone.get_by_role("group", name=re.compile("better off dead"))
    last.get_by_label("Several days", exact=True).check()
    box = last.get_by_text("Several days", exact=True).bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a big tap target on the phone
    with phone.expect_navigation():
        phone.get_by_role("button", name="Send answers").click()
    guidance = phone.get_by_role("alert").filter(has_text="You do not have to face this alone")
    expect(guidance).to_be_visible()
    expect(guidance).to_contain_text(live_server.app.config["CARETEAM_EMERGENCY_NUMBER"])
    expect(guidance).to_contain_text(live_server.app.config["CARETEAM_CLINIC_PHONE"])
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "phq9-crisis-guidance-phone")

    for email in ("dr.okafor@example.org", "dr.hoffmann@example.org"):
        context = browser.new_context(**DESKTOP)
        desk = context.new_page()
        desk.set_default_timeout(TIMEOUT_MS)
        sign_in(desk, live_server.url, email)
        desk.goto(f"{live_server.url}/patients/{patient_id}")
        expect(desk.get_by_role("alert").filter(has_text="PHQ-9 item 9").first).to_be_visible()
        desk.goto(f"{live_server.url}/patients/{patient_id}/alerts")
        open_alert = desk.locator("li.alert-item.open").filter(has_text="PHQ-9 item 9")
        expect(open_alert).to_have_count(1)
        expect(open_alert.get_by_role("button", name="Acknowledge")).to_be_visible()
        context.close()

    page.goto(f"{live_server.url}/patients/{patient_id}/alerts")
    alert = page.locator("li.alert-item.open").filter(has_text="PHQ-9 item 9")
    alert.get_by_label("What was done").fill("Called Maria; she is safe and has an appointment tomorrow.")
    with page.expect_navigation():
        alert.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Alert acknowledged by you.")).to_be_visible()
