"""Every page a person reads has unique element ids: a label whose `for` names a duplicated id
labels the wrong field for screen readers and for clicks. Walks every HTML GET route of the demo
clinic's richer record as each member of the team and the patient, with real object ids."""

from __future__ import annotations

import re
from collections import Counter
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from careteam.demo import load_demo_data
from careteam.extensions import db
from careteam.models import Patient, User
from tests import factories
from tests.test_access_walk import routes

ID_ATTRIBUTE = re.compile(r"""\sid=["']([^"']+)["']""")
OBJECT_IDS = (1, 2, 3)  # demo objects have small ids; most pages exist for some of them
PEOPLE = ("maria.lopez@example.org", "dr.okafor@example.org", "priya.nair@example.org", "dr.hoffmann@example.org")


def html_urls(app, patient_id: int):
    for rule, method in routes(app):
        if method != "GET" or rule.rule.startswith("/api/") or rule.endpoint in ("static", "auth.logout"):
            continue
        others = [name for name in rule.arguments if name != "patient_id"]
        if any(rule._converters[name].__class__.__name__ != "IdConverter" for name in others):
            continue  # dates and slugs: their pages are reached by the browser tests
        for object_id in OBJECT_IDS if others else (None,):
            yield rule.build({"patient_id": patient_id, **{name: object_id for name in others}},
                             append_unknown=False)[1]


@contextmanager
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("email", PEOPLE)
def test_no_page_repeats_an_element_id(app, client, email):
    with app.app_context():
        load_demo_data()
        person = db.session.scalar(select(User).where(User.email == email))
        patient_id = db.session.scalar(select(Patient.id).join(User, Patient.user_id == User.id)
                                       .where(User.email == PEOPLE[0]))
    factories.sign_in_session(client, person)
    pages, repeated = 0, {}
    for url in html_urls(app, patient_id):
        with csrf_on(app):  # every form then carries its token field, as in production
            response = client.get(url)
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        pages += 1
        counts = Counter(ID_ATTRIBUTE.findall(response.get_data(as_text=True)))
        twice = sorted(name for name, count in counts.items() if count > 1)
        if twice:
            repeated[url] = twice
    assert pages > 20, pages
    assert not repeated, "\n".join(f"{url}: {ids}" for url, ids in repeated.items())
