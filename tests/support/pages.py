"""Comparing HTML pages in tests."""

from __future__ import annotations

import re


def without_request_id(response) -> bytes:
    """The page without what differs per request: its id and the CSRF token (time-stamped to the second)."""
    page = response.data.replace(response.headers["X-Request-ID"].encode(), b"")
    page = re.sub(rb'name="csrf-token" content="[^"]*"', b"", page)
    return re.sub(rb'name="csrf_token" value="[^"]*"', b"", page)  # the sign-out form's, in every page
