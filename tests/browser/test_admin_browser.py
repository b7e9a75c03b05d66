"""The clinic admin's pages and everyone's own account settings, in a real browser.

The admin creates accounts and hands out one-time set-password links, deactivates and
reactivates accounts, creates patient records and forms care teams, and reads the audit trail;
people change their password and manage personal API tokens; a patient sees who opened her
record.

The live server is shared by the whole session and tests run in any order, so every test makes
its own people (unique names and e-mails) and never changes a demo account.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import screenshot, sign_in

ADMIN = "admin@example.org"
MARIA = "maria.lopez@example.org"
OKAFOR = "dr.okafor@example.org"
GENERIC_SIGN_IN_FAILURE = "That e-mail and password do not match an active account."
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
TIMEOUT_MS = 10_000
# a required field's label ends in "(required)", and "Repeat the new password" contains "new password"
NEW_PASSWORD = re.compile(r"^New password")


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    email: str
    password: str | None = None


def _tag() -> str:
    return uuid.uuid4().hex[:8]


@contextmanager
def another_browser(browser: Browser) -> Iterator[Page]:
    """A second, separate browser context: its own cookies, as on another person's computer."""
    context = browser.new_context(**DESKTOP)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        yield page
    finally:
        context.close()


def accept_confirmation(page: Page) -> list[str]:
    """Answer the next confirm() with OK; returns a list that receives the question asked."""
    asked: list[str] = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    return asked


def create_account(admin: Page, base_url: str, role: str, what: str) -> Person:
    """The admin creates an account through the form; returns it (the admin is on its page)."""
    tag = _tag()
    name = f"{what.title()} {tag}"
    email = f"{what.replace(' ', '.')}.{tag}@example.org"
    admin.goto(f"{base_url}/admin/accounts")
    admin.get_by_role("link", name="New account").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("New account")
    admin.get_by_label("Full name").fill(name)
    admin.get_by_label("E-mail").fill(email)
    admin.get_by_label("Role").select_option(label=role)
    admin.get_by_role("button", name="Create account").click()

    expect(admin.get_by_role("status")).to_have_text(
        "Account created. Issue a set-password link so they can sign in.")
    expect(admin.get_by_role("heading", level=1)).to_have_text(name)
    expect(admin.locator(".subtitle")).to_have_text(f"{email} · {role}")
    match = re.fullmatch(rf"{re.escape(base_url)}/admin/accounts/(\d+)", admin.url)
    assert match, admin.url
    return Person(int(match.group(1)), name, email)


def issue_link(admin: Page, base_url: str, person: Person) -> str:
    """On the account's page, the admin issues a set-password link and reads it off the page."""
    admin.goto(f"{base_url}/admin/accounts/{person.user_id}")
    admin.get_by_role("button", name="Issue set-password link").click()
    shown = admin.get_by_test_id("set-password-link")
    expect(shown).to_be_visible()
    expect(admin.get_by_role("status").filter(has=shown)).to_contain_text("It will not be shown again.")
    link = shown.inner_text().strip()
    assert link.startswith(f"{base_url}/set-password/"), link
    return link


def set_password_from_link(page: Page, base_url: str, link: str, email: str, password: str) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set your password")
    expect(page.locator("main")).to_contain_text(f"For {email}. This link works once.")
    page.get_by_label(NEW_PASSWORD).fill(password)
    page.get_by_label("Repeat the new password").fill(password)
    page.get_by_role("button", name="Set password").click()
    expect(page).to_have_url(f"{base_url}/login")
    expect(page.get_by_role("status")).to_have_text("Your password is set. Sign in with it now.")


def onboard(browser: Browser, admin: Page, base_url: str, role: str, what: str) -> Person:
    """Account, link, and the person sets a password in their own browser."""
    person = create_account(admin, base_url, role, what)
    link = issue_link(admin, base_url, person)
    password = f"long enough {_tag()}"
    with another_browser(browser) as own:
        set_password_from_link(own, base_url, link, person.email, password)
    return Person(person.user_id, person.name, person.email, password)


