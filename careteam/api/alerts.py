"""Red-flag alerts: JSON API under /api/v1/patients/<patient_id>/."""

from __future__ import annotations

from careteam.api import api_blueprint

blp = api_blueprint("api_alerts", __name__, "Red-flag alerts.")
