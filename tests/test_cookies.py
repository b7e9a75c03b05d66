"""The session cookie: __Host- prefixed under HTTPS, and nothing from the record inside it
(flash messages say what happened, never what was written)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from careteam import create_app
from tests.conftest import make_config

WEB = Path(__file__).resolve().parent.parent / "careteam" / "web"
MARKER = "Zebra-crossing-4411"

# The only values a flash message may interpolate: dates, counts, labels, "you".
ALLOWED_IN_FLASH = {"week_start", "template.counts", "who", "changed", "two_factor.remaining_recovery_codes(user)",
                    "notes.visibility_label(note.visibility).lower()"}
# Messages passed through a variable come from these places, each a fixed text or a service's
# validation message (which quotes no input).
# (MESSAGE: mfa_gate's fixed text; error.message: a service's refusal, e.g. "Only the author can void a note.")
ALLOWED_VARIABLES = {"message", "category", "conflict.message", "MESSAGE", "error.message"}


def _flash_calls():
    for path in sorted(WEB.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "flash" and node.args:
                yield path.name, node.args[0]


def test_flash_messages_interpolate_no_record_content():
    calls = list(_flash_calls())
    assert len(calls) > 30
    for module, message in calls:
        where = f"{module}:{message.lineno}"
        if isinstance(message, ast.Constant):
            continue
        if isinstance(message, ast.JoinedStr):
            for part in message.values:
                if isinstance(part, ast.FormattedValue):
                    assert ast.unparse(part.value) in ALLOWED_IN_FLASH, f"{where} puts {ast.unparse(part.value)} in the cookie"
            continue
        source = ast.unparse(message)
        assert (source in ALLOWED_VARIABLES or source.startswith("NEXT_DAY_THANKS[")
                or source.startswith("' '.join(")), f"{where} flashes {source}"


def _session_of(app, client) -> dict:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="careteam.test")
    if cookie is None:
        return {}
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def test_typical_writes_leave_no_record_content_in_the_cookie(app, clinic, login_as):
    client = login_as(clinic.psych)
    patient = clinic.record_a.id
    writes = [
        (f"/patients/{patient}/exposure/items", {"description": f"Bend to tie shoes {MARKER}",
                                                  "fear_rating": "40", "expectancy": "60",
                                                  "predicted_consequence": f"stuck {MARKER}"}),
        (f"/patients/{patient}/interventions/new", {"name": f"Pregabalin {MARKER}", "tier": "immediate_relief",
                                                    "kind": "medication", "details": f"75 mg {MARKER}"}),
    ]
    for url, form in writes:
        response = client.post(url, data=form)
        assert response.status_code == 302, (url, response.status_code)
        flashed = _session_of(app, client).get("_flashes")
        assert flashed, url  # a message was flashed ...
        assert MARKER not in repr(flashed)  # ... and it does not quote the record
        assert MARKER in client.get(response.headers["Location"]).get_data(as_text=True)  # saved


@pytest.mark.no_rollback
@pytest.mark.parametrize("https, name", [("1", "__Host-careteam_session"), ("0", "careteam_session")])
def test_session_cookie_name_and_attributes(database_url, monkeypatch, https, name):
    monkeypatch.setenv("CARETEAM_HTTPS", https)
    app = create_app(make_config(database_url))
    client = app.test_client()
    with client.session_transaction() as session:  # a session that has outlived its lifetime
        session["_user_id"] = "1:x"
        session["signed_in_at"] = session["last_seen_at"] = 0
    header = client.get("/healthz").headers["Set-Cookie"]  # ended, with a flash: written again
    attributes = [part.strip() for part in header.split(";")]
    assert attributes[0].startswith(f"{name}=")
    assert "Path=/" in attributes and "HttpOnly" in attributes
    assert not any(a.lower().startswith("domain=") for a in attributes)
    assert ("Secure" in attributes) == (https == "1")
