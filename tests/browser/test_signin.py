"""Signing in and out in a real browser: where each role lands, and what stays out of reach."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import screenshot, sign_in

MARIA = "maria.lopez@example.org"
TOM = "tom.becker@example.org"


def test_patient_lands_on_her_record(live_server, page):
    sign_in(page, live_server.url, MARIA)

    expect(page).to_have_url(f"{live_server.url}/patients/{live_server.patient_id(MARIA)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maria Lopez")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="My record")).to_be_visible()
    screenshot(page, "patient-record")


@pytest.mark.parametrize(("email", "sees", "does_not_see"), [
    ("dr.okafor@example.org", ["Maria Lopez"], ["Tom Becker"]),
    ("priya.nair@example.org", ["Maria Lopez", "Tom Becker"], []),
    ("dr.hoffmann@example.org", ["Maria Lopez"], ["Tom Becker"]),
])
def test_clinician_lands_on_their_patients(live_server, page, email, sees, does_not_see):
    sign_in(page, live_server.url, email)

    expect(page).to_have_url(f"{live_server.url}/patients")
    expect(page.get_by_role("heading", level=1)).to_have_text("My patients")
    main = page.locator("main")
    patient_list = page.get_by_role("table")  # names also appear in the open-alerts banner
    for name in sees:
        expect(patient_list.get_by_role("link", name=name)).to_be_visible()
    for name in does_not_see:
        expect(main).not_to_contain_text(name)


def test_admin_lands_on_accounts(live_server, page):
    sign_in(page, live_server.url, "admin@example.org")

    expect(page).to_have_url(f"{live_server.url}/admin/accounts")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accounts")


def test_wrong_password_shows_the_generic_message(live_server, page):
    sign_in(page, live_server.url, MARIA, password="not-the-password")

    expect(page).to_have_url(f"{live_server.url}/login")
    expect(page.get_by_role("alert")).to_have_text(
        "That e-mail and password do not match an active account.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_patient_cannot_open_another_patients_record(live_server, page):
    sign_in(page, live_server.url, MARIA)

    response = page.goto(f"{live_server.url}/patients/{live_server.patient_id(TOM)}")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    assert "Tom" not in page.content() and "Becker" not in page.content()


def test_after_sign_out_back_and_reload_do_not_show_the_record(live_server, page):
    sign_in(page, live_server.url, MARIA)
    expect(page.get_by_role("heading", level=1)).to_have_text("Maria Lopez")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/login")
    expect(page.get_by_role("status")).to_have_text("You are signed out.")

    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("heading", name="Maria Lopez")).to_have_count(0)
    expect(page.get_by_role("heading", name="Care team")).to_have_count(0)

    page.reload()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/login(\?.*)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_patient_signs_in_on_a_phone(live_server, phone_page):
    sign_in(phone_page, live_server.url, MARIA)

    expect(phone_page).to_have_url(f"{live_server.url}/patients/{live_server.patient_id(MARIA)}")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Maria Lopez")
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone_page, "patient-record-phone")
