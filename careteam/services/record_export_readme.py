"""README.txt of "Download my record": what each file in the ZIP is, for a person (not a system)."""

from __future__ import annotations

from datetime import datetime

from careteam.domain.policy import Role
from careteam.models import User
from careteam.services.record import RecordView
from careteam.services.record_csv import PARTS

WIDTH = 30


def _line(name: str, text: str) -> str:
    return f"  {name:<{WIDTH}}{text}"


def readme_text(owner: User, summary: RecordView, counts: dict[str, int], made_at: datetime, keep_hours: int) -> str:
    patient = summary.patient
    own = owner.role_enum == Role.PATIENT
    lines = [
        f"careteam: the record of {patient.name} (record #{patient.id})",
        f"Prepared {made_at.isoformat(timespec='seconds')} for {owner.name}"
        + ("" if own else f" ({owner.role}, on the patient's behalf)") + ".",
        "",
        "This copy holds what " + ("you may read of your record." if own else
                                   f"a {owner.role} on the care team may read of the record. It can include "
                                   "notes written for clinicians only: the patient's own download "
                                   "(\"Download my record\" in careteam) leaves those out."),
        "",
        "FILES",
        _line("README.txt", "this file"),
        _line("fhir/bundle.json", "the record as a FHIR R4 Bundle (type \"collection\"), the standard form "
                                  "another health-record system can import"),
        _line("summary.pdf", f"the handover summary for {summary.period.start.isoformat()} to "
                             f"{summary.period.end.isoformat()} ({summary.period.description}), as careteam "
                             + ("shows it to you" if own else "shows it to the care team")),
    ]
    for part in PARTS:
        if part.file_name in counts:
            rows = counts[part.file_name]
            lines.append(_line(part.file_name, f"{rows} row{'' if rows == 1 else 's'}: {part.description}"))
    lines += [
        "",
        "ABOUT THE CSV FILES",
        "  - UTF-8 text, comma-separated, one header row naming the columns.",
        "  - Dates are YYYY-MM-DD; times are ISO 8601 in UTC (e.g. 2026-03-02T09:30:00+00:00).",
        "  - An empty cell means no value was given; true/false for yes/no columns.",
        "  - Lists (such as red flags) are separated by \"; \".",
        "  - Spreadsheet safety: a text cell that begins with = + - or @ starts with a single quote (')",
        "    added by careteam, so that a spreadsheet shows it as text and never runs it as a formula.",
        "    Remove that first quote to get the text exactly as it was typed. Numbers are never changed.",
        "",
        "Notes, questions and the flare-up plan are in summary.pdf (for its period) and in the FHIR bundle.",
        f"careteam deletes its copy of this file {keep_hours} hours after it was prepared. Keep yours safe:",
        "it holds health information.",
    ]
    return "\n".join(lines) + "\n"
