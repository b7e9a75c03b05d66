"""Handover summary: pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("summary", __name__)
