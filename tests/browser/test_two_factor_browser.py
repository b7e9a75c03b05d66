"""Two-factor sign-in in a real browser: set-up with a QR code, sign-in with a code or a recovery
code, and the required mode that opens nothing but the set-up page."""

from __future__ import annotations

import re
import time
import uuid

import pyotp
from playwright.sync_api import Page, expect

from careteam.extensions import db
from careteam.services.accounts import add_user
from tests.browser.helpers import screenshot, sign_in

PASSWORD = "quiet orbit of the lantern moth"


def new_clinician(live_server, role: str = "physician") -> str:
    """A fresh account of its own: enrolling a demo account would change it for other tests."""
    email = f"mfa-{uuid.uuid4().hex[:8]}@example.org"
    with live_server.app.app_context():
        add_user(email, "Dr. Mfa Tester", role, PASSWORD)
        db.session.commit()
    return email


def next_code(secret: str) -> str:
    """The code of the next 30-second step: accepted (±1 step) and never one already used."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def set_up_two_factor(page: Page) -> tuple[str, list[str]]:
    """On the set-up page: check the QR code shows, type the key's code; the key and codes."""
    qr = page.get_by_role("img", name="QR code holding your two-factor secret")
    expect(qr).to_be_visible()
    assert page.evaluate("document.querySelector('[data-testid=totp-qr]').naturalWidth") > 0
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".field-error")).to_contain_text("That code is not right")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in is on")
    codes = page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()
    assert len(codes) == 10
    return secret, codes


def test_a_clinician_sets_up_two_factor_and_signs_in_with_a_code(live_server, page):
    base = live_server.url
    email = new_clinician(live_server)
    csp_violations: list[str] = []
    page.on("console", lambda message: csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, base, email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    screenshot(page, "two-factor-set-up")
    secret, codes = set_up_two_factor(page)
    screenshot(page, "two-factor-recovery-codes")
    assert csp_violations == []
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, base, email, PASSWORD)
    expect(page).to_have_url(f"{base}/login/code")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.goto(f"{base}/patients")  # half-signed-in: nothing else opens
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/login"))

    sign_in(page, base, email, PASSWORD)
    page.get_by_label("Code").fill("123456")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".field-error")).to_contain_text("That code is not right")
    page.get_by_label("Code").fill(next_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{base}/patients")
    expect(page.get_by_role("heading", level=1)).to_have_text("My patients")
    page.get_by_role("button", name="Sign out").click()

    # a recovery code works once
    sign_in(page, base, email, PASSWORD)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{base}/patients")
    expect(page.get_by_role("status")).to_contain_text("9 remain")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, email, PASSWORD)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".field-error")).to_have_text("That recovery code was already used. Each works once.")


def test_when_required_a_clinician_can_only_set_up_two_factor(live_server, page):
    base = live_server.url
    email = new_clinician(live_server, "psychologist")
    live_server.app.config["CARETEAM_REQUIRE_MFA"] = True
    try:
        sign_in(page, base, email, PASSWORD)
        expect(page).to_have_url(f"{base}/account/two-factor")
        expect(page.get_by_role("status").first).to_contain_text("Your clinic requires two-factor sign-in")
        page.goto(f"{base}/patients")
        expect(page).to_have_url(f"{base}/account/two-factor")
        set_up_two_factor(page)
        page.get_by_role("link", name="I have saved them — continue").click()
        expect(page).to_have_url(f"{base}/patients")
    finally:
        live_server.app.config["CARETEAM_REQUIRE_MFA"] = False
