"""The Prometheus endpoint: off by default; when on, only with its token (or from loopback
without one); per-route latency, PDF renders and audit write failures."""

from __future__ import annotations

import pytest

from careteam import PROJECT_ROOT, create_app
from careteam.metrics import REGISTRY
from careteam.models import User
from tests.conftest import make_config

TOKEN = "metrics-test-token"


def _sample(name: str, labels: dict | None = None) -> float:
    return REGISTRY.get_sample_value(name, labels or {}) or 0.0


@pytest.fixture
def metrics_app(database_url):
    return create_app(make_config(database_url, CARETEAM_METRICS=True, CARETEAM_METRICS_TOKEN=TOKEN))


def test_off_by_default(app):
    assert app.test_client().get("/metrics").status_code == 404
    assert "/metrics" not in {rule.rule for rule in app.url_map.iter_rules()}


def test_only_with_the_token(metrics_app):
    client = metrics_app.test_client()
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    client.get("/healthz")
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert 'careteam_request_seconds_count{method="GET",route="/healthz"}' in response.get_data(as_text=True)


def test_without_a_token_only_loopback(database_url):
    app = create_app(make_config(database_url, CARETEAM_METRICS=True))
    client = app.test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 404
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200


def test_latency_is_per_route_without_ids(metrics_app):
    labels = {"route": "/api/v1/patients/<int:patient_id>", "method": "GET"}
    before = _sample("careteam_request_seconds_count", labels)
    metrics_app.test_client().get("/api/v1/patients/12345", headers={"Accept": "application/json"})  # a 401
    assert _sample("careteam_request_seconds_count", labels) == before + 1
    text = metrics_app.test_client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)
    assert "12345" not in text


def test_audit_write_failures_are_counted_and_the_read_fails(app, metrics_app, clinic, monkeypatch):
    from careteam.extensions import db
    from careteam.services import audit

    def broken():
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "commit_read", broken)
    before = _sample("careteam_audit_write_failures_total")
    with app.test_request_context():
        physio = db.session.get(User, clinic.physio.id)
        with pytest.raises(RuntimeError):
            audit.record_read(physio, clinic.record_a.id, "patient")
    assert _sample("careteam_audit_write_failures_total") == before + 1


def test_pdf_renders_are_timed(metrics_app):
    from careteam.summary.pdf import renderer

    before = _sample("careteam_pdf_render_seconds_count", {"outcome": "success"})
    html = '<html lang="en"><head><title>ok</title></head><body>ok</body></html>'
    assert renderer.render([html], static_dir=str(PROJECT_ROOT / "static"), page_size="A4",
                           timeout=60).startswith(b"%PDF")
    assert _sample("careteam_pdf_render_seconds_count", {"outcome": "success"}) == before + 1
    assert _sample("careteam_pdf_renders_in_progress") == 0


def test_the_job_queue_and_the_outbox_are_read_at_each_scrape(tmp_path):
    from careteam.extensions import db
    from careteam.models import Notification
    from tests import factories

    app = create_app(make_config(f"sqlite:///{tmp_path}/metrics.sqlite", CARETEAM_METRICS=True,
                                 CARETEAM_METRICS_TOKEN=TOKEN))  # its own database: it commits
    with app.app_context():
        db.create_all()
        person = factories.user()
        db.session.add(Notification(recipient_id=person.id, kind="checkin_reminder", link="/checkins",
                                    email_status="pending"))
        db.session.commit()
    text = app.test_client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)
    assert "careteam_job_queue_tasks 0.0" in text
    assert 'careteam_outbox_emails{state="pending"} 1.0' in text
    assert 'careteam_outbox_emails{state="failed"} 0.0' in text
    assert "careteam_request_seconds_count" in text  # the process's own metrics still come with them
