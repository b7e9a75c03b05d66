"""The table of domain bounds (careteam.domain.limits), and that every input honours it."""

from __future__ import annotations

from datetime import date

import pytest

from careteam.domain import limits

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize("value, inside", [(0, False), (-1, False), (1, True), (2**31 - 1, True),
                                           (2**31, False), (2**63, False), (2**64, False)])
def test_id_range_is_that_of_an_integer_column(value, inside):
    assert limits.id_in_range(value) is inside


@pytest.mark.parametrize("text, bad", [
    ("plain", False), ("tab\tnewline\ncr\r", False), ("ü – € 😀", False),
    ("nul\x00", True), ("bell\x07", True), ("vt\x0b", True), ("ff\x0c", True), ("esc\x1b", True),
    ("del\x7f", True), ("c1 \x80", True), ("nel\x85", True), ("\x9f", True), ("nbsp\xa0", False),
])
def test_control_characters(text, bad):
    assert limits.has_control_characters(text) is bad


@pytest.mark.parametrize("name, value, problem", [
    ("target_date", date(1900, 1, 1), "Enter a date from 2000-01-01"),
    ("target_date", date(1999, 12, 31), "Enter a date from 2000-01-01"),
    ("target_date", date(2000, 1, 1), None),
    ("target_date", date(2031, 6, 15), None),
    ("target_date", date(2031, 6, 17), "Enter a date from"),
    ("date_of_birth", date(1900, 1, 1), None),
    ("date_of_birth", date(1899, 12, 31), "Enter a date from 1900-01-01"),
    ("date_of_birth", date(2026, 6, 16), "cannot be in the future"),
])
def test_date_windows(name, value, problem):
    found = limits.date_problem(name, value, TODAY)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize("name, low, high", [
    ("sets", 1, 20), ("reps", 1, 200), ("hold_seconds", 0, 600), ("load_kg", 0, 500),
    ("rest_seconds", 0, 900), ("sessions_per_week", 1, 21), ("score", 0, 10), ("rating", -2, 2),
    ("fear_rating", 0, 100), ("expectancy_before", 0, 100), ("done", 0, 100_000), ("page", 1, 100_000),
    ("based_on_version", 0, 2**31 - 1),
])
def test_number_limits_table(name, low, high):
    assert limits.NUMBER_LIMITS[name] == (low, high)


def test_every_range_in_the_table_is_a_range():
    assert all(low < high for low, high in limits.NUMBER_LIMITS.values())


@pytest.mark.parametrize("unit, value, refused", [
    ("minutes", 1440, False), ("minutes", 1441, True), ("minutes", 100_000, True),
    ("reps", 10_000, False), ("reps", 10_001, True), ("steps", 100_000, False), ("metres", 100_010, True),
])
def test_activity_amounts_are_bounded_per_unit(unit, value, refused):
    from careteam.domain.graded_activity import amount_problem

    assert (amount_problem(value, unit) is not None) is refused
