"""Weekly check-ins: pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("checkins", __name__)
