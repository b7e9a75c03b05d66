"""The patient's one tap on a phone, and a psychologist's exposure page on a desktop."""

from __future__ import annotations

from playwright.sync_api import expect

from careteam.domain.vocabulary import RED_FLAG_LABELS
from tests.browser.helpers import screenshot, sign_in

TOM = "tom.becker@example.org"  # patient B: nobody else's browser test records his flare days
MARIA = "maria.lopez@example.org"


def test_patient_opens_the_flare_page_and_records_today(live_server, phone_page):
    page = phone_page
    sign_in(page, live_server.url, TOM)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="I'm having a flare").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You're having a flare")
    help_box = page.locator("section.flare-help")
    for label in RED_FLAG_LABELS.values():
        expect(help_box).to_contain_text(label)
    screenshot(page, "flare-now-phone")
    record = page.get_by_role("button", name="Record today as a flare day")
    if record.count():  # idempotent: a rerun against the same live server finds today recorded
        record.click()
    expect(page.get_by_role("status")).to_contain_text("recorded as a flare day")
    expect(page.get_by_role("status")).to_contain_text("this week's check-in")
    expect(page.get_by_role("button", name="Record today as a flare day")).to_have_count(0)
    screenshot(page, "flare-now-phone-recorded")


def test_psychologist_adds_an_item_and_the_patient_logs_an_attempt(live_server, browser):
    psych = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    patient_id = live_server.patient_id(MARIA)
    sign_in(psych, live_server.url, "dr.hoffmann@example.org")
    psych.goto(f"{live_server.url}/patients/{patient_id}/exposure")
    psych.get_by_label("Feared or avoided activity").fill("Browser test: reach the top shelf")
    psych.get_by_role("spinbutton", name="Fear rating").fill("2")
    psych.get_by_role("spinbutton", name="Expectancy").fill("50")
    psych.get_by_role("button", name="Add to the hierarchy").click()
    item = psych.locator("li.exposure-item", has_text="Browser test: reach the top shelf")
    expect(item).to_be_visible()
    screenshot(psych, "exposure-desktop")
    psych.context.close()

    patient = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    sign_in(patient, live_server.url, MARIA)
    patient.goto(f"{live_server.url}/patients/{patient_id}/exposure")
    patient.get_by_role("link", name="Log an attempt at Browser test: reach the top shelf").click()
    patient.get_by_label("Before: how likely").fill("50")
    patient.get_by_label("No", exact=True).check()
    patient.get_by_label("After: how likely").fill("10")
    patient.get_by_label("What did you learn?").fill("The shelf is fine")
    patient.get_by_role("button", name="Save the attempt").click()
    expect(patient.locator("li.attempt").first).to_contain_text("50 → 10")
    expect(patient.locator("li.attempt").first).to_contain_text("The shelf is fine")
    patient.context.close()
