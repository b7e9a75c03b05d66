"""Graded-activity plans: baseline, start, quota sessions, the 24-hour rule and quota decisions.
(How a plan stands, judged from its logs, is careteam.services.activity_progress.)

Who logs what: the patient logs baseline and quota sessions and answers the next-day question
(Action.LOG). A physiotherapist or psychologist on the team may enter the same things as
measured or reported in clinic (Action.WRITE); their entries show as "entered in clinic".
The physician reads. Only physiotherapists and psychologists create, start, change and
decide. "Today's quota" is the latest decision's quota, or the start quota.

The engine (careteam.domain.graded_activity) judges the quota sessions logged since the
current quota was set, so a decided suggestion is not suggested again.

Reading, creating, changing and starting plans (plans), baseline and quota sessions and the
next-day answer (sessions), the suggestion and quota decisions (decisions), and what they share
(versions). Callers import from here.
"""

from careteam.services.graded_activity.decisions import decide, suggestion
from careteam.services.graded_activity.plans import (
    EDITABLE,
    FIXED_ONCE_STARTED,
    MAX_STEPS_STAND_IN,
    PlanDetail,
    PlanInput,
    create_plan,
    get_plan,
    list_plans,
    new_plan_problems,
    patient_for_new_plan,
    start_plan,
    today_for,
    update_plan,
)
from careteam.services.graded_activity.sessions import add_baseline, answer_next_day, log_session
from careteam.services.graded_activity.versions import DECISION, LOG, PART, PLAN

__all__ = [
    "DECISION", "EDITABLE", "FIXED_ONCE_STARTED", "LOG", "MAX_STEPS_STAND_IN", "PART", "PLAN", "PlanDetail",
    "PlanInput", "add_baseline", "answer_next_day", "create_plan", "decide", "get_plan", "list_plans", "log_session",
    "new_plan_problems", "patient_for_new_plan", "start_plan", "suggestion", "today_for", "update_plan",
]
