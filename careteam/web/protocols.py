"""Protocol templates: pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("protocols", __name__)
