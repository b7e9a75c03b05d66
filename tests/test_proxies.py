"""Behind CARETEAM_TRUSTED_PROXIES proxies, careteam sees the real client and scheme: sign-in
limits, audit addresses and generated links; without the setting, forwarded headers count for nothing."""

from __future__ import annotations

import pytest
from flask import Blueprint, url_for
from flask_limiter.util import get_remote_address

from careteam import create_app
from careteam.services.audit import _request_meta
from tests.conftest import make_config

FORWARDED = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "careteam.clinic.example"}


def probe_app(database_url, proxies: int):
    app = create_app(make_config(database_url, CARETEAM_TRUSTED_PROXIES=proxies, SERVER_NAME=None))
    bp = Blueprint("probe", __name__)

    @bp.route("/_probe")
    def probe():
        return {"limit_key": get_remote_address(), "audit_address": _request_meta()[0],
                "link": url_for("auth.login", _external=True)}

    app.register_blueprint(bp)
    return app


@pytest.mark.no_rollback
def test_one_trusted_proxy_gives_the_real_client_and_scheme(database_url):
    seen = probe_app(database_url, 1).test_client().get(
        "/_probe", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"}).get_json()
    assert seen == {"limit_key": "198.51.100.7", "audit_address": "198.51.100.7",
                    "link": "https://careteam.clinic.example/login"}


@pytest.mark.no_rollback
def test_only_as_many_hops_as_trusted_are_believed(database_url):
    headers = {**FORWARDED, "X-Forwarded-For": "6.6.6.6, 198.51.100.7, 10.0.0.9"}  # first one forged
    seen = probe_app(database_url, 2).test_client().get(
        "/_probe", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.2"}).get_json()
    assert seen["limit_key"] == "198.51.100.7"


@pytest.mark.no_rollback
def test_without_the_setting_forwarded_headers_are_ignored(database_url):
    seen = probe_app(database_url, 0).test_client().get(
        "/_probe", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"}).get_json()
    assert seen["limit_key"] == "10.0.0.2" and seen["audit_address"] == "10.0.0.2"
    assert seen["link"].startswith("http://localhost/")
