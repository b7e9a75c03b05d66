"""Graded activity (quota-based, operant): units, amounts in words and the plan rules (units),
baseline, start quota and schedule (scheduling), and the next quota (suggestions). Callers
import from here.
"""

from careteam.domain.graded_activity.scheduling import (
    MIN_BASELINE_SESSIONS,
    Baseline,
    Rules,
    Schedule,
    Step,
    baseline,
    position,
    quotas,
    schedule,
    start_problem,
    start_quota,
    step_down,
    step_up,
    visible_steps,
    week_start,
)
from careteam.domain.graded_activity.suggestions import (
    SUGGESTION_LABELS,
    QuotaSession,
    Suggestion,
    SuggestionKind,
    suggest,
)
from careteam.domain.graded_activity.units import (
    DEFAULT_START_FRACTION,
    MAX_AMOUNT,
    MAX_START_FRACTION,
    MAX_STEPS,
    MIN_START_FRACTION,
    MODE_HINTS,
    MODE_LABELS,
    UNIT_HINTS,
    UNIT_MAXIMUMS,
    UNIT_STEPS,
    UNIT_WORDS,
    ActivityUnit,
    amount,
    amount_problem,
    number,
    plan_problems,
    quota_phrase,
    round_to_step,
    short_day,
    unit_maximum,
    unit_step,
)

__all__ = [
    "DEFAULT_START_FRACTION", "MAX_AMOUNT", "MAX_START_FRACTION", "MAX_STEPS", "MIN_BASELINE_SESSIONS",
    "MIN_START_FRACTION", "MODE_HINTS", "MODE_LABELS", "SUGGESTION_LABELS", "UNIT_HINTS", "UNIT_MAXIMUMS",
    "UNIT_STEPS", "UNIT_WORDS", "ActivityUnit", "Baseline", "QuotaSession", "Rules", "Schedule", "Step",
    "Suggestion", "SuggestionKind", "amount", "amount_problem", "baseline", "number", "plan_problems", "position",
    "quota_phrase", "quotas", "round_to_step", "schedule", "short_day", "start_problem", "start_quota", "step_down",
    "step_up", "suggest", "unit_maximum", "unit_step", "visible_steps", "week_start",
]