def patient_record_for(admin: Page, base_url: str, person: Person, born: str) -> int:
    """On the patient account's page the admin creates the record; returns the record's id."""
    admin.goto(f"{base_url}/admin/accounts/{person.user_id}")
    card = admin.locator("section.card", has=admin.get_by_role("heading", name="Patient record"))
    expect(card).to_contain_text("This patient account has no record yet.")
    card.get_by_label("Date of birth").fill(born)
    card.get_by_role("button", name="Create patient record").click()
    expect(admin.get_by_role("status")).to_have_text("Patient record created. Add the care team next.")
    match = re.search(r"Record #(\d+)", card.inner_text())
    assert match, card.inner_text()
    return int(match.group(1))


def team_table(page: Page):
    return page.locator("section", has=page.get_by_role("heading", name="Care team", exact=True))


# --- 1. onboarding with a one-time set-password link ---------------------------------------


def test_admin_creates_an_account_and_the_person_sets_a_password_from_a_one_time_link(
        live_server, page, browser):
    base = live_server.url
    sign_in(page, base, ADMIN)
    person = create_account(page, base, "Physiotherapist", "new physio")
    account = page.locator("dl.facts")
    expect(account).to_contain_text("active")
    expect(account).to_contain_text("not set yet")

    page.get_by_role("link", name="← All accounts").click()
    page.get_by_role("searchbox", name="Name or e-mail").fill(person.email)
    page.get_by_label("Role").select_option(label="Physiotherapist")
    page.get_by_role("button", name="Filter").click()
    row = page.get_by_role("row", name=person.name)
    expect(row).to_contain_text("no password yet")
    expect(page.locator("tbody tr")).to_have_count(1)
    row.get_by_role("link", name=person.name).click()

    link = issue_link(page, base, person)
    screenshot(page, "admin-set-password-link")
    password = f"correct horse {_tag()}"

    with another_browser(browser) as newcomer:
        newcomer.goto(link)
        expect(newcomer.get_by_role("heading", level=1)).to_have_text("Set your password")
        # too short first: the rule is explained and nothing is set
        newcomer.get_by_label(NEW_PASSWORD).fill("too short")
        newcomer.get_by_label("Repeat the new password").fill("too short")
        newcomer.get_by_role("button", name="Set password").click()
        expect(newcomer.get_by_role("alert")).to_have_text("Please check the fields marked below.")
        expect(newcomer.locator(".field-error")).to_have_text("Use at least 12 characters.")
        screenshot(newcomer, "set-password-too-short")

        set_password_from_link(newcomer, base, link, person.email, password)
        sign_in(newcomer, base, person.email, password)
        expect(newcomer).to_have_url(f"{base}/patients")
        expect(newcomer.get_by_role("heading", level=1)).to_have_text("My patients")
        expect(newcomer.locator("main")).to_contain_text("You are not on any care team yet.")
        expect(newcomer.locator(".who")).to_contain_text(f"{person.name} · Physiotherapist")
        screenshot(newcomer, "new-physio-lands")

        # the link worked once: opening it again, signed in or not, is refused
        response = newcomer.goto(link)
        assert response.status == 404
        expect(newcomer.get_by_role("heading", level=1)).to_have_text("This link no longer works")
        expect(newcomer.get_by_role("button", name="Set password")).to_have_count(0)
        newcomer.get_by_role("button", name="Sign out").click()
        expect(newcomer).to_have_url(f"{base}/login")
        response = newcomer.goto(link)
        assert response.status == 404
        expect(newcomer.get_by_role("heading", level=1)).to_have_text("This link no longer works")
        screenshot(newcomer, "set-password-link-used")

    page.goto(f"{base}/admin/accounts/{person.user_id}")  # not a reload: that would post again
    expect(page.locator("dl.facts")).to_contain_text(re.compile(r"Password\s*set \d{1,2} \w{3} \d{4}"))
    expect(page.get_by_test_id("set-password-link")).to_have_count(0)


