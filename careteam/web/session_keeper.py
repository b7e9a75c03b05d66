""""Stay signed in": the idle-timeout warning's answer (see static/js/session_keeper.js)."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from careteam.web.hooks import touch_session

bp = Blueprint("session_keeper", __name__)


@bp.route("/session/keepalive", methods=["POST"])
@login_required
def keepalive():
    # A POST with the CSRF token, made only when the person presses the button: a page left
    # open must still time out.
    touch_session()
    return "", 204
