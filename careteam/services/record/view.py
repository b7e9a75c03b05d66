"""The one read model of a record: `RecordView`, what one viewer may see of one patient's record
over one period. The dashboard page, the dashboard JSON and the handover summary (page, JSON,
PDF) all render it; a part the viewer may not read stays empty.

Order of the handover (function first): header; red flags and open alerts; functional goals;
trends; what has and hasn't helped; plans (exercise doses and changes, graded activity,
exposure); flare days and the flare-up plan; open questions; notes in the period the viewer may
see. A psychologists-only note reaches only psychologists; the patient's own copy leaves out
clinicians-only notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from markupsafe import Markup

from careteam.domain.policy import Part
from careteam.models import User
from careteam.services import exercises, exposure, flare, goals, ledger, timeline
from careteam.services import notes as notes_service
from careteam.services.activity_progress import PlanProgress, progress_chart
from careteam.services.checkin_trends import WeekPoint, trend_chart
from careteam.services.record.rows import AlertRow, PatientHeader, QuestionRow, TeamMemberRow


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    basis: str  # how it was chosen, in words

    @property
    def weeks(self) -> int:
        return max(1, round((self.end - self.start).days / 7))

    @property
    def description(self) -> str:
        return f"chosen, {self.weeks} weeks" if self.basis == "chosen" else self.basis


@dataclass(frozen=True)
class SummaryNote:
    note_id: int
    author: str
    author_role: str
    visibility: str
    written_at: datetime
    body: str
    shortened: bool
    corrections: tuple[tuple[str, datetime, str], ...]  # (author, when, text)


@dataclass
class RecordView:
    patient: PatientHeader
    team: list[TeamMemberRow]
    period: Period
    viewer: User
    for_patient: bool  # the patient's own copy
    sections: set[Part]  # the parts the viewer may read
    generated_at: datetime
    trend_title: str = "Weekly check-ins in the period"
    weeks: list[WeekPoint] = field(default_factory=list)
    alerts: list[AlertRow] = field(default_factory=list)  # open, and (summary) raised in the period
    more_alerts: int = 0
    goals: list[goals.GoalProgress] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)  # questionnaire scores (services.measures), after the goals
    due_questionnaires: list = field(default_factory=list)  # dashboard: what the patient is asked to answer now
    ledger: list[ledger.LedgerRow] = field(default_factory=list)
    programme: exercises.Programme | None = None
    activity: list[PlanProgress] = field(default_factory=list)
    exposure: exposure.ExposureProgress | None = None
    flare_days: list[date] = field(default_factory=list)
    flare_plan: flare.PlanView | None = None
    questions: list[QuestionRow] = field(default_factory=list)  # the newest open ones, oldest first
    more_questions: int = 0
    recent_notes: list[notes_service.NoteThread] = field(default_factory=list)
    notes: list[SummaryNote] = field(default_factory=list)
    more_notes: int = 0
    changes: list[timeline.ChangeRow] = field(default_factory=list)
    parts: dict[str, Any] = field(default_factory=dict)  # parts added with record.add_part (plain data)

    # Names the dashboard uses.
    @property
    def readable(self) -> set[Part]:
        return self.sections

    @property
    def generated_by(self) -> User:
        return self.viewer

    @property
    def open_alerts(self) -> list[AlertRow]:
        return [a for a in self.alerts if a.acknowledged_at is None]

    @property
    def open_questions(self) -> list[QuestionRow]:
        return self.questions

    @property
    def red_flag_weeks(self) -> list[WeekPoint]:
        return [w for w in self.weeks if w.red_flags]

    @property
    def checked_in_weeks(self) -> list[WeekPoint]:
        return [w for w in self.weeks if w.pain_average is not None]

    @property
    def has_checkins(self) -> bool:
        return bool(self.checked_in_weeks)

    @property
    def has_plans(self) -> bool:
        return bool((self.programme and self.programme.active) or self.activity
                    or (self.exposure and self.exposure.items) or self.flare_plan)

    @property
    def harmful(self) -> list[ledger.LedgerRow]:
        return ledger.split_harmful(self.ledger)[0]

    @property
    def helpful_and_rest(self) -> list[ledger.LedgerRow]:
        return ledger.split_harmful(self.ledger)[1]

    @property
    def patient_words(self) -> list[WeekPoint]:
        """Weeks whose check-in says, in the patient's words, what helped most or what did not; newest first."""
        return [w for w in reversed(self.weeks) if w.helped_most or w.did_not_help]

    def trend_chart(self) -> Markup:
        return trend_chart(self.weeks, title=self.trend_title)

    def activity_chart(self, plan: PlanProgress) -> Markup | None:
        return progress_chart(plan)

    def activity_sessions(self, plan: PlanProgress) -> tuple[int, int]:
        """Quota sessions in the period, and how many met their quota."""
        sessions = [p for p in plan.quota_sessions if self.period.start <= p.performed_on <= self.period.end]
        return len(sessions), sum(1 for p in sessions if p.done >= p.quota)