# --- 2. deactivate and reactivate ------------------------------------------------------------


def test_a_deactivated_account_cannot_sign_in_until_it_is_reactivated(live_server, page, browser):
    base = live_server.url
    sign_in(page, base, ADMIN)
    person = onboard(browser, page, base, "Psychologist", "leaving psychologist")

    with another_browser(browser) as theirs:
        sign_in(theirs, base, person.email, person.password)
        expect(theirs.get_by_role("heading", level=1)).to_have_text("My patients")

        page.goto(f"{base}/admin/accounts/{person.user_id}")
        asked = accept_confirmation(page)
        page.get_by_role("button", name="Deactivate").click()
        expect(page.get_by_role("status")).to_have_text(
            "The account is deactivated and signed out everywhere.")
        assert asked == [f"Deactivate {person.name}? They are signed out at once."]
        expect(page.locator("dl.facts")).to_contain_text("deactivated")
        expect(page.get_by_role("button", name="Reactivate")).to_be_visible()
        expect(page.get_by_role("button", name="Issue set-password link")).to_have_count(0)
        screenshot(page, "admin-account-deactivated")

        # the session they had is over, and signing in again gets the generic message
        theirs.reload()
        expect(theirs).to_have_url(re.compile(rf"^{re.escape(base)}/login(\?.*)?$"))
        expect(theirs.get_by_role("heading", level=1)).to_have_text("Sign in")
        sign_in(theirs, base, person.email, person.password)
        expect(theirs).to_have_url(f"{base}/login")
        expect(theirs.get_by_role("alert")).to_have_text(GENERIC_SIGN_IN_FAILURE)
        expect(theirs.get_by_role("button", name="Sign out")).to_have_count(0)

        page.get_by_role("link", name="Accounts", exact=True).click()
        page.get_by_role("searchbox", name="Name or e-mail").fill(person.email)
        page.get_by_role("button", name="Filter").click()
        expect(page.get_by_role("row", name=person.name)).to_contain_text("deactivated")

        page.get_by_role("link", name=person.name).click()
        page.get_by_role("button", name="Reactivate").click()
        expect(page.get_by_role("status")).to_have_text("The account can sign in again.")
        expect(page.locator("dl.facts")).to_contain_text("active")
        expect(page.get_by_role("button", name="Deactivate")).to_be_visible()

        sign_in(theirs, base, person.email, person.password)
        expect(theirs).to_have_url(f"{base}/patients")
        expect(theirs.get_by_role("heading", level=1)).to_have_text("My patients")


def test_the_admin_cannot_deactivate_their_own_account(live_server, page):
    sign_in(page, live_server.url, ADMIN)
    page.get_by_role("searchbox", name="Name or e-mail").fill(ADMIN)
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Alex Morgan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alex Morgan")
    # the admin has a password: a reset link can only be e-mailed to its owner, never shown
    expect(page.get_by_role("button", name="E-mail a password reset link")).to_be_visible()
    expect(page.get_by_role("button", name="Deactivate")).to_have_count(0)


# --- 3. patient records and care teams -------------------------------------------------------


