"""CSV cells: ISO dates, plain numbers, and a single quote in front of anything a spreadsheet
would read as a formula."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from careteam.domain.spreadsheet import safe_cell


@pytest.mark.parametrize(("value", "cell"), [
    (None, ""),
    (True, "true"),
    (False, "false"),
    (0, "0"),
    (-2, "-2"),  # a rating is a number, not typed text
    (7.5, "7.5"),
    (date(2026, 3, 2), "2026-03-02"),
    (datetime(2026, 3, 2, 9, 30, tzinfo=UTC), "2026-03-02T09:30:00+00:00"),
    ("walking helped", "walking helped"),
    ("=HYPERLINK(\"http://x\",\"click\")", "'=HYPERLINK(\"http://x\",\"click\")"),
    ("+1 555", "'+1 555"),
    ("-3 days of flare", "'-3 days of flare"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("a=b", "a=b"),  # only the first character counts
    ("", ""),
    (["leg_weakness", "saddle_numbness"], "leg_weakness; saddle_numbness"),
    (["=cmd"], "'=cmd"),
])
def test_cells(value, cell):
    assert safe_cell(value) == cell
