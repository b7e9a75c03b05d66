"""A physician prepares a day's PDFs in the background: the bar advances without reloading and
ends in a download."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from careteam import jobs
from tests.browser.helpers import screenshot, sign_in


def test_the_day_bundle_progress_bar_advances_to_a_download(live_server, page, tmp_path, monkeypatch):
    # A loaded CI machine: the first render starts the renderer process; give it time.
    monkeypatch.setitem(live_server.app.config, "CARETEAM_PDF_TIMEOUT_SECONDS", 120)
    sign_in(page, live_server.url, "dr.okafor@example.org")
    page.goto(f"{live_server.url}/appointments/upcoming")
    with page.expect_navigation():
        page.get_by_role("button", name="Prepare in the background").first.click()
    expect(page).to_have_url(re.compile(r"/bundles/\d+$"))
    bar = page.locator("progress#bundle-progress")
    expect(bar).to_have_attribute("value", "0")
    expect(page.get_by_role("status")).to_contain_text("working")
    expect(page.get_by_role("link", name="Refresh")).to_be_visible()  # the way without JavaScript
    expect(page.get_by_role("link", name="Download the PDF")).to_be_hidden()
    screenshot(page, "bundle-queued")

    jobs.run_burst(live_server.app)  # the worker takes the job

    total = bar.get_attribute("max")
    expect(bar).to_have_attribute("value", total, timeout=30_000)  # updated by the page's script
    expect(page.get_by_role("status")).to_contain_text(f"{total} of {total} patients · ready")
    download_link = page.get_by_role("link", name="Download the PDF")
    expect(download_link).to_be_visible()
    screenshot(page, "bundle-ready")
    with page.expect_download(timeout=30_000) as download_info:
        download_link.click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