def test_admin_forms_a_care_team_and_a_physician_on_it_adds_a_colleague(live_server, page, browser):
    base = live_server.url
    sign_in(page, base, ADMIN)
    physio = create_account(page, base, "Physiotherapist", "team physio")
    psychologist = create_account(page, base, "Psychologist", "team psychologist")
    physician = onboard(browser, page, base, "Physician", "team physician")
    patient = onboard(browser, page, base, "Patient", "team patient")

    # a patient account with no record: the patient is told so
    with another_browser(browser) as theirs:
        sign_in(theirs, base, patient.email, patient.password)
        expect(theirs.get_by_role("heading", level=1)).to_have_text("Your record is not set up yet")

    patient_id = patient_record_for(page, base, patient, "1984-03-09")
    expect(page.locator("main")).to_contain_text(f"Record #{patient_id}, born 9 Mar 1984.")
    screenshot(page, "admin-patient-account-with-record")

    page.get_by_role("link", name="Manage the care team").click()
    expect(page).to_have_url(f"{base}/patients/{patient_id}/team")
    expect(page.get_by_role("heading", level=1)).to_have_text(patient.name)
    expect(team_table(page)).to_contain_text("No clinicians on this team yet.")

    for clinician, discipline in ((physio, "Physiotherapist"), (physician, "Physician")):
        page.get_by_role("combobox", name="Clinician").select_option(label=f"{clinician.name} — {discipline}")
        page.get_by_role("button", name="Add to care team").click()
        expect(page.get_by_role("status")).to_have_text("The clinician joined the care team.")
        expect(team_table(page).get_by_role("row", name=clinician.name)).to_contain_text(discipline)
    # who is on the team is no longer offered
    expect(page.get_by_role("combobox", name="Clinician").locator("option", has_text=physio.name)).to_have_count(0)
    screenshot(page, "admin-care-team")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patient records").click()
    row = page.get_by_role("row", name=patient.name)
    expect(row).to_contain_text(f"{physician.name} (Physician)")
    expect(row).to_contain_text(f"{physio.name} (Physiotherapist)")

    row.get_by_role("link", name="Manage team").click()
    asked = accept_confirmation(page)
    team_table(page).get_by_role("row", name=physio.name).get_by_role("button", name="Remove").click()
    expect(page.get_by_role("status")).to_have_text("Removed from the care team.")
    assert asked == [f"Remove {physio.name} from this care team?"]
    expect(team_table(page).get_by_role("row", name=physio.name)).to_have_count(0)
    expect(team_table(page).get_by_role("row", name=physician.name)).to_contain_text("Physician")
    expect(page.get_by_role("combobox", name="Clinician").locator("option", has_text=physio.name)).to_have_count(1)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patient records").click()
    row = page.get_by_role("row", name=patient.name)
    expect(row).not_to_contain_text(physio.name)
    expect(row).to_contain_text(f"{physician.name} (Physician)")

    # the physician on the team sees the patient and may invite a colleague, but not remove one
    with another_browser(browser) as doctor:
        sign_in(doctor, base, physician.email, physician.password)
        doctor.get_by_role("table").get_by_role("link", name=patient.name).click()
        expect(doctor.get_by_role("heading", level=1)).to_have_text(patient.name)
        doctor.get_by_role("navigation", name="Record").get_by_role("link", name="Care team").click()
        expect(doctor).to_have_url(f"{base}/patients/{patient_id}/team")
        expect(doctor.get_by_role("heading", name="Add a clinician")).to_be_visible()
        expect(doctor.get_by_role("button", name="Remove")).to_have_count(0)
        doctor.get_by_role("combobox", name="Clinician").select_option(label=f"{psychologist.name} — Psychologist")
        doctor.get_by_role("button", name="Add to care team").click()
        expect(doctor.get_by_role("status")).to_have_text("The clinician joined the care team.")
        expect(team_table(doctor).get_by_role("row", name=psychologist.name)).to_contain_text("Psychologist")
        expect(team_table(doctor).get_by_role("row", name=physician.name)).to_contain_text("Physician")
        screenshot(doctor, "physician-adds-colleague")

    # the patient sees her team on her record
    with another_browser(browser) as theirs:
        sign_in(theirs, base, patient.email, patient.password)
        expect(theirs).to_have_url(f"{base}/patients/{patient_id}")
        expect(theirs.get_by_role("heading", level=1)).to_have_text(patient.name)
        theirs.get_by_role("navigation", name="Record").get_by_role("link", name="Care team").click()
        expect(team_table(theirs).get_by_role("row", name=physician.name)).to_be_visible()
        expect(team_table(theirs).get_by_role("row", name=psychologist.name)).to_be_visible()
        expect(team_table(theirs)).not_to_contain_text(physio.name)
        expect(theirs.get_by_role("heading", name="Add a clinician")).to_have_count(0)
        expect(theirs.get_by_role("button", name="Remove")).to_have_count(0)


