"""Appointments: pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("appointments", __name__)
