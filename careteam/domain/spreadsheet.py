"""Cells of the CSV files in "Download my record", made safe to open in a spreadsheet.

A spreadsheet treats a cell that starts with = + - or @ as a formula (CSV formula injection):
free text a person typed, such as "=HYPERLINK(...)", would run when the file is opened. Such a
cell gets a single quote in front, which spreadsheets show as text (OWASP's advice). Tab and
carriage return at the start are prefixed too, as some spreadsheets strip them first.
Numbers are written as numbers: a negative rating (-2) is a value, not text someone typed.
"""

from __future__ import annotations

from datetime import date, datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The text of one CSV cell: ISO dates and times, true/false, empty for None, and text that
    could start a formula prefixed with a single quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(item) for item in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
