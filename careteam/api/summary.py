"""Handover summary: JSON API."""

from __future__ import annotations

from careteam.api import api_blueprint

blp = api_blueprint("api_summary", __name__, "Handover summary.")
