"""The shared record's other pages in a real browser: notes and who may read them, questions for
the team, functional goals, red-flag alerts on "My patients", protocol templates, appointments
and sorting "My patients".

The live server (and its database) is shared by the whole session, and tests may run in any
order: every test writes its own uniquely worded data and checks only that. Weeks of check-ins:
the check-in tests use Maria's this week and last week, so these tests use Tom Becker's (last
week for the red flag, this week for the pain that reorders "My patients"). Tom has no open alert
in the demo, so the one raised here is the only one his physician, Dr. Berg, has to acknowledge.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from playwright.sync_api import Browser, Page, expect

from careteam.domain.vocabulary import RED_FLAG_LABELS, RedFlag
from careteam.services import clock
from tests.browser.helpers import record_section, screenshot, sign_in

MARIA = "maria.lopez@example.org"
TOM = "tom.becker@example.org"
OKAFOR = "dr.okafor@example.org"  # Maria's physician
BERG = "dr.berg@example.org"  # Tom's physician
PRIYA = "priya.nair@example.org"  # physiotherapist of both
HOFFMANN = "dr.hoffmann@example.org"  # Maria's psychologist

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TIMEOUT_MS = 10_000


@contextmanager
def signed_in(browser: Browser, base_url: str, email: str, *, phone: bool = False) -> Iterator[Page]:
    """A page in its own browser context (its own cookies), signed in as `email`."""
    context = browser.new_context(**(PHONE if phone else DESKTOP))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        sign_in(page, base_url, email)
        yield page
    finally:
        context.close()


def token() -> str:
    return uuid.uuid4().hex[:8]


def today(live_server) -> date:
    with live_server.app.app_context():
        return clock.today()


def day(value: date) -> str:
    return value.strftime("%-d %b %Y")


def record_tab(page: Page, name: str) -> None:
    record_section(page, name)


def open_patient(page: Page, name: str) -> None:
    """From "My patients", as a clinician: the patient's record."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My patients").click()
    page.get_by_role("table").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def status(page: Page):
    return page.get_by_role("status")


def patient_rows(page: Page):
    """The body rows of "My patients" (the header row has column headers, not cells)."""
    return page.get_by_role("table").get_by_role("row").filter(has=page.get_by_role("cell"))


