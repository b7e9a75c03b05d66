"""Stable resource ids (`Goal/goal-12`), references and FHIR times (UTC with an offset)."""

from __future__ import annotations

from datetime import UTC, date, datetime


def rid(prefix: str, key: int | str) -> str:
    return f"{prefix}-{key}"


def ref(resource_type: str, prefix: str, key: int | str, display: str | None = None) -> dict:
    found = {"reference": f"{resource_type}/{rid(prefix, key)}"}
    if display:
        found["display"] = display
    return found


def patient_ref(patient_id: int) -> dict:
    return ref("Patient", "patient", patient_id)


def practitioner_ref(user_id: int) -> dict:
    return ref("Practitioner", "practitioner", user_id)


def instant(moment: datetime | None) -> str | None:
    """An instant in UTC with its offset; naive values are UTC as stored."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def number(value: float | int) -> float | int:
    """Whole floats as ints, so that 3.0 kg is written 3 (FHIR decimals keep what they are given)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def drop_empty(resource: dict) -> dict:
    """FHIR forbids empty strings, lists and objects and null values."""
    return {k: v for k, v in resource.items() if v not in (None, "", [], {})}
