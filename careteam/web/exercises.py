"""Exercise prescriptions and doses: pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("exercises", __name__)