def send_checkin(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Send my")).click()


def answer_pain(page: Page, average: int, worst: int, enjoyment: int, activity: int) -> None:
    for question, number in (
        ("What number best describes your pain on average this week?", average),
        ("Your worst pain this week?", worst),
        ("How much did pain interfere with your enjoyment of life?", enjoyment),
        ("How much did pain interfere with your general activity?", activity),
    ):
        page.get_by_role("group", name=question).get_by_label(str(number), exact=True).check()


def untick_red_flags(page: Page) -> None:
    for label in RED_FLAG_LABELS.values():
        page.get_by_label(label).uncheck()


# --- Notes --------------------------------------------------------------------------------------


def write_note(page: Page, visibility: str, body: str) -> None:
    page.get_by_label("Who may read this note").select_option(label=visibility)
    page.get_by_label("Note (required)").fill(body)
    page.get_by_role("button", name="Save note").click()


def search_notes(page: Page, words: str) -> None:
    page.get_by_role("searchbox", name="Search notes").fill(words)
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()


def test_notes_reach_exactly_their_readers_and_a_correction_stays_under_its_note(live_server, browser):
    mark = token()
    for_everyone = f"Browser note {mark}: walked to the bakery and back without a flare."
    correction = f"Correction {mark}: it was the pharmacy, not the bakery."
    for_clinicians = f"Browser note {mark}: hip mobility limited on the left, recheck in two weeks."
    for_psychologists = f"Browser note {mark}: the fear of re-injury comes from her father's surgery."
    url = live_server.url

    with signed_in(browser, url, OKAFOR) as doctor:
        open_patient(doctor, "Maria Lopez")
        record_tab(doctor, "Notes")
        # A physician may not write psychotherapy notes: the choice is not even offered.
        expect(doctor.get_by_label("Who may read this note").get_by_role("option")).to_have_text(
            ["Team and patient", "Clinicians only"])
        write_note(doctor, "Team and patient", for_everyone)
        expect(status(doctor)).to_have_text("Note saved (team and patient).")
        note = doctor.get_by_role("article").filter(has_text=for_everyone)
        expect(note).to_contain_text("Team and patient")
        expect(note).to_contain_text("Dr. Amara Okafor")

        note.get_by_role("link", name="Add a correction (addendum)").click()
        expect(doctor.get_by_role("heading", name="Add a correction (addendum)")).to_be_visible()
        doctor.get_by_role("textbox", name="Correction").fill(correction)
        doctor.get_by_role("button", name="Add correction").click()
        expect(status(doctor)).to_have_text("Correction added under the note.")
        note = doctor.get_by_role("article")
        expect(note).to_have_count(1)
        expect(note.locator(".note-body").first).to_have_text(for_everyone)  # the note itself is as written
        corrections = note.get_by_role("list", name="Corrections to this note")
        expect(corrections.get_by_role("listitem")).to_have_count(1)
        expect(corrections).to_contain_text("Correction by Dr. Amara Okafor (Physician)")
        expect(corrections).to_contain_text(correction)
        screenshot(doctor, "notes-correction-desktop")

    with signed_in(browser, url, PRIYA) as physio:
        open_patient(physio, "Maria Lopez")
        record_tab(physio, "Notes")
        expect(physio.get_by_label("Who may read this note").get_by_role("option")).to_have_text(
            ["Team and patient", "Clinicians only"])
        write_note(physio, "Clinicians only", for_clinicians)
        expect(status(physio)).to_have_text("Note saved (clinicians only).")
        expect(physio.get_by_role("article").filter(has_text=for_clinicians)).to_contain_text("Clinicians only")

    with signed_in(browser, url, HOFFMANN) as psychologist:
        open_patient(psychologist, "Maria Lopez")
        record_tab(psychologist, "Notes")
        expect(psychologist.get_by_label("Who may read this note").get_by_role("option")).to_have_text(
            ["Team and patient", "Clinicians only", "Psychologists only"])
        write_note(psychologist, "Psychologists only", for_psychologists)
        expect(status(psychologist)).to_have_text("Note saved (psychologists only).")
        psych_note = psychologist.get_by_role("article").filter(has_text=for_psychologists)
        expect(psych_note).to_contain_text("Psychologists only")
        psych_note_url = url + psych_note.get_by_role("link", name="Open note").get_attribute("href")

        search_notes(psychologist, mark)  # the psychologist reads all three
        notes = psychologist.get_by_role("article")
        expect(notes).to_have_count(3)
        for body in (for_everyone, for_clinicians, for_psychologists):
            expect(notes.filter(has_text=body)).to_have_count(1)
        screenshot(psychologist, "notes-psychologist-desktop")

    with signed_in(browser, url, MARIA, phone=True) as patient:
        record_section(patient, "Notes")
        expect(patient.get_by_role("heading", name="Write a note")).to_have_count(0)
        expect(patient.get_by_role("list", name="Notes by who may read them").get_by_role("listitem")).to_have_count(1)
        search_notes(patient, mark)
        notes = patient.get_by_role("article")
        expect(notes).to_have_count(1)
        expect(notes).to_contain_text(for_everyone)
        expect(notes.get_by_role("list", name="Corrections to this note")).to_contain_text(correction)
        main = patient.get_by_role("main")
        expect(main).not_to_contain_text(for_clinicians)
        expect(main).not_to_contain_text(for_psychologists)
        assert patient.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        screenshot(patient, "notes-patient-phone")

    with signed_in(browser, url, PRIYA) as physio:
        open_patient(physio, "Maria Lopez")
        record_tab(physio, "Notes")
        search_notes(physio, mark)
        notes = physio.get_by_role("article")
        expect(notes).to_have_count(2)
        expect(notes.filter(has_text=for_everyone)).to_have_count(1)
        expect(notes.filter(has_text=for_clinicians)).to_have_count(1)
        expect(physio.get_by_role("main")).not_to_contain_text(for_psychologists)
        search_notes(physio, for_psychologists)
        expect(physio.get_by_text("No notes match your search.")).to_be_visible()
        response = physio.goto(psych_note_url)  # even with the address, the note does not exist for her
        assert response.status == 404
        expect(physio.get_by_role("heading", level=1)).to_have_text("Not found")
        expect(physio.get_by_role("main")).not_to_contain_text(for_psychologists)


# --- Questions ----------------------------------------------------------------------------------


def test_patient_asks_a_question_a_physician_answers_it_and_the_patient_reads_the_answer(live_server, browser):
    mark = token()
    question = f"Can I go back to my choir on Thursdays? ({mark})"
    answer = f"Yes: sit for the first half and stand for the second. ({mark})"
    url = live_server.url

    with signed_in(browser, url, MARIA, phone=True) as patient:
        patient.get_by_role("region", name="Open questions").get_by_role("link", name="Ask a question").click()
        patient.get_by_label("Your question").fill(question)
        patient.get_by_role("button", name="Add question").click()
        expect(status(patient)).to_have_text("Question added. The team will see it before the next appointment.")
        asked = patient.get_by_role("article", name=question)  # the question's own conversation page
        expect(asked).to_contain_text("Asked by you")
        screenshot(patient, "questions-asked-phone")

        with signed_in(browser, url, OKAFOR) as doctor:
            open_patient(doctor, "Maria Lopez")
            open_card = doctor.get_by_role("region", name="Open questions")
            expect(open_card).to_contain_text(question)  # on the record's overview first
            open_card.get_by_role("link", name="All questions").click()
            item = doctor.locator(".question", has_text=question)
            expect(item).to_contain_text("Maria Lopez")
            item.get_by_role("link").first.click()
            doctor.get_by_label("Your reply").fill(answer)
            screenshot(doctor, "questions-answering-desktop")
            doctor.get_by_role("button", name="Mark answered").click()
            expect(status(doctor)).to_have_text("Marked answered.")
            expect(doctor.locator(".reply.answer")).to_contain_text(answer)

        patient.reload()
        expect(patient.locator(".reply.answer")).to_contain_text(answer)
        expect(patient.locator(".reply.answer")).to_contain_text("Okafor")
        screenshot(patient, "questions-answered-phone")


# --- Functional goals ---------------------------------------------------------------------------


def test_goal_with_baseline_and_target_shows_the_change_and_when_it_is_meaningful(live_server, browser):
    activity = f"Carry the shopping up two flights of stairs ({token()})"
    target_date = today(live_server) + timedelta(weeks=12)
    url = live_server.url

    with signed_in(browser, url, PRIYA) as physio:
        open_patient(physio, "Maria Lopez")
        record_tab(physio, "Goals")
        physio.get_by_role("link", name="Add a goal").click()
        physio.get_by_label("Activity, in the person's own words").fill(activity)
        physio.get_by_label("Baseline ability").fill("3")
        physio.get_by_label("Target ability").fill("8")
        physio.get_by_label("Target date").fill(target_date.isoformat())
        physio.get_by_role("button", name="Add goal").click()
        expect(status(physio)).to_have_text("Goal added.")
        card = physio.get_by_role("listitem").filter(has=physio.get_by_role("link", name=activity, exact=True))
        expect(card.get_by_label("Ability scores out of 10")).to_contain_text(re.compile(r"Baseline\s*3"))
        expect(card.get_by_label("Ability scores out of 10")).to_contain_text(re.compile(r"Target\s*8"))
        expect(card).to_contain_text("Not scored yet.")
        expect(card).to_contain_text(f"Target date {day(target_date)}")

        card.get_by_role("link", name=activity, exact=True).click()
        expect(physio.get_by_role("heading", name=activity)).to_be_visible()
        physio.get_by_label("Ability today").fill("4")
        physio.get_by_role("button", name="Add score").click()
        expect(status(physio)).to_have_text("Score added.")
        change = physio.get_by_text("since baseline")
        expect(change).to_contain_text("+1 since baseline")
        expect(change).not_to_contain_text("clinically meaningful")
        expect(physio.get_by_role("progressbar", name="Progress from baseline to target")).to_have_attribute(
            "aria-valuenow", "20")

    with signed_in(browser, url, MARIA, phone=True) as patient:
        record_tab(patient, "Goals")
        expect(patient.get_by_role("link", name="Add a goal")).to_have_count(0)  # the patient scores, not sets
        card = patient.get_by_role("listitem").filter(has=patient.get_by_role("link", name=activity, exact=True))
        expect(card.get_by_text("since baseline")).to_contain_text("+1 since baseline")
        card.get_by_role("link", name="Add a score").click()
        patient.get_by_label("Ability today").fill("6")
        patient.get_by_role("button", name="Add score").click()
        expect(status(patient)).to_have_text("Score added.")
        change = patient.get_by_text("since baseline")
        expect(change).to_contain_text("+3 since baseline")
        expect(change.get_by_text("clinically meaningful")).to_be_visible()
        expect(patient.get_by_label("Ability scores out of 10")).to_contain_text(re.compile(r"Latest\s*6"))
        expect(patient.get_by_role("progressbar", name="Progress from baseline to target")).to_have_attribute(
            "aria-valuenow", "60")
        patient.get_by_text("Scores as a table").click()
        rows = patient.get_by_role("table").get_by_role("row").filter(has=patient.get_by_role("cell"))
        expect(rows).to_have_count(2)
        expect(rows.nth(0).get_by_role("cell")).to_have_text([day(today(live_server)), "6", "the patient"])
        expect(rows.nth(1).get_by_role("cell")).to_have_text([day(today(live_server)), "4", "physiotherapist"])
        screenshot(patient, "goal-detail-phone")

        record_tab(patient, "Goals")
        card = patient.get_by_role("listitem").filter(has=patient.get_by_role("link", name=activity, exact=True))
        expect(card.get_by_text("since baseline")).to_contain_text("+3 since baseline clinically meaningful")
        screenshot(patient, "goals-phone")


# --- Red-flag alerts ----------------------------------------------------------------------------


def test_physician_acknowledges_a_new_red_flag_and_it_leaves_my_patients(live_server, browser):
    last_week = today(live_server) - timedelta(days=today(live_server).weekday(), weeks=1)
    tom = live_server.patient_id(TOM)
    fever = RED_FLAG_LABELS[RedFlag.FEVER_OR_WEIGHT_LOSS]
    url = live_server.url

    with signed_in(browser, url, TOM, phone=True) as patient:
        form_url = f"{url}/patients/{tom}/check-ins/{last_week.isoformat()}"
        patient.goto(form_url)  # first without flags, so that the one ticked next is new
        answer_pain(patient, 5, 6, 5, 5)
        untick_red_flags(patient)
        send_checkin(patient)
        patient.goto(form_url)
        patient.get_by_label(fever).check()
        send_checkin(patient)
        expect(patient.get_by_role("alert").filter(has_text="You ticked a warning sign")).to_contain_text(fever)

        with signed_in(browser, url, BERG) as doctor:
            expect(doctor.get_by_role("heading", level=1)).to_have_text("My patients")
            banner = doctor.get_by_role("alert").filter(has_text="Open red-flag alert")
            expect(banner).to_contain_text("Tom Becker")
            row = patient_rows(doctor).filter(has_text="Tom Becker")
            expect(row.get_by_role("link", name="1 open")).to_be_visible()
            screenshot(doctor, "my-patients-open-alert")

            row.get_by_role("link", name="Tom Becker").click()
            panel = doctor.get_by_role("alert", name="Open red-flag alert")
            expect(panel).to_contain_text(fever)
            panel.get_by_role("link", name="Review and acknowledge").click()
            open_alerts = doctor.get_by_role("region", name="Open red-flag alerts")
            alert = open_alerts.get_by_role("listitem").filter(
                has=doctor.get_by_role("button", name="Acknowledge")).filter(has_text=fever)
            expect(alert).to_have_count(1)
            expect(alert).to_contain_text(f"check-in of the week of {day(last_week)}")
            alert.get_by_role("textbox", name="What was done").fill("Called Tom, booked a visit today")
            with doctor.expect_navigation():
                alert.get_by_role("button", name="Acknowledge").click()
            expect(status(doctor)).to_have_text("Alert acknowledged by you.")
            expect(open_alerts).to_contain_text("No open alerts.")
            history = doctor.get_by_role("region", name="Acknowledged").get_by_role("row").filter(has_text=fever)
            expect(history).to_contain_text("by Dr. Jonas Berg")

            record_tab(doctor, "Overview")
            expect(doctor.get_by_role("alert", name="Open red-flag alert")).to_have_count(0)
            changes = doctor.get_by_role("region", name="Recent changes to the record")
            expect(changes.get_by_role("listitem").filter(
                has_text=f"Red-flag alert acknowledged: {fever}").first).to_contain_text("You (Physician)")

            doctor.get_by_role("navigation", name="Main").get_by_role("link", name="My patients").click()
            expect(doctor.get_by_role("alert").filter(has_text="Tom Becker")).to_have_count(0)
            row = patient_rows(doctor).filter(has_text="Tom Becker")
            expect(row.get_by_role("cell").nth(2)).to_have_text("none")
            screenshot(doctor, "my-patients-acknowledged")

        patient.goto(f"{url}/patients/{tom}")  # the patient's own record: the alert is settled
        expect(patient.get_by_role("alert", name="Open red-flag alert")).to_have_count(0)
        patient.goto(f"{url}/patients/{tom}/alerts")
        expect(patient.get_by_role("region", name="Open red-flag alerts")).to_contain_text("No open alerts.")
        seen = patient.get_by_role("region", name="Acknowledged").get_by_role("row").filter(has_text=fever)
        expect(seen).to_contain_text("by Dr. Jonas Berg")
        screenshot(patient, "alerts-acknowledged-patient-phone")


# --- Protocol templates -------------------------------------------------------------------------


def test_physiotherapist_applies_the_daily_reset_and_it_appears_on_the_record(live_server, browser):
    reason = f"Stiff mornings after long drives ({token()})"
    name = "Daily 3-step reset"

    with signed_in(browser, live_server.url, PRIYA) as physio:
        open_patient(physio, "Tom Becker")
        record_tab(physio, "What helped")
        ledger = physio.get_by_role("region", name="What has and hasn't helped")
        expect(ledger).to_be_visible()
        before = ledger.get_by_role("link", name=name, exact=True).count()

        record_tab(physio, "Templates")
        template = physio.get_by_role("listitem").filter(has=physio.get_by_role("heading", name=name))
        expect(template).to_contain_text("1 intervention")
        template.get_by_role("link", name=f"Review and apply {name}").click()
        expect(physio.get_by_role("heading", name=f"Apply “{name}” to Tom Becker")).to_be_visible()
        steps = physio.get_by_role("list", name=f"Steps of {name}, in this order").get_by_role("listitem")
        expect(steps).to_have_count(3)
        expect(steps.nth(0)).to_contain_text("Release 5 min")
        expect(steps.nth(1)).to_contain_text("Moist heat 15 min")
        expect(steps.nth(2)).to_contain_text("Stretch 5 min")
        physio.get_by_label("Reason").fill(reason)
        screenshot(physio, "protocol-apply-desktop")
        physio.get_by_role("button", name="Apply template").click()

        expect(status(physio)).to_have_text(
            "Template applied: 1 intervention added, starting today. Change them here as usual.")
        ledger = physio.get_by_role("region", name="What has and hasn't helped")
        expect(ledger.get_by_role("link", name=name, exact=True)).to_have_count(before + 1)
        created = ledger.get_by_role("listitem").filter(
            has=physio.get_by_role("link", name=name, exact=True)).last
        expect(created).to_contain_text("Not rated yet")
        expect(created).to_contain_text("introduced by the physiotherapist")
        portfolio = physio.get_by_role("region", name="Pain portfolio")
        expect(portfolio.get_by_role("listitem").filter(has_text=name).first).to_contain_text(
            "Steps, in this order: 1. Release (5 min)")
        screenshot(physio, "protocol-applied-ledger")

        record_tab(physio, "Overview")
        changes = physio.get_by_role("region", name="Recent changes to the record").get_by_role("listitem")
        applied = changes.filter(has_text=f"Applied template {name}: 1 intervention").filter(has_text=reason)
        expect(applied).to_have_count(1)
        expect(applied).to_contain_text("You (Physiotherapist)")
        added = changes.filter(has_text=f"Added intervention {name} (stabilizing habit)").filter(has_text=reason)
        expect(added).to_contain_text(f"Why: From template {name}: {reason}")


# --- Appointments -------------------------------------------------------------------------------


def test_clinician_records_an_appointment_and_sees_it_among_upcoming_ones(live_server, browser):
    number = int(token(), 16)
    when_day = today(live_server) + timedelta(days=3)
    at = f"{8 + number % 9:02d}:{number % 12 * 5:02d}"
    shown = f"{day(when_day)}, {at}"

    # The psychologist: the summary's browser test counts on Dr. Okafor's appointments staying as they are.
    with signed_in(browser, live_server.url, HOFFMANN) as psychologist:
        open_patient(psychologist, "Maria Lopez")
        record_tab(psychologist, "Appointments")
        psychologist.get_by_label("Date").fill(when_day.isoformat())
        psychologist.get_by_label("Time").fill(at)
        psychologist.get_by_label("With").select_option(label="Dr. Lena Hoffmann (Psychologist)")
        psychologist.get_by_label("Kind").select_option(label="Follow-up")
        psychologist.get_by_role("button", name="Record appointment").click()

        expect(status(psychologist)).to_have_text("Appointment recorded.")
        item = psychologist.get_by_role("region", name="Appointments", exact=True).get_by_role("listitem").filter(
            has_text=shown)
        expect(item).to_contain_text(f"{shown} · Dr. Lena Hoffmann")
        expect(item).to_contain_text("Follow-up")
        expect(item).to_contain_text("upcoming")
        screenshot(psychologist, "appointments-recorded")

        psychologist.get_by_role("navigation", name="Main").get_by_role("link", name="Upcoming appointments").click()
        expect(psychologist.get_by_role("heading", level=1)).to_have_text("Upcoming appointments")
        that_day = psychologist.get_by_role("region", name=f"{when_day:%A}, {day(when_day)}")
        row = that_day.get_by_role("listitem").filter(has_text=shown)
        expect(row).to_have_count(1)
        expect(row.get_by_role("link", name="Maria Lopez")).to_be_visible()
        expect(row).to_contain_text("Follow-up")
        expect(row.get_by_role("link", name="PDF")).to_be_visible()
        screenshot(psychologist, "appointments-upcoming-psychologist")


# --- My patients, sorted ------------------------------------------------------------------------


def test_clinician_sorts_my_patients_by_pain_trend(live_server, browser):
    url = live_server.url
    # Tom's pain this week rises to 10 (from 6 four weeks ago): worse by 4, more than anyone else's.
    with signed_in(browser, url, TOM, phone=True) as patient:
        patient.get_by_role("navigation", name="Main").get_by_role("link", name="Weekly check-in").click()
        expect(patient.get_by_role("heading", level=1)).to_have_text("Weekly check-in")
        answer_pain(patient, 10, 10, 8, 9)
        untick_red_flags(patient)
        send_checkin(patient)
        expect(status(patient)).to_contain_text("is saved")

    with signed_in(browser, url, PRIYA) as physio:
        expect(physio.get_by_role("heading", level=1)).to_have_text("My patients")
        expect(physio.get_by_role("columnheader", name="Patient")).to_contain_text("(sorted)")
        rows = patient_rows(physio)
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("Maria Lopez")
        expect(rows.nth(1)).to_contain_text("Tom Becker")
        screenshot(physio, "my-patients-by-name")

        physio.get_by_role("columnheader", name="Pain, last 4 weeks").get_by_role("link").click()
        expect(physio).to_have_url(f"{url}/patients?sort=trend")
        expect(physio.get_by_role("columnheader", name="Pain, last 4 weeks")).to_contain_text("(sorted)")
        expect(physio.get_by_role("columnheader", name="Patient")).not_to_contain_text("(sorted)")
        rows = patient_rows(physio)
        expect(rows.nth(0)).to_contain_text("Tom Becker")
        expect(rows.nth(0).get_by_role("cell").nth(3)).to_contain_text("10/10")
        expect(rows.nth(0).get_by_role("cell").nth(3)).to_contain_text("worse by 4")
        expect(rows.nth(1)).to_contain_text("Maria Lopez")
        screenshot(physio, "my-patients-by-trend")

        physio.get_by_role("columnheader", name="Patient").get_by_role("link").click()
        expect(physio).to_have_url(f"{url}/patients?sort=name")
        rows = patient_rows(physio)
        expect(rows.nth(0)).to_contain_text("Maria Lopez")
        expect(rows.nth(1)).to_contain_text("Tom Becker")
