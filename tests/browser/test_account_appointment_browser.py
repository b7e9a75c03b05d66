"""Editing an account and recording an appointment's details, in a real browser at 1280 and 390 px.

The live server is shared by the session: the account test makes its own person, and the
appointment is added to Maria's record with a unique place so the test finds its own.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE
from tests.browser.helpers import screenshot, sign_in

ADMIN = "admin@example.org"
PRIYA = "priya.nair@example.org"
MARIA = "maria.lopez@example.org"
LINK = "https://video.clinic.example/room/maria"


def _fits(page: Page) -> None:
    """Nothing wider than the screen: no sideways scrolling on a phone."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} is {overflow} px wider than the screen"


def test_admin_changes_a_name_e_mail_and_role(live_server, page, phone_page):
    tag = uuid.uuid4().hex[:8]
    sign_in(page, live_server.url, ADMIN)
    page.goto(f"{live_server.url}/admin/accounts/new")
    page.get_by_label("Full name").fill(f"Robin Test {tag}")
    page.get_by_label("E-mail").fill(f"robin.{tag}@example.org")
    page.get_by_label("Role").select_option("physiotherapist")
    page.get_by_role("button", name="Create account").click()
    details = page.locator("form", has=page.get_by_role("button", name="Save details"))
    details.get_by_label("Full name").fill(f"Robin Tester {tag}")
    details.get_by_label("E-mail").fill("priya.nair@example.org")  # taken: a clear error, input kept
    details.get_by_label("Role").select_option("psychologist")
    details.get_by_role("button", name="Save details").click()
    expect(page.locator("#email-error")).to_have_text("Another account already uses this e-mail address.")
    expect(details.get_by_label("Full name")).to_have_value(f"Robin Tester {tag}")
    details.get_by_label("E-mail").fill(f"robin.tester.{tag}@example.org")
    details.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Account details saved.")).to_be_visible()
    expect(page.locator(".subtitle")).to_contain_text(f"robin.tester.{tag}@example.org · Psychologist")
    screenshot(page, "admin-account-1280")
    _fits(page)
    sign_in(phone_page, live_server.url, ADMIN)
    phone_page.goto(page.url)
    expect(phone_page.get_by_role("button", name="Save details")).to_be_visible()
    screenshot(phone_page, "admin-account-390")
    _fits(phone_page)


def test_an_appointment_with_a_place_a_length_and_a_video_link(live_server, browser, page, phone_page):
    place = f"Room 2.{uuid.uuid4().hex[:4]}, Physiotherapy, 2nd floor, Hauptstraße 5, 10115 Berlin"
    maria = live_server.patient_id(MARIA)
    sign_in(page, live_server.url, PRIYA)
    page.goto(f"{live_server.url}/patients/{maria}/appointments")
    form = page.locator("form", has=page.get_by_role("button", name="Record appointment"))
    form.get_by_label("Date").fill((date.today() + timedelta(days=2)).isoformat())  # upcoming: link shown
    form.get_by_label("Time").fill("15:30")
    form.get_by_label("Length (minutes)").fill("45")
    form.get_by_label("Place").fill(place)
    form.get_by_label("Video link (optional)").fill("http://video.clinic.example/room")
    form.get_by_role("button", name="Record appointment").click()
    expect(page.locator("#video_url-error")).to_contain_text("https://")
    form.get_by_label("Video link (optional)").fill(LINK)
    form.get_by_role("button", name="Record appointment").click()
    expect(page.get_by_text("Appointment recorded.")).to_be_visible()
    row = page.locator("li", has_text=place)
    expect(row).to_contain_text("45 min, until 16:15")
    video = row.get_by_role("link", name="Join the video call")
    expect(video).to_have_attribute("href", LINK)
    expect(video).to_have_attribute("rel", "noopener noreferrer")
    screenshot(page, "appointments-1280")
    _fits(page)
    page.goto(f"{live_server.url}/appointments/upcoming?days=30")
    screenshot(page, "appointments-upcoming-1280")
    _fits(page)

    sign_in(phone_page, live_server.url, MARIA)
    phone_page.goto(f"{live_server.url}/patients/{maria}/appointments")
    expect(phone_page.locator("li", has_text=place).get_by_role("link", name="Join the video call")).to_be_visible()
    screenshot(phone_page, "appointments-patient-390")
    _fits(phone_page)
    context = browser.new_context(**PHONE)
    phone_page = context.new_page()
    sign_in(phone_page, live_server.url, PRIYA)
    for url, name in ((f"/patients/{maria}/appointments", "appointments-390"),
                      ("/appointments/upcoming?days=30", "appointments-upcoming-390")):
        phone_page.goto(f"{live_server.url}{url}")
        screenshot(phone_page, name)
        _fits(phone_page)
    context.close()
