"""The weekly check-in in a real browser: a patient on her phone, the team on a desktop.

The live server is shared and its demo data may already hold check-ins and alerts for Maria:
one test uses this week, the other last week, and each sets every value it checks.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from careteam.domain.vocabulary import RED_FLAG_LABELS, RedFlag
from careteam.services import clock
from tests.browser.helpers import screenshot, sign_in

MARIA = "maria.lopez@example.org"
PAIN = {
    "What number best describes your pain on average this week?": 3,
    "Your worst pain this week?": 6,
    "How much did pain interfere with your enjoyment of life?": 2,
    "How much did pain interfere with your general activity?": 4,
}


def this_monday(live_server) -> date:
    with live_server.app.app_context():
        today = clock.today()
    return today - timedelta(days=today.weekday())


def day(value: date) -> str:
    return value.strftime("%-d %b %Y")


def answer_pain_questions(page: Page) -> None:
    for question, number in PAIN.items():
        page.get_by_role("group", name=question).get_by_label(str(number), exact=True).check()


def untick_red_flags(page: Page) -> None:
    for label in RED_FLAG_LABELS.values():
        page.get_by_label(label).uncheck()


def send(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Send my")).click()


def test_patient_checks_in_on_her_phone_and_the_physiotherapist_sees_the_week(live_server, phone_page, page):
    week = this_monday(live_server)
    maria = live_server.patient_id(MARIA)
    sign_in(phone_page, live_server.url, MARIA)

    phone_page.get_by_role("navigation", name="Main").get_by_role("link", name="Weekly check-in").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Weekly check-in")
    expect(phone_page).to_have_url(f"{live_server.url}/patients/{maria}/check-ins/{week.isoformat()}")
    answer_pain_questions(phone_page)
    # Sleep, stress and mood fold away under last week's answers: she answers them differently.
    phone_page.get_by_role("region", name="Sleep, stress and mood").get_by_text("Answer differently").click()
    phone_page.get_by_label("Hours of sleep on a usual night").fill("6,5")
    phone_page.get_by_role("group", name="How stressed did you feel?").get_by_label("7", exact=True).check()
    untick_red_flags(phone_page)
    phone_page.get_by_text("What helped, what did not, a question for your team").click()
    phone_page.get_by_label("What helped most this week?").fill("Heat pack in the evening")
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone_page, "checkin-form-phone")
    send(phone_page)

    expect(phone_page.get_by_role("status")).to_contain_text("is saved")
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("Check-in · week of")
    expect(phone_page.get_by_text("You ticked a warning sign")).to_have_count(0)
    expect(phone_page.locator("main")).to_contain_text("6.5 h a night")
    screenshot(phone_page, "checkin-saved-phone")

    sign_in(page, live_server.url, "priya.nair@example.org")
    page.goto(f"{live_server.url}/patients/{maria}")
    # The dashboard's trend card reports the week just sent, with its numbers.
    expect(page.get_by_text(f"Latest check-in, week of {day(week)}: pain 3/10 (worst 6)")).to_be_visible()
    page.get_by_role("navigation", name="Record").get_by_role("link", name="Check-ins").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=day(week), exact=True))
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell")).to_have_text(["3", "6", "3.0", re.compile(r"6\.5 h"), "7",
                                                 re.compile(r".*"), re.compile(r"\d"), re.compile(r".*")])
    screenshot(page, "checkins-team-list")
    row.get_by_role("link", name=day(week)).click()
    expect(page.locator("main")).to_contain_text("Heat pack in the evening")
    screenshot(page, "checkin-team-detail")


def test_red_flag_guidance_then_the_physician_acknowledges_the_alert(live_server, phone_page, page):
    last_week = this_monday(live_server) - timedelta(weeks=1)
    maria = live_server.patient_id(MARIA)
    form_url = f"{live_server.url}/patients/{maria}/check-ins/{last_week.isoformat()}"
    saddle = RED_FLAG_LABELS[RedFlag.SADDLE_NUMBNESS]
    sign_in(phone_page, live_server.url, MARIA)

    phone_page.goto(form_url)  # first without flags, so that the one ticked next is new
    answer_pain_questions(phone_page)
    untick_red_flags(phone_page)
    send(phone_page)
    phone_page.goto(form_url)
    phone_page.get_by_label(saddle).check()
    send(phone_page)

    guidance = phone_page.get_by_role("alert").filter(has_text="You ticked a warning sign")
    expect(guidance).to_be_visible()
    expect(guidance).to_contain_text(saddle)
    expect(guidance.get_by_role("heading", name="Call emergency services now")).to_be_visible()
    expect(guidance).to_contain_text("contact your physician today")
    assert guidance.bounding_box()["y"] < 844, "the guidance shows without scrolling"
    screenshot(phone_page, "checkin-red-flag-guidance-phone")

    sign_in(page, live_server.url, "dr.okafor@example.org")
    # The bell in the header counts the new alert; its entry says nothing about the record.
    bell = page.get_by_test_id("bell")
    expect(bell).to_have_attribute("aria-label", re.compile(r"Notifications, [1-9]\d* unread"))
    bell.click()
    entry = page.locator("li.notification.unread").first
    expect(entry).to_contain_text("New alert on a patient's record")
    expect(page.locator("main")).not_to_contain_text("Maria")
    screenshot(page, "notifications-bell-list")
    with page.expect_navigation():
        entry.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/patients/{maria}/alerts"))
    alert = page.locator("li.alert-item").filter(has_text=f"week of {day(last_week)}").filter(has_text=saddle).first
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Physicians on the care team notified")
    alert_id = alert.get_attribute("id")
    screenshot(page, "alerts-open")
    note = alert.get_by_role("textbox", name="What was done")
    expect(note).to_have_attribute("required", "")  # the server refuses an empty note too (tested)
    note.fill("Called Maria, advised emergency department")
    with page.expect_navigation():
        alert.get_by_role("button", name="Acknowledge").click()

    expect(page.get_by_role("status")).to_have_text("Alert acknowledged by you.")
    expect(page.locator(f"#{alert_id}")).to_have_count(0)
    history = page.get_by_role("region", name="Acknowledged")
    expect(history.get_by_role("row").filter(has_text=f"week of {day(last_week)}").first).to_contain_text(
        "Seen by Dr. Amara Okafor at")
    expect(history).to_contain_text("Called Maria, advised emergency department")
    screenshot(page, "alerts-acknowledged")

    phone_page.goto(f"{live_server.url}/patients/{maria}/alerts")
    mine = phone_page.get_by_role("region", name="Acknowledged")
    expect(mine.get_by_role("row").filter(has_text=f"week of {day(last_week)}").first).to_contain_text(
        "Seen by Dr. Amara Okafor at")
    expect(mine).not_to_contain_text("advised emergency department")
