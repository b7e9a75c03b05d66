"""Maria's Today page on a phone (issue 14): the next-day answers look alike, "I did" starts
empty, and after "Yes, back to my usual" she reads why her walking quota has not gone up yet.
The demo leaves yesterday's walk waiting for its answer."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.helpers import screenshot, sign_in

MARIA = "maria.lopez@example.org"
LOOKS = """els => els.map(e => { const s = getComputedStyle(e);
    return [s.backgroundColor, s.color, s.borderTopColor, s.borderTopWidth, e.getBoundingClientRect().width].join(' '); })"""


def test_answers_do_not_nudge_and_a_step_up_waits_for_the_physiotherapist(live_server, phone_page):
    page = phone_page
    sign_in(page, live_server.url, MARIA)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()

    walked = page.locator("section.ga-next-day")
    expect(walked).to_be_visible()
    answers = walked.get_by_role("button")
    expect(answers).to_have_count(4)
    assert len(set(answers.evaluate_all(LOOKS))) == 1, answers.evaluate_all(LOOKS)  # none looks chosen
    done = page.get_by_label("How many minutes did you do today?")
    expect(done).to_have_value("")
    expect(walked).to_contain_text("Your physiotherapist sees your answer and decides when your quota goes up.")
    screenshot(page, "today-phone-question")

    with page.expect_navigation():
        walked.get_by_role("button", name="Yes, back to my usual").click()
    expect(page.get_by_role("status")).to_contain_text("Your quota goes up once your physiotherapist confirms")
    expect(page.locator(".ga-waiting")).to_contain_text("Your physiotherapist confirms each step up")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "today-phone-waiting")
