"""On a phone the record's sections fold into one "Sections" line, so each page's own
content starts in the first screen; on a desktop they stay a row of tabs, also without script.
After a failed submit the focus is on the error summary. Dates: the page's language is
CARETEAM_LOCALE's, and a date input shows its date in the page's words. A favicon."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, PHONE, TIMEOUT_MS
from tests.browser.helpers import record_section, screenshot, sign_in

MARIA = "maria.lopez@example.org"
OKAFOR = "dr.okafor@example.org"
PRIYA = "priya.nair@example.org"
SCREEN_HEIGHT = PHONE["viewport"]["height"]

FIRST_SCREEN_JS = """() => {
  const nav = document.querySelector('nav[aria-label=Record]');
  const box = nav.getBoundingClientRect();
  const after = [...document.querySelectorAll('main h2, main h3')].filter(h =>
    (nav.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_FOLLOWING) && h.getBoundingClientRect().height > 0);
  const heading = after[0];
  return {navHeight: Math.round(box.height), navBottom: Math.round(box.bottom + scrollY),
          heading: heading ? heading.textContent.trim() : null,
          headingBottom: heading ? Math.round(heading.getBoundingClientRect().bottom + scrollY) : null};
}"""


def new_page(browser: Browser, options: dict, **extra) -> Page:
    page = browser.new_context(**options, **extra).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def section_links(page: Page) -> list[str]:
    return page.eval_on_selector_all("nav[aria-label=Record] a", "els => els.map(a => a.getAttribute('href'))")


def menu_destinations(page: Page) -> list[str]:
    """Every link of the main menu, the record's menu and the buttons under them, as paths."""
    return page.eval_on_selector_all(
        "nav[aria-label=Main] a, nav[aria-label=Record] a, main .actions.quick a",
        "els => els.map(a => new URL(a.href).pathname)")


@pytest.mark.parametrize("email", [MARIA, OKAFOR])
def test_on_a_phone_every_record_page_starts_its_content_in_the_first_screen(live_server, browser, email):
    page = new_page(browser, PHONE)
    try:
        sign_in(page, live_server.url, email)
        if email != MARIA:
            page.get_by_role("table").get_by_role("link", name="Maria Lopez").click()
        sections = section_links(page)
        assert len(sections) >= 12
        late = {}
        for href in sections:
            page.goto(live_server.url + href)
            found = page.evaluate(FIRST_SCREEN_JS)
            assert found["navHeight"] <= 56, (href, found)  # one line, not rows of tabs (289 px before)
            if found["heading"] is None or found["headingBottom"] > SCREEN_HEIGHT:
                late[href] = found
            destinations = menu_destinations(page)
            assert len(destinations) == len(set(destinations)), (href, destinations)
        assert not late, f"content starts below the first screen: {late}"
    finally:
        page.context.close()


def test_the_phones_record_menu_opens_marks_the_current_section_and_leads_there(live_server, browser):
    page = new_page(browser, PHONE)
    try:
        sign_in(page, live_server.url, MARIA)
        menu = page.get_by_role("navigation", name="Record")
        notes = menu.get_by_role("link", name="Notes", exact=True)
        expect(notes).to_be_hidden()
        expect(menu.locator("summary")).to_have_text("Sections")
        # her menu does not repeat "My record" (the overview) or the main menu's pages
        expect(menu.get_by_role("link", name="Overview")).to_have_count(0)
        main_menu = page.get_by_role("navigation", name="Main")
        expect(main_menu.get_by_role("link", name="My record")).to_have_attribute("aria-current", "page")
        expect(page.get_by_role("link", name="Today's exercises")).to_have_count(0)

        menu.locator("summary").click()
        expect(notes).to_be_visible()
        screenshot(page, "record-menu-open-phone")
        notes.click()
        expect(page.get_by_role("heading", name="Notes", exact=True)).to_be_visible()
        expect(menu.locator("summary")).to_have_text("Sections: Notes")
        expect(main_menu.get_by_role("link", name="My record")).to_have_attribute("aria-current", "page")
        menu.locator("summary").click()
        expect(menu.get_by_role("link", name="Notes", exact=True)).to_have_attribute("aria-current", "page")
        expect(menu.locator("[aria-current]")).to_have_count(1)
    finally:
        page.context.close()