# --- 4. the audit trail ----------------------------------------------------------------------


def test_admin_filters_the_audit_trail_and_sees_no_clinical_content(live_server, page, browser):
    base = live_server.url
    sign_in(page, base, ADMIN)
    person = create_account(page, base, "Physician", "audited physician")
    link = issue_link(page, base, person)
    password = f"audit trail {_tag()}"
    with another_browser(browser) as theirs:
        sign_in(theirs, base, person.email, "not the password yet")
        expect(theirs.get_by_role("alert")).to_have_text(GENERIC_SIGN_IN_FAILURE)
        set_password_from_link(theirs, base, link, person.email, password)
        sign_in(theirs, base, person.email, password)
        expect(theirs.get_by_role("heading", level=1)).to_have_text("My patients")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    rows = page.locator("tbody tr")

    # the person's own sign-ins, the failed one first in time
    page.get_by_label("User e-mail contains").fill(person.email)
    page.get_by_label("Action").select_option("sign_in")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("sign_in user")
    expect(rows.nth(0)).to_contain_text("success")
    expect(rows.nth(1)).to_contain_text("sign_in user")
    expect(rows.nth(1)).to_contain_text("failure")
    for row in (rows.nth(0), rows.nth(1)):
        expect(row).to_contain_text(person.email)
        expect(row).to_contain_text(f"#{person.user_id}")
    # the form keeps what was asked
    expect(page.get_by_label("User e-mail contains")).to_have_value(person.email)
    expect(page.get_by_label("Action")).to_have_value("sign_in")
    screenshot(page, "admin-audit-filtered")

    page.get_by_label("Outcome").select_option("failure")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("failure")

    page.get_by_label("Action").select_option("password_set")
    page.get_by_label("Outcome").select_option("")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"password_set user #{person.user_id}")

    # what the admin did: the newest link issued is this person's
    page.get_by_role("link", name="Clear").click()
    expect(page).to_have_url(f"{base}/admin/audit")
    expect(page.get_by_label("User e-mail contains")).to_have_value("")
    page.get_by_label("User e-mail contains").fill(ADMIN)
    page.get_by_label("Action").select_option("issue_set_password_link")
    page.get_by_role("button", name="Filter").click()
    expect(rows.first).to_contain_text(f"issue_set_password_link user #{person.user_id}")
    expect(rows.first).to_contain_text("shown")
    expect(rows.first).to_contain_text("Clinic admin")

    page.get_by_label("Action").select_option("create")
    page.get_by_role("button", name="Filter").click()
    expect(rows.first).to_contain_text(f"create user #{person.user_id}")
    expect(rows.first).to_contain_text("physician")

    page.get_by_label("User e-mail contains").fill(f"nobody-{_tag()}@example.org")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_text("No events match.")

    # a patient's events: which parts were read, never what they hold
    maria = live_server.patient_id(MARIA)
    page.goto(f"{base}/patients/{maria}/team")  # the admin may see the team (and that is audited)
    expect(page.get_by_role("heading", level=1)).to_have_text("Maria Lopez")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()
    page.get_by_label("Patient id").fill(str(maria))
    page.get_by_role("button", name="Filter").click()
    expect(rows.first).to_contain_text("read care_team")
    expect(rows.first).to_contain_text(ADMIN)
    main = page.locator("main")
    for clinical in ("Walking after lunch", "laundry basket", "heat pack", "alarm being loud"):
        expect(main).not_to_contain_text(clinical)

    # the record itself stays closed to the admin, who may only see its team and access log
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_text(["Accounts", "Patient records", "Audit trail", "Emergency accesses", "Deliveries", "Alert e-mails", "Account"])
    for path in ("", "/notes", "/interventions"):
        response = page.goto(f"{base}/patients/{maria}{path}")
        assert response.status == 404, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
        expect(page.locator("main")).not_to_contain_text("Maria")
    page.goto(f"{base}/admin/patients")
    expect(page.get_by_role("heading", level=1)).to_have_text("Patient records")
    expect(page.locator("thead")).to_have_text(re.compile(r"^\s*Patient\s*Born\s*Care team\s*Action\s*$"))
    for clinical in ("check-in", "Red flag", "pain", "Walking after lunch"):
        expect(page.locator("table")).not_to_contain_text(clinical)


