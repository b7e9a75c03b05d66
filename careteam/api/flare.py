"""Flare-up plan: JSON API under /api/v1/patients/<patient_id>/."""

from __future__ import annotations

from careteam.api import api_blueprint

blp = api_blueprint("api_flare", __name__, "Flare-up plan.")
