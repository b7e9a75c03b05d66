"""The page's language and date order come from CARETEAM_LOCALE; a favicon; the menus of a
record name each destination once (the patient's "My record" is the overview)."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest

from careteam.web.templating import day_pattern, language_tag


@pytest.mark.parametrize("setting, tag, text", [
    ("en-GB", "en-GB", "3 Dec 2026"),
    (None, "en-GB", "3 Dec 2026"),
    ("", "en-GB", "3 Dec 2026"),
    ("en_US.UTF-8", "en-US", "Dec 3, 2026"),
    ("en-us", "en-US", "Dec 3, 2026"),
    ("de-DE", "de-DE", "3 Dec 2026"),
    ("fr", "fr", "3 Dec 2026"),
    ('en"><script>', "en-GB", "3 Dec 2026"),  # never into the page as written
])
def test_locale_setting_gives_the_language_tag_and_the_date_order(setting, tag, text):
    assert language_tag(setting) == tag
    assert date(2026, 12, 3).strftime(day_pattern(setting)) == text


def test_pages_carry_the_locale_as_their_language_and_link_the_icon(app, clinic, login_as):
    assert '<html lang="en-GB">' in app.test_client().get("/login").get_data(as_text=True)
    html = login_as(clinic.physician).get("/account").get_data(as_text=True)
    assert '<html lang="en-GB">' in html
    assert re.search(r'<link rel="icon" href="/static/favicon.svg[^"]*" type="image/svg\+xml">', html)


def test_dates_in_text_follow_the_locale(app, client, clinic, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_LOCALE", "en-US")
    html = login_as(clinic.patient_a).get(f"/patients/{clinic.record_a.id}/access-log").get_data(as_text=True)
    assert '<html lang="en-US">' in html
    with app.app_context():
        when = app.jinja_env.filters["when"](datetime(2026, 12, 3, 9, 5, tzinfo=timezone.utc))
        assert when == "Dec 3, 2026, 09:05"
        assert app.jinja_env.filters["day"](date(2026, 3, 12)) == "Mar 12, 2026"
    monkeypatch.setitem(app.config, "CARETEAM_LOCALE", "en-GB")
    with app.app_context():
        assert app.jinja_env.filters["day"](date(2026, 3, 12)) == "12 Mar 2026"


def test_favicon_ico_leads_to_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/static/favicon.svg")
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.data


NAV = re.compile(r'<nav[^>]*aria-label="(Main|Record)"[^>]*>(.*?)</nav>', re.S)


def menu_links(html: str) -> list[tuple[str, str]]:
    return [(href, re.sub(r"<[^>]+>", "", label).strip())
            for _menu, body in NAV.findall(html)
            for href, label in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', body, re.S)]


@pytest.mark.parametrize("who", ["patient_a", "physician", "physio", "psych"])
@pytest.mark.parametrize("page", ["", "/notes", "/access-log"])
def test_no_menu_offers_the_same_destination_twice(client, clinic, login_as, who, page):
    html = login_as(getattr(clinic, who)).get(f"/patients/{clinic.record_a.id}{page}").get_data(as_text=True)
    links = menu_links(html)
    assert len(links) > 5
    hrefs = [href for href, _ in links]
    assert len(hrefs) == len(set(hrefs)), links
    labels = [label for _, label in links]
    assert len(labels) == len(set(labels)), links


def test_the_patients_record_is_my_record_in_the_main_menu_and_not_again_in_the_records(client, clinic, login_as):
    html = login_as(clinic.patient_a).get(f"/patients/{clinic.record_a.id}/notes").get_data(as_text=True)
    links = dict((label, href) for href, label in menu_links(html))
    assert links["My record"] == f"/patients/{clinic.record_a.id}"
    assert "Overview" not in links
    main = NAV.search(html).group(2)
    assert re.search(r'aria-current="page">My record<', main)  # marked on every page of her record
    record = [body for menu, body in NAV.findall(html) if menu == "Record"][0]
    assert re.search(r'aria-current="page">Notes<', record)
    # her overview: no quick links repeating the menu ("Today's exercises" beside "Today")
    overview = login_as(clinic.patient_a).get(f"/patients/{clinic.record_a.id}").get_data(as_text=True)
    assert "Today&#39;s exercises" not in overview and "Today's exercises" not in overview
    assert 'aria-current="page"' not in [body for menu, body in NAV.findall(overview) if menu == "Record"][0]


def test_a_clinician_keeps_the_overview_in_the_records_menu(client, clinic, login_as):
    html = login_as(clinic.physician).get(f"/patients/{clinic.record_a.id}").get_data(as_text=True)
    record = [body for menu, body in NAV.findall(html) if menu == "Record"][0]
    assert re.search(r'aria-current="page">Overview<', record)