@pytest.mark.parametrize("script", [True, False])
def test_on_a_desktop_the_sections_are_tabs_with_or_without_script(live_server, browser, script):
    page = new_page(browser, DESKTOP, java_script_enabled=script)
    try:
        sign_in(page, live_server.url, OKAFOR)
        page.get_by_role("table").get_by_role("link", name="Maria Lopez").click()
        menu = page.get_by_role("navigation", name="Record")
        expect(menu.locator("summary")).to_be_hidden()
        expect(menu.get_by_role("link", name="Overview")).to_have_attribute("aria-current", "page")
        record_section(page, "Measures")
        expect(menu.get_by_role("link", name="Measures")).to_have_attribute("aria-current", "page")
        height = page.evaluate("document.querySelector('nav[aria-label=Record]').getBoundingClientRect().height")
        assert height < 120  # at most two rows at 1280 px
    finally:
        page.context.close()


def test_without_script_a_phone_still_opens_the_sections(live_server, browser):
    page = new_page(browser, PHONE, java_script_enabled=False)
    try:
        sign_in(page, live_server.url, OKAFOR)
        page.get_by_role("table").get_by_role("link", name="Maria Lopez").click()
        record_section(page, "Goals")
        expect(page).to_have_url(re.compile(r"/patients/\d+/goals$"))
    finally:
        page.context.close()


def focused(page: Page) -> dict:
    return page.evaluate("""() => ({tag: document.activeElement.tagName,
        summary: document.activeElement.matches('.form-errors, [data-error-summary]'),
        text: document.activeElement.textContent.trim()})""")


def test_after_a_failed_submit_the_focus_is_on_the_error_summary(live_server, browser):
    url = live_server.url
    page = new_page(browser, DESKTOP)
    try:
        page.goto(f"{url}/login")
        page.get_by_label("E-mail").fill(OKAFOR)
        page.get_by_label("Password").fill("not the password at all")
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        assert focused(page)["summary"], focused(page)

        sign_in(page, url, PRIYA)
        maria = live_server.patient_id(MARIA)
        forms = [  # (page, submit button): each sent empty
            (f"/patients/{maria}/goals/new", re.compile(r"^(Add|Save|Create)")),
            (f"/patients/{maria}/notes", re.compile(r"^Save note$")),
            (f"/patients/{maria}/interventions/new", re.compile(r"^(Add|Save)")),
            ("/emergency-access", re.compile(r"^Open")),
            ("/account", re.compile(r"^Change password$")),
        ]
        for path, button in forms:
            page.goto(url + path)
            page.locator("form[method=post]").evaluate_all("fs => fs.forEach(f => f.noValidate = true)")
            with page.expect_navigation():
                page.get_by_role("button", name=button).first.click()
            state = focused(page)
            assert state["summary"], (path, state)
            assert state["text"], path
            screenshot(page, f"error-summary-{path.strip('/').replace('/', '-')}")
    finally:
        page.context.close()


def test_the_page_speaks_the_clinics_locale_and_date_inputs_agree_with_the_text(live_server, browser):
    page = new_page(browser, PHONE)
    try:
        sign_in(page, live_server.url, OKAFOR)
        assert page.evaluate("document.documentElement.lang") == "en-GB"
        maria = live_server.patient_id(MARIA)
        page.goto(f"{live_server.url}/patients/{maria}/summary?start=2026-03-12&end=2026-04-03")
        start = page.locator("main input[type=date]").first
        expect(start).to_have_value("2026-03-12")
        echo = start.locator("xpath=following-sibling::*[contains(@class, 'date-echo')][1]")
        expect(echo).to_have_text("Thu, 12 March 2026")  # day first, as in the page's text
        expect(page.locator("main")).to_contain_text("12 Mar 2026")
        start.fill("2026-12-03")
        expect(echo).to_have_text("Thu, 3 December 2026")
        screenshot(page, "summary-dates-phone")

        icon = page.goto(f"{live_server.url}/favicon.ico")
        assert icon.ok and icon.headers["content-type"].startswith("image/svg+xml")
        page.go_back()
        assert page.eval_on_selector("link[rel=icon]", "l => l.getAttribute('type')") == "image/svg+xml"
    finally:
        page.context.close()
