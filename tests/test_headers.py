"""Security headers on every response; nothing with patient data may be stored by a cache."""

from __future__ import annotations


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin-when-cross-origin"}


def test_pages_api_and_errors_carry_the_headers_and_no_store(client, clinic, login_as, api):
    responses = [
        client.get("/login"),
        client.get("/no/such/page"),
        api.physician.get(f"/api/v1/patients/{clinic.record_a.id}"),
        login_as(clinic.physician).get(f"/patients/{clinic.record_a.id}"),
    ]
    for response in responses:
        assert_security_headers(response)
        assert response.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached_but_keep_the_headers(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert_security_headers(response)
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_pages_use_no_inline_script_or_style(client, clinic, login_as):
    """The CSP forbids them, so a page that used them would silently break."""
    import re

    login_as(clinic.admin)
    for url in ("/admin/accounts", "/admin/patients", "/admin/audit", "/account",
                f"/patients/{clinic.record_a.id}/team", f"/admin/accounts/{clinic.patient_a.id}"):
        page = client.get(url).data.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), url
        assert " style=" not in page and "<style" not in page, url
