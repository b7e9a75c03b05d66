"""Appointments: JSON API."""

from __future__ import annotations

from careteam.api import api_blueprint

blp = api_blueprint("api_appointments", __name__, "Appointments.")
