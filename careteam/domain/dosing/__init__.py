"""Exercise dosing: how a dose reads and what a change changed (doses), weekly adherence, the
evidence beside the dose form and the 24-hour rule (evidence), and which values a dose, a logged
session or a next-day answer may have (validation). Callers import from here.

Plain Python: the services hand in plain values (or any object with the dose's attributes).
"""

from careteam.domain.dosing.doses import (
    DOSE_FIELDS,
    SIDE_LABELS,
    Dose,
    describe,
    dose_diff,
    dose_in_effect,
    dose_of,
    in_plain_words,
)
from careteam.domain.dosing.evidence import (
    ADVICE_LABELS,
    SOURCE_LABELS,
    Advice,
    DoseStep,
    SessionFact,
    Source,
    Suggestion,
    WeekAdherence,
    WeekEvidence,
    answer_counts,
    classify_next_day,
    prescribed_in_week,
    suggest_from_answers,
    total_adherence,
    week_adherence,
    week_start,
    weekly_adherence,
    weekly_evidence,
    weeks_between,
    weeks_ending,
)
from careteam.domain.dosing.validation import (
    ANSWER_DAYS_BACK,
    BAND_LENGTH,
    DOSE_LIMITS,
    EFFECTIVE_DAYS_AHEAD,
    EQUIPMENT_LENGTH,
    INSTRUCTIONS_LENGTH,
    LOG_DAYS_BACK,
    NAME_LENGTH,
    REASON_LENGTH,
    SESSION_LIMITS,
    awaits_answer,
    dose_problems,
    end_problems,
    is_active_on,
    next_day_problem,
    prescription_problems,
    session_problems,
)

__all__ = [
    "ADVICE_LABELS", "ANSWER_DAYS_BACK", "BAND_LENGTH", "DOSE_FIELDS", "DOSE_LIMITS", "EFFECTIVE_DAYS_AHEAD",
    "EQUIPMENT_LENGTH", "INSTRUCTIONS_LENGTH", "LOG_DAYS_BACK", "NAME_LENGTH", "REASON_LENGTH", "SESSION_LIMITS",
    "SIDE_LABELS", "SOURCE_LABELS", "Advice", "Dose", "DoseStep", "SessionFact", "Source", "Suggestion",
    "WeekAdherence", "WeekEvidence", "answer_counts", "awaits_answer", "classify_next_day", "describe", "dose_diff",
    "dose_in_effect", "dose_of", "dose_problems", "end_problems", "in_plain_words", "is_active_on",
    "next_day_problem", "prescribed_in_week", "prescription_problems", "session_problems", "suggest_from_answers",
    "total_adherence", "week_adherence", "week_start", "weekly_adherence", "weekly_evidence", "weeks_between",
    "weeks_ending",
]
