"""Graded-activity plans: pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("activity", __name__)
