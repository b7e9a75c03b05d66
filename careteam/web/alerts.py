"""Red-flag alerts: pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("alerts", __name__)
