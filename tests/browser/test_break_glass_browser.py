"""Break-glass and the idle-timeout warning in a real browser."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from careteam.demo import DEMO_PASSWORD
from tests.browser.helpers import screenshot, sign_in

TOM = "tom.becker@example.org"
MARIA = "maria.lopez@example.org"
REASON = "Brought in after a fall, cannot speak; checking his medication and plan"


def test_a_clinician_outside_the_team_opens_a_record_in_an_emergency(live_server, page, browser):
    tom = live_server.patient_id(TOM)
    sign_in(page, live_server.url, "dr.hoffmann@example.org")  # Maria's psychologist, not Tom's
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Emergency access").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency access")

    page.get_by_label("Record number or the patient's e-mail address").fill(str(tom))
    page.get_by_label("Reason for emergency access").fill("urgent")
    page.get_by_role("button", name="Open the record under emergency access").click()
    expect(page.get_by_text("Give the reason for emergency access in at least 20 characters")).to_be_visible()

    page.get_by_label("Reason for emergency access").fill(REASON)
    page.get_by_role("button", name="Open the record under emergency access").click()
    expect(page).to_have_url(f"{live_server.url}/patients/{tom}")
    banner = page.get_by_role("region", name="Emergency access")
    expect(banner).to_contain_text("Emergency access — read-only.")
    expect(banner).to_contain_text(REASON)
    expect(banner).to_contain_text(re.compile(r"Ends in (59|60) minutes"))
    screenshot(page, "break-glass-record")

    page.goto(f"{live_server.url}/patients/{tom}/notes")
    expect(page.get_by_role("region", name="Emergency access")).to_be_visible()
    expect(page.get_by_role("heading", name="Write a note")).to_have_count(0)  # read-only

    # Tom reads who opened his record and why.
    context = browser.new_context()
    tom_page = context.new_page()
    sign_in(tom_page, live_server.url, TOM)
    tom_page.goto(f"{live_server.url}/patients/{tom}/access-log")
    expect(tom_page.get_by_text(f"Emergency access by Dr. Lena Hoffmann: {REASON}")).to_be_visible()
    context.close()

    page.get_by_role("button", name="End emergency access now").click()
    expect(page.get_by_text("Emergency access ended.")).to_be_visible()
    response = page.goto(f"{live_server.url}/patients/{tom}")
    assert response.status == 404


def note_box(page):
    return page.get_by_role("textbox", name=re.compile(r"^Note\b"))


def test_the_idle_warning_and_a_draft_that_survives_the_session(live_server, page, monkeypatch):
    maria = live_server.patient_id(MARIA)
    page.clock.install()
    sign_in(page, live_server.url, "dr.okafor@example.org")
    page.goto(f"{live_server.url}/patients/{maria}/notes")
    text = "Discussed pacing at work: stand 2 minutes every 25 minutes of sitting."
    note_box(page).fill(text)

    # Two minutes before the 30-minute idle timeout: the warning, and "Stay signed in" works.
    page.clock.fast_forward("28:05")
    dialog = page.get_by_role("alertdialog", name="Are you still there?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("signed out in two minutes")
    screenshot(page, "idle-warning")
    with page.expect_response(lambda r: r.url.endswith("/session/keepalive")) as answer:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert answer.value.status == 204
    expect(dialog).to_be_hidden()

    # The person is away after all: the server's session ends (31 idle minutes later).
    started = time.time()
    monkeypatch.setattr("careteam.web.hooks._now", lambda: started + 62 * 60)
    page.get_by_role("button", name="Save note").click()
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_text("comes back after you sign in")).to_be_visible()
    page.get_by_label("E-mail").fill("dr.okafor@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/patients/{maria}/notes")
    expect(note_box(page)).to_have_value(text)
    expect(page.get_by_text("what you typed is back")).to_be_visible()
    page.get_by_role("button", name="Save note").click()  # the page's fresh CSRF token goes along
    expect(page.locator(".notes-read")).to_contain_text(text)
    expect(note_box(page)).to_have_value("")
    # Saved, the draft is gone: the page does not fill the form again.
    page.reload()
    expect(note_box(page)).to_have_value("")
