"""Weekly check-ins: JSON API under /api/v1/patients/<patient_id>/."""

from __future__ import annotations

from careteam.api import api_blueprint

blp = api_blueprint("api_checkins", __name__, "Weekly check-ins.")
