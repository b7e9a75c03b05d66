"""Months of realistic history for the demo patients; each part of the record adds its own."""

from __future__ import annotations

from datetime import date

from careteam.models import Patient, User


def add_history(users: dict[str, User], records: dict[str, Patient], today: date) -> None:
    """No clinical history yet: the record's parts add theirs here."""
