"""Flare-up plan: pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("flare", __name__)
