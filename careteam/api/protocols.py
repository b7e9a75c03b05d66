"""Protocol templates: JSON API."""

from __future__ import annotations

from careteam.api import api_blueprint

blp = api_blueprint("api_protocols", __name__, "Protocol templates.")
