"""What saving a patient's plan as a protocol template needs: a free slug for its name, and its
goal date as weeks from the start."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection
from datetime import date

from careteam.domain.protocols.shape import MAX_GOAL_WEEKS, SLUG_BASE_LENGTH


def slugify(name: str) -> str:
    """"Après-ski: Warm-up!" -> "apres-ski-warm-up"; "template" when nothing is left."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:SLUG_BASE_LENGTH].rstrip("-") or "template"


def unique_slug(name: str, taken: Collection[str]) -> str:
    """The name's slug, numbered from 2 when it (or a numbered one) is taken."""
    base = slugify(name)
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def goal_weeks_between(start: date, goal_date: date | None) -> int | None:
    """A plan's goal date as weeks from its start (rounded up, 1 to MAX_GOAL_WEEKS), for a template."""
    if goal_date is None:
        return None
    return min(max(math.ceil((goal_date - start).days / 7), 1), MAX_GOAL_WEEKS)