# --- 5. personal settings: password and API tokens -------------------------------------------


def test_a_person_changes_their_password(live_server, page, browser):
    base = live_server.url
    sign_in(page, base, ADMIN)
    person = onboard(browser, page, base, "Physiotherapist", "password changer")
    new_password = f"a brand new one {_tag()}"

    with another_browser(browser) as own, another_browser(browser) as laptop:
        sign_in(laptop, base, person.email, person.password)
        expect(laptop.get_by_role("heading", level=1)).to_have_text("My patients")

        sign_in(own, base, person.email, person.password)
        own.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
        expect(own.get_by_role("heading", level=1)).to_have_text("Your account")
        expect(own.locator(".subtitle")).to_have_text(f"{person.email} · Physiotherapist")

        form = own.locator("section", has=own.get_by_role("heading", name="Change password"))
        form.get_by_label("Current password").fill("this is not it at all")
        form.get_by_label(NEW_PASSWORD).fill(new_password)
        form.get_by_label("Repeat the new password").fill(new_password)
        form.get_by_role("button", name="Change password").click()
        expect(form.get_by_role("alert")).to_have_text("Please check the fields marked below.")
        expect(form.locator(".field-error")).to_have_text("That is not your current password.")
        expect(form.get_by_label("Current password")).to_have_attribute("aria-invalid", "true")
        screenshot(own, "account-wrong-current-password")

        form.get_by_label("Current password").fill(person.password)
        form.get_by_label(NEW_PASSWORD).fill(new_password)
        form.get_by_label("Repeat the new password").fill(new_password + "!")
        form.get_by_role("button", name="Change password").click()
        expect(form.locator(".field-error")).to_have_text("The two passwords differ.")

        form.get_by_label("Current password").fill(person.password)
        form.get_by_label(NEW_PASSWORD).fill(new_password)
        form.get_by_label("Repeat the new password").fill(new_password)
        form.get_by_role("button", name="Change password").click()
        expect(own.get_by_role("status")).to_have_text(
            "Password changed. Every other session has been signed out.")
        expect(own).to_have_url(f"{base}/account")
        expect(own.get_by_role("button", name="Sign out")).to_be_visible()

        # this device stays signed in, the other one is signed out
        own.reload()
        expect(own.get_by_role("heading", level=1)).to_have_text("Your account")
        laptop.reload()
        expect(laptop).to_have_url(re.compile(rf"^{re.escape(base)}/login(\?.*)?$"))

        sign_in(laptop, base, person.email, person.password)
        expect(laptop.get_by_role("alert")).to_have_text(GENERIC_SIGN_IN_FAILURE)
        sign_in(laptop, base, person.email, new_password)
        expect(laptop).to_have_url(f"{base}/patients")


