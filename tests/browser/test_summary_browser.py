"""A physician opens upcoming appointments and downloads the handover PDFs."""

from __future__ import annotations

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.helpers import screenshot, sign_in


def test_physician_downloads_the_handover_pdf_from_upcoming_appointments(live_server, page, tmp_path):
    sign_in(page, live_server.url, "dr.okafor@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Upcoming appointments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upcoming appointments")
    row = page.locator("li.appointment-row", has_text="Maria Lopez")
    expect(row).to_be_visible()
    screenshot(page, "upcoming-appointments")
    with page.expect_download(timeout=30_000) as download_info:  # the first PDF starts its renderer
        row.get_by_role("link", name="PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("careteam-handover-maria-lopez-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Maria Lopez" in text and "Handover summary" in text and "Confidential" in text

    with page.expect_download(timeout=30_000) as bundle_info:
        page.get_by_role("link", name="in one file").first.click()
    bundle = bundle_info.value
    bundle_path = tmp_path / bundle.suggested_filename
    bundle.save_as(bundle_path)
    assert bundle_path.read_bytes().startswith(b"%PDF")


def test_physician_reads_the_summary_page_and_picks_a_period(live_server, page):
    patient_id = live_server.patient_id("maria.lopez@example.org")
    sign_in(page, live_server.url, "dr.okafor@example.org")
    page.goto(f"{live_server.url}/patients/{patient_id}/summary")
    expect(page.get_by_role("heading", name="1. Red flags and alerts")).to_be_visible()
    expect(page.get_by_text("since the last appointment on")).to_be_visible()
    page.get_by_label("From").fill("2026-01-05")
    page.get_by_label("To").fill("2026-03-01")
    page.get_by_role("button", name="Show this period").click()
    expect(page.get_by_text("5 Jan 2026 – 1 Mar 2026 (chosen, 8 weeks)")).to_be_visible()
    screenshot(page, "summary-page")
