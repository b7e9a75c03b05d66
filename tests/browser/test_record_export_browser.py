"""Maria downloads her whole record: from her record's tab, a button, a bar that advances while
the worker writes the ZIP, and the file."""

from __future__ import annotations

import re
import zipfile

from playwright.sync_api import expect

from careteam import jobs
from tests.browser.helpers import record_section, screenshot, sign_in


def test_the_patient_clicks_download_my_record_and_gets_the_zip(live_server, page, phone_page, tmp_path,
                                                               monkeypatch):
    monkeypatch.setitem(live_server.app.config, "CARETEAM_PDF_TIMEOUT_SECONDS", 120)  # a loaded machine
    record = live_server.patient_id("maria.lopez@example.org")
    sign_in(page, live_server.url, "maria.lopez@example.org")
    page.goto(f"{live_server.url}/patients/{record}")
    page.get_by_role("navigation", name="Record").get_by_role("link", name="Download my record").click()
    expect(page.get_by_role("heading", name="Download my record")).to_be_visible()
    screenshot(page, "record-export-page-1280")

    with page.expect_navigation():
        page.get_by_role("button", name="Download my record").click()
    expect(page).to_have_url(re.compile(rf"/patients/{record}/record-export/\d+$"))
    bar = page.locator("progress#bundle-progress")
    expect(bar).to_have_attribute("value", "0")
    expect(page.get_by_role("status")).to_contain_text("working")
    expect(page.get_by_role("link", name="Download the ZIP file")).to_be_hidden()
    screenshot(page, "record-export-queued-1280")

    jobs.run_burst(live_server.app)  # the worker takes the job

    total = bar.get_attribute("max")
    expect(bar).to_have_attribute("value", total, timeout=60_000)  # updated by the page's script
    expect(page.get_by_role("status")).to_contain_text(f"{total} of {total} files · ready")
    link = page.get_by_role("link", name="Download the ZIP file")
    expect(link).to_be_visible()
    screenshot(page, "record-export-ready-1280")
    with page.expect_download(timeout=30_000) as download_info:
        link.click()
    name = download_info.value.suggested_filename
    assert re.fullmatch(rf"careteam-record-{record}-\d{{4}}-\d{{2}}-\d{{2}}\.zip", name), name
    path = tmp_path / name
    download_info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert {"README.txt", "fhir/bundle.json", "summary.pdf", "checkins.csv", "exercise-sessions.csv"} <= names
        assert archive.read("summary.pdf").startswith(b"%PDF")

    # The same pages on a phone.
    sign_in(phone_page, live_server.url, "maria.lopez@example.org")
    phone_page.goto(f"{live_server.url}/patients/{record}/record-export")
    expect(phone_page.get_by_role("heading", name="Your downloads")).to_be_visible()  # the ZIP just made
    screenshot(phone_page, "record-export-page-390")
    phone_page.goto(page.url)
    expect(phone_page.get_by_role("link", name="Download the ZIP file")).to_be_visible()
    screenshot(phone_page, "record-export-ready-390")


def test_a_clinician_reaches_it_from_the_patients_summary(live_server, page, phone_page):
    record = live_server.patient_id("maria.lopez@example.org")
    for each, size in ((page, 1280), (phone_page, 390)):
        sign_in(each, live_server.url, "dr.okafor@example.org")
        each.goto(f"{live_server.url}/patients/{record}/summary")
        record_section(each, "Download record")
        expect(each.get_by_role("heading", name="Download the record on the patient's behalf")).to_be_visible()
        expect(each.get_by_text("notes for clinicians only")).to_be_visible()
        expect(each.get_by_role("button", name="Prepare the record for download")).to_be_visible()
        screenshot(each, f"record-export-clinician-{size}")
