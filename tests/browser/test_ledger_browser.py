"""What helped, in a real browser: a patient adds something she tried on her phone, and her
physiotherapist sees it, introduced by the patient, and can change it."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.browser.helpers import screenshot, sign_in

MARIA = "maria.lopez@example.org"
PRIYA = "priya.nair@example.org"


def test_patient_adds_something_she_tried_and_the_physio_sees_it(live_server, phone_page, page):
    name = f"Warm shower before bed {uuid.uuid4().hex[:6]}"  # the live server is shared by the session
    ledger_url = f"{live_server.url}/patients/{live_server.patient_id(MARIA)}/interventions"

    sign_in(phone_page, live_server.url, MARIA)
    phone_page.goto(ledger_url)
    phone_page.get_by_role("link", name="Add something I tried myself").click()
    phone_page.get_by_label("Name").fill(name)
    phone_page.get_by_label("What is it for?").select_option("immediate_relief")
    phone_page.get_by_label("Kind").select_option("heat_or_cold")
    phone_page.get_by_label("Dose or details").fill("10 minutes")
    screenshot(phone_page, "ledger-patient-adds-phone")
    phone_page.get_by_role("button", name="Add", exact=True).click()

    expect(phone_page.get_by_role("status")).to_contain_text("Intervention added.")
    expect(phone_page.get_by_role("heading", name="Pain portfolio")).to_be_visible()
    item = phone_page.locator(".portfolio li", has_text=name)
    expect(item).to_contain_text("by the patient")

    sign_in(page, live_server.url, PRIYA)
    page.goto(ledger_url)
    page.locator(".ledger-item", has_text=name).get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("The patient")
    page.get_by_label("Dose or details").fill("10 minutes, warm not hot")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Changes saved.")
    expect(page.locator("dl.facts")).to_contain_text("10 minutes, warm not hot")
    screenshot(page, "ledger-physio-detail-desktop")
