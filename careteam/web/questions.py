"""Questions for the team: pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("questions", __name__)
