"""Clinical notes: pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("notes", __name__)
