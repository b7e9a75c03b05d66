"""Every API list is paged: `limit` (default 50, at most 200) and `page`, with a `Link: <...>;
rel="next"` header while more rows follow. Pages are offsets into the list's documented order."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from careteam.domain.limits import LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX
from careteam.extensions import db
from careteam.models import Question, utcnow
from careteam.services.notes import PER_PAGE as NOTES_PER_PAGE
from tests.support import checkins as build
from tests.support.notes import add_note

# Lists answered as an object with `items`, `page` and `has_next` (their bodies predate `limit`).
PAGE_OBJECTS = {"/api/v1/patients/{patient_id}/notes", "/api/v1/admin/accounts", "/api/v1/admin/audit-events"}
NEXT = re.compile(r'^<(?P<url>[^>]+)>; rel="next"$')


def walk(client, url: str) -> tuple[list[dict], int]:
    """Every row of a list, following the next links; and how many pages that took."""
    rows, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.get_json()
        rows += response.get_json()
        pages += 1
        link = response.headers.get("Link")
        url = NEXT.match(link).group("url") if link else None
        assert pages < 100, "the next links never end"
    return rows, pages


def test_checkins_longer_than_a_page_are_walked_whole_through_the_next_links(app, clinic, api):
    with app.app_context():
        build.weeks_of_checkins(clinic.record_a.id, clinic.patient_a.id, 120)
    url = f"/api/v1/patients/{clinic.record_a.id}/checkins"

    first = api.physician.get(url)
    rows, pages = walk(api.physician, f"{url}?limit=50")

    assert len(first.get_json()) == LIST_LIMIT_DEFAULT and 'rel="next"' in first.headers["Link"]
    weeks = [row["week_start"] for row in rows]
    assert pages == 3 and len(weeks) == 120 and len(set(weeks)) == 120
    assert weeks == sorted(weeks, reverse=True)  # newest first across page boundaries


def test_the_next_link_keeps_the_other_parameters(app, clinic, api):
    with app.app_context():
        build.weeks_of_checkins(clinic.record_a.id, clinic.patient_a.id, 30)
    url = f"/api/v1/patients/{clinic.record_a.id}/checkins?from=2025-12-01&limit=7"

    rows, pages = walk(api.physician, url)
    window = api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/checkins?from=2025-12-01&limit=200")

    assert [r["id"] for r in rows] == [r["id"] for r in window.get_json()] and "Link" not in window.headers
    assert pages == -(-len(rows) // 7)


def test_a_list_built_in_memory_is_paged_the_same_way(app, clinic, api):
    with app.app_context():
        db.session.add_all(Question(patient_id=clinic.record_a.id, text=f"question {n}", asked_by_id=clinic.patient_a.id,
                                    asked_by_role="patient") for n in range(23))
        db.session.commit()
    url = f"/api/v1/patients/{clinic.record_a.id}/questions?status=all&limit=5"

    rows, pages = walk(api.physician, url)

    assert pages == 5 and sorted(r["text"] for r in rows) == sorted(f"question {n}" for n in range(23))
    assert len({r["id"] for r in rows}) == 23


@pytest.mark.parametrize("limit", ["0", "-1", str(LIST_LIMIT_MAX + 1), "99999999999999999999", "ten"])
def test_a_limit_out_of_bounds_is_422_naming_it(clinic, api, limit):
    for url in (f"/api/v1/patients/{clinic.record_a.id}/checkins", f"/api/v1/patients/{clinic.record_a.id}/goals",
                "/api/v1/patients"):
        response = api.physician.get(f"{url}?limit={limit}")
        assert response.status_code == 422 and "limit" in str(response.get_json()["errors"]), url


def test_an_unknown_query_parameter_is_still_refused(clinic, api):
    assert api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/goals?colour=red").status_code == 422


def test_notes_and_audit_events_keep_their_page_bodies_and_add_the_next_link(app, clinic, api):
    start = utcnow() - timedelta(days=30)
    with app.app_context():
        for day in range(13):
            add_note(clinic.record_a.id, clinic.physician, "clinicians", f"Day {day}.",
                     created_at=start + timedelta(days=day))
    url = f"/api/v1/patients/{clinic.record_a.id}/notes?limit=4"

    bodies, pages = [], []
    while url:
        response = api.physio.get(url)
        pages.append(response.get_json())
        bodies += [n["body"] for n in response.get_json()["items"]]
        link = response.headers.get("Link")
        assert bool(link) == response.get_json()["has_next"]
        url = NEXT.match(link).group("url") if link else None
    audit = api.admin.get("/api/v1/admin/audit-events?limit=2")

    assert bodies == [f"Day {d}." for d in range(12, -1, -1)] and [p["page"] for p in pages] == [1, 2, 3, 4]
    assert len(audit.get_json()["items"]) == 2 and audit.get_json()["has_next"]
    assert NEXT.match(audit.headers["Link"]).group("url") == "/api/v1/admin/audit-events?limit=2&page=2"
    assert api.admin.get(f"/api/v1/admin/accounts?limit={LIST_LIMIT_MAX + 1}").status_code == 422


def _list_operations(spec):
    for path, item in spec["paths"].items():
        operation = item.get("get")
        schema = (operation or {}).get("responses", {}).get("200", {}).get("content", {}) \
            .get("application/json", {}).get("schema", {})
        if schema.get("type") == "array" or path in PAGE_OBJECTS:
            yield path, operation


def test_every_list_operation_documents_limit_with_its_bounds_and_the_next_link(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    lists = list(_list_operations(spec))

    assert len(lists) >= 23 and PAGE_OBJECTS <= {path for path, _ in lists}
    for path, operation in lists:
        limit = [p for p in operation.get("parameters", []) if p["in"] == "query" and p["name"] == "limit"]
        assert limit, f"{path} has no limit"
        assert limit[0]["schema"]["minimum"] == 1 and limit[0]["schema"]["maximum"] == LIST_LIMIT_MAX, path
        assert limit[0]["schema"]["default"] == (NOTES_PER_PAGE if path.endswith("/notes") else LIST_LIMIT_DEFAULT), path
        assert "Link" in operation["responses"]["200"].get("headers", {}), path
