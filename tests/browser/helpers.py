"""What browser tests do again and again."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Page

from careteam.demo import DEMO_PASSWORD


def sign_in(page: Page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form; returns once the answer to the form (after redirects) has loaded."""
    page.goto(f"{base_url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def screenshot(page: Page, name: str) -> None:
    """Save a full-page PNG under $CARETEAM_SCREENSHOT_DIR, for people to look at; else nothing."""
    directory = os.environ.get("CARETEAM_SCREENSHOT_DIR")
    if not directory:
        return
    Path(directory).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(directory) / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"),
                    full_page=True)


def record_section(page: Page, name: str) -> None:
    """Go to a section of the open record. On a phone the sections sit behind one "Sections"
    line (a <details>), opened first; on a wide screen they are a row of tabs."""
    menu = page.get_by_role("navigation", name="Record")
    link = menu.get_by_role("link", name=name, exact=True)
    # The menu folds at 40rem (640 px). On a wide screen the tabs may take a moment to show on
    # a loaded machine; click() waits for them, so never reach for the hidden summary there.
    if (page.viewport_size or {}).get("width", 1280) <= 640 and not link.is_visible():
        menu.locator("summary").click()
    link.click()
