"""Graded exposure: pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("exposure", __name__)
