"""Weekly check-ins: the weeks a patient may fill in (weeks), what belongs to a week (rows),
saving (saving) and the audited reads for the patient and the team (reads). Callers import
from here."""

from careteam.services.checkins.reads import (
    CheckinContext,
    CheckinDetail,
    CheckinIndex,
    checkin_index,
    form_context,
    get_checkin,
    list_checkins,
)
from careteam.services.checkins.rows import ExerciseRow, GoalRow, InterventionRow, WeekRows
from careteam.services.checkins.saving import NUMBER_FIELDS, SCALAR_FIELDS, SavedCheckin, save_checkin
from careteam.services.checkins.weeks import OBJECT_TYPE, OpenWeek, WeekWindow, current_week, edit_days, week_window

__all__ = [
    "NUMBER_FIELDS", "OBJECT_TYPE", "SCALAR_FIELDS", "CheckinContext", "CheckinDetail", "CheckinIndex", "ExerciseRow",
    "GoalRow", "InterventionRow", "OpenWeek", "SavedCheckin", "WeekRows", "WeekWindow", "checkin_index",
    "current_week", "edit_days", "form_context", "get_checkin", "list_checkins", "save_checkin", "week_window",
]