def test_a_person_creates_a_personal_api_token_sees_it_once_and_revokes_it(live_server, page, browser):
    base = live_server.url
    sign_in(page, base, ADMIN)
    person = onboard(browser, page, base, "Physician", "token maker")
    token_name = f"reporting script {_tag()}"

    with another_browser(browser) as own:
        sign_in(own, base, person.email, person.password)
        own.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
        tokens = own.locator("section", has=own.get_by_role("heading", name="Personal API tokens"))
        expect(tokens.get_by_role("heading", name="Your tokens")).to_have_count(0)

        tokens.get_by_role("button", name="Create token").click()  # without a name
        expect(tokens.get_by_role("alert")).to_have_text("Please check the fields marked below.")
        expect(tokens.get_by_test_id("new-token")).to_have_count(0)

        tokens.get_by_label("Token name").fill(token_name)
        tokens.get_by_role("button", name="Create token").click()
        shown = tokens.get_by_test_id("new-token")
        expect(shown).to_be_visible()
        expect(tokens.get_by_role("status")).to_contain_text("Copy it now: it will not be shown again.")
        token = shown.inner_text().strip()
        assert token.startswith("ct_") and len(token) > 20, token
        item = tokens.get_by_role("listitem").filter(has_text=token_name)
        expect(item).to_have_count(1)
        prefix = item.locator(".muted.small").first.inner_text().rstrip("…")
        assert prefix and token.startswith(prefix) and len(prefix) < len(token) // 2, prefix
        screenshot(own, "account-new-token")

        # the token works for the API, with no cookie
        with another_browser(browser) as script:
            answer = script.request.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert answer.status == 200, answer.text()
            assert answer.json()["email"] == person.email

            # opened again, the page no longer shows the token, only its name and prefix
            own.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
            expect(own.get_by_role("heading", level=1)).to_have_text("Your account")
            expect(own.get_by_test_id("new-token")).to_have_count(0)
            expect(own.locator("main")).not_to_contain_text(token)
            item = own.get_by_role("listitem").filter(has_text=token_name)
            expect(item).to_contain_text(prefix)

            asked = accept_confirmation(own)
            item.get_by_role("button", name="Revoke").click()
            expect(own.get_by_role("status")).to_have_text("Token revoked.")
            assert asked == ["Revoke this token? Scripts using it stop working."]
            item = own.get_by_role("listitem").filter(has_text=token_name)
            expect(item.locator(".badge")).to_contain_text("revoked")
            expect(item.get_by_role("button", name="Revoke")).to_have_count(0)
            screenshot(own, "account-token-revoked")

            answer = script.request.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert answer.status == 401, answer.text()


# --- 6. who accessed my record ---------------------------------------------------------------


def test_patient_sees_that_her_physician_just_opened_her_record(live_server, page, browser):
    base = live_server.url
    maria = live_server.patient_id(MARIA)

    sign_in(page, base, OKAFOR)
    page.get_by_role("table").get_by_role("link", name="Maria Lopez").click()
    expect(page).to_have_url(f"{base}/patients/{maria}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maria Lopez")
    page.get_by_role("navigation", name="Record").get_by_role("link", name="Care team").click()
    expect(page.get_by_role("heading", name="Care team", exact=True)).to_be_visible()

    with another_browser(browser) as hers:
        sign_in(hers, base, MARIA)
        expect(hers.get_by_role("heading", level=1)).to_have_text("Maria Lopez")
        hers.get_by_role("navigation", name="Record").get_by_role("link", name="Who accessed my record").click()
        expect(hers).to_have_url(f"{base}/patients/{maria}/access-log")
        expect(hers.get_by_role("heading", name="Who accessed my record")).to_be_visible()
        rows = hers.locator("tbody tr")
        # her own visits are hidden at first: the physician's two reads lead (newest first)
        expect(rows.filter(has_text="You")).to_have_count(0)
        by_others = rows.filter(has_not_text="You")
        expect(by_others.nth(0)).to_contain_text("Dr. Amara Okafor")
        expect(by_others.nth(0)).to_contain_text("Physician")
        expect(by_others.nth(0)).to_contain_text("Viewed care team")
        expect(by_others.nth(0)).to_contain_text("done")
        expect(by_others.nth(1)).to_contain_text("Dr. Amara Okafor")
        expect(by_others.nth(1)).to_contain_text("Viewed record overview")
        screenshot(hers, "patient-access-log")
        hers.get_by_role("link", name="Show them too").click()
        # asked for, her own look at this list comes first
        expect(rows.first).to_contain_text("You")
        expect(rows.first).to_contain_text("Viewed this access list")
