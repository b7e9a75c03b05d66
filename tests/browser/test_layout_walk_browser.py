"""Every page every demo role can reach fits the screen: on a 390 px phone and at 1280 px.

For each role the walk signs in, opens every item of the main menu, a demo patient's record and
each of its sections, and one page of each kind linked from those (an intervention, a note, a
check-in, ...). A page fails if it is wider than the screen or any visible element sticks out on
the right (tables scroll inside their own wrapper). Before the walk a question and a note with a
long unbroken address are added: user text must wrap, not widen the page.

On a phone the record's menu must leave room for content: the first heading after it is within
the first screen. No menu offers the same destination twice.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from careteam.extensions import db
from careteam.models import User
from careteam.services import notes, questions
from tests.browser.conftest import DESKTOP, PHONE, TIMEOUT_MS
from tests.browser.helpers import screenshot, sign_in

MARIA = "maria.lopez@example.org"
ROLES = {  # who: (e-mail, whose record to walk)
    "patient": (MARIA, None),
    "physician": ("dr.okafor@example.org", "Maria Lopez"),
    "physiotherapist": ("priya.nair@example.org", "Maria Lopez"),
    "psychologist": ("dr.hoffmann@example.org", "Maria Lopez"),
    "admin": ("admin@example.org", "Maria Lopez"),
}
LONG_URL = "https://example.org/" + "very-long-path-segment-without-any-break" * 12
# Not pages: downloads, the API, sign-out, links out of the app.
SKIP = re.compile(r"(\.pdf|\.json|/api/|/logout|/static/|/export|/fhir|download|unsubscribe|^mailto:|^tel:)")
# The same kind of page: numbers stand for ids, so one note stands for all notes.
KIND = re.compile(r"\d+")
DATED = re.compile(r"/\d{4}-\d{2}-\d{2}$")

OVERFLOW_JS = """(width) => {
  const offenders = [];
  const clips = (el) => {  // inside a box that scrolls or clips what sticks out
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== 'visible' && p.getBoundingClientRect().right <= width + 1) return true;
    }
    return false;
  };
  const reported = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= width + 1) continue;
    reported.add(el);
    if (reported.has(el.parentElement)) continue;  // name the outermost box that sticks out
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.position === 'fixed') continue;
    if (clips(el)) continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    offenders.push(name + ' right=' + Math.round(r.right));
  }
  return {scrollWidth: document.documentElement.scrollWidth, offenders: offenders.slice(0, 5)};
}"""


@pytest.fixture(scope="module")
def long_user_text(live_server):
    """A question from Maria and a note for her team, each with a long address in it."""
    patient_id = live_server.patient_id(MARIA)
    with live_server.app.test_request_context():
        maria = db.session.scalar(db.select(User).where(User.email == MARIA))
        doctor = db.session.scalar(db.select(User).where(User.email == ROLES["physician"][0]))
        questions.ask(maria, patient_id, f"Is this video right for me? {LONG_URL}")
        notes.write_note(doctor, patient_id, "team_and_patient", f"Read this before our next talk: {LONG_URL}")
        db.session.remove()


def links(page: Page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map(a => a.getAttribute('href'))")


def app_path(href: str | None) -> str | None:
    if not href or href.startswith("#") or SKIP.search(href):
        return None
    parts = urlsplit(href)
    if parts.scheme and parts.netloc and not parts.netloc.startswith("127.0.0.1"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def record_url(page: Page, base: str, whose: str | None) -> str:
    """The walked record: the patient's own, or the named patient's as found from the menu."""
    if whose is None:
        return page.url
    for href in links(page, "main a"):
        if href and re.fullmatch(r"/patients/\d+", href):
            page.goto(base + href)
            if page.get_by_role("heading", level=1, name=whose).count():
                return page.url
    for href in links(page, "nav[aria-label=Main] a"):
        page.goto(base + href)
        for candidate in links(page, "main a"):
            if candidate and re.fullmatch(r"/patients/\d+(/team)?", candidate):
                page.goto(base + candidate)
                if page.get_by_role("heading", level=1, name=whose).count():
                    return page.url
    raise AssertionError(f"no link to {whose}'s record")


def walk(page: Page, base: str, whose: str | None) -> list[str]:
    """The pages to check: the menu, the record's sections, and one page of each kind beneath."""
    first: list[str] = [urlsplit(page.url).path]
    first += [p for p in map(app_path, links(page, "nav[aria-label=Main] a")) if p]
    record = urlsplit(record_url(page, base, whose)).path
    first.append(record)
    first += [p for p in map(app_path, links(page, "nav[aria-label=Record] a")) if p]
    seen_kinds = Counter(KIND.sub("#", p) for p in first)
    pages = list(dict.fromkeys(first))
    for path in list(pages):
        page.goto(base + path)
        for found in map(app_path, links(page, "main a")):
            if not found or found in pages:
                continue
            kind = KIND.sub("#", found)
            # a week's check-in is a form while open and a saved page after: two of those
            if seen_kinds[kind] < (2 if DATED.search(found) else 1):
                seen_kinds[kind] += 1
                pages.append(found)
    return pages


def overflow(page: Page, width: int) -> list[str]:
    result = page.evaluate(OVERFLOW_JS, width)
    problems = list(result["offenders"])
    if result["scrollWidth"] > width + 1:
        problems.insert(0, f"page {result['scrollWidth']} px wide")
    return problems


@pytest.mark.parametrize("size", ["phone", "desktop"])
@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_is_wider_than_the_screen(live_server, browser: Browser, long_user_text, role, size):
    email, whose = ROLES[role]
    options = PHONE if size == "phone" else DESKTOP
    width = options["viewport"]["width"]
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        sign_in(page, live_server.url, email)
        pages = walk(page, live_server.url, whose)
        assert len(pages) >= (6 if role == "admin" else 15), pages
        too_wide = {}
        for path in pages:
            response = page.goto(live_server.url + path)
            assert response is not None and response.ok, f"{path}: {response and response.status}"
            screenshot(page, f"walk-{role}-{size}-{path.strip('/').replace('/', '-') or 'home'}")
            problems = overflow(page, width)
            if problems:
                too_wide[path] = problems
        assert not too_wide, f"{len(too_wide)} of {len(pages)} pages too wide at {width} px: {too_wide}"
    finally:
        context.close()
