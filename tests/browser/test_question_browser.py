"""A question as a conversation in a real browser: Dr. Okafor asks Maria a question at her desk;
Maria hears of it in the app, replies on a 390 px phone (after a failed empty send that puts the
focus on the error summary); the physician sees the reply unread and answers, which closes it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import screenshot, sign_in

MARIA = "maria.lopez@example.org"
PHYSICIAN = "dr.okafor@example.org"
QUESTION = "How many minutes can you sit without a break now? See https://example.org/a/very/long/link/" + "x" * 80
REPLY = "About 40 minutes, then I stand up for two."


def test_the_patient_replies_on_a_phone_and_the_physician_answers(live_server, page, phone_page):
    patient_id = live_server.patient_id(MARIA)
    questions = f"{live_server.url}/patients/{patient_id}/questions"

    sign_in(page, live_server.url, PHYSICIAN)
    page.goto(questions)
    page.get_by_label("Your question").fill(QUESTION)
    with page.expect_navigation():
        page.get_by_role("button", name="Add question").click()
    expect(page.get_by_role("heading", name=re.compile("How many minutes can you sit"))).to_be_visible()

    phone = phone_page
    sign_in(phone, live_server.url, MARIA)
    phone.goto(f"{live_server.url}/notifications")
    with phone.expect_navigation():
        phone.get_by_role("link", name="Your care team asked you a question").first.click()
    expect(phone.get_by_role("heading", name=re.compile("How many minutes can you sit"))).to_be_visible()
    expect(phone.get_by_role("button", name="Mark answered")).to_have_count(0)  # the team closes it

    # An empty reply: the error summary names the problem and has the focus.
    with phone.expect_navigation():
        phone.get_by_role("button", name="Send reply").click()
    expect(phone.locator("#reply-errors")).to_contain_text("Write the reply.")
    expect(phone.locator("#reply-errors")).to_be_focused()
    screenshot(phone, "question-reply-error-phone")

    phone.get_by_label("Your reply").fill(REPLY)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Send reply").click()
    expect(phone.get_by_text("Reply sent.")).to_be_visible()
    expect(phone.locator(".reply.own")).to_contain_text(REPLY)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "question-conversation-phone")
    phone.goto(questions)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "questions-list-phone")

    page.goto(questions)
    item = page.locator(".question", has_text="How many minutes can you sit")
    expect(item.get_by_text("1 new reply")).to_be_visible()
    screenshot(page, "questions-list-desktop")
    with page.expect_navigation():
        item.get_by_role("link").click()
    expect(page.locator(".reply", has_text=REPLY)).to_contain_text("Maria")
    page.get_by_label("Your reply").fill("Good progress: keep standing up every 40 minutes.")
    with page.expect_navigation():
        page.get_by_role("button", name="Mark answered").click()
    expect(page.get_by_text("Marked answered.")).to_be_visible()
    expect(page.locator(".reply.answer")).to_contain_text("keep standing up")
    screenshot(page, "question-answered-desktop")
    page.goto(questions)
    answered = page.locator("section", has=page.get_by_role("heading", name="Answered"))
    expect(answered.get_by_text(re.compile("How many minutes can you sit"))).to_be_visible()
    expect(page.locator(".question", has_text="How many minutes can you sit").get_by_text("new repl")).to_have_count(0)

    phone.goto(questions)
    expect(phone.locator(".question", has_text="How many minutes can you sit").get_by_text("1 new reply")).to_be_visible()
