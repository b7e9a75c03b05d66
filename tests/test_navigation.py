"""The main menu marks where a person is, also on the pages beneath a menu item."""

from __future__ import annotations

import re

import pytest

CURRENT = re.compile(r'<nav class="site-nav" aria-label="Main">(.*?)</nav>', re.S)


def current_items(html: str) -> list[str]:
    menu = CURRENT.search(html).group(1)
    return re.findall(r'aria-current="page">([^<]+)</a>', menu)


@pytest.mark.parametrize("who, url, expected", [
    ("admin", "/admin/accounts", ["Accounts"]),
    ("admin", "/admin/accounts/{physician_id}", ["Accounts"]),
    ("admin", "/admin/audit", ["Audit trail"]),
    ("patient_a", "/my-record/today", ["Today"]),
    ("physician", "/protocols", ["Protocol templates"]),
    ("physician", "/account", ["Account"]),
])
def test_the_menu_marks_one_item_for_the_page_and_the_pages_beneath_it(clinic, login_as, who, url, expected):
    response = login_as(getattr(clinic, who)).get(url.format(physician_id=clinic.physician.id))
    assert response.status_code == 200
    assert current_items(response.get_data(as_text=True)) == expected
