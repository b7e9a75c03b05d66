"""The flare-up plan (versioned: every save is a new row, nothing is rewritten) and flare days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from careteam.domain.policy import Action, Part
from careteam.domain.vocabulary import RED_FLAG_LABELS, TIER_LABELS, Tier
from careteam.extensions import db
from careteam.models import FlareDay, FlarePlan, Intervention, Patient, User
from careteam.models.flare import flare_plan_tools
from careteam.queries import PATIENT_ID, Person, first, rows
from careteam.services import audit, clock, patients, timeline
from careteam.services.access import authorize
from careteam.services.errors import Conflict, InvalidInput

TEXT_FIELDS = ("early_warning_signs", "minimum_activity", "return_to_plan", "seek_help")
REQUIRED_TEXT = {
    "minimum_activity": "Name the minimum non-negotiable activity: scale down, never disappear.",
    "seek_help": "Say when to seek help.",
}
TEXT_MAX = 4000
DEFAULT_PERIOD_DAYS = 28
TIER_ORDER = {tier.value: index for index, tier in enumerate(Tier)}  # immediate relief first


def default_seek_help() -> str:
    """The red flags, as the starting text of "when to seek help"."""
    lines = [f"- {label}" for label in RED_FLAG_LABELS.values()]
    return "Contact a doctor at once (out of hours: emergency services) if you notice:\n" + "\n".join(lines)


def tools_in_order(tools: list[Intervention]) -> list[Intervention]:
    return sorted(tools, key=lambda t: (TIER_ORDER.get(t.tier, len(TIER_ORDER)), t.name.lower(), t.id))


def tool_label(tool: Intervention) -> str:
    return f"{tool.name} ({TIER_LABELS.get(tool.tier, tool.tier).lower()})"


def _with_details():
    return (selectinload(FlarePlan.tools), selectinload(FlarePlan.created_by))


def current_plan(patient_id: int) -> FlarePlan | None:
    """The newest version with its tools and author, in three queries; None if there is no plan.
    No access check: the caller (page, dashboard, PDF) has authorized the reader already."""
    return db.session.scalar(
        select(FlarePlan).where(FlarePlan.patient_id == patient_id)
        .options(*_with_details()).order_by(FlarePlan.version.desc()).limit(1)
    )


@dataclass(frozen=True)
class ToolRow:
    id: int
    name: str
    tier: str
    details: str


@dataclass(frozen=True)
class PlanView:
    """The newest version as the record view shows it: plain data, tools by name as the plan lists them."""

    version: int
    early_warning_signs: str
    minimum_activity: str
    return_to_plan: str
    seek_help: str
    reason: str
    created_by: Person
    created_at: datetime
    tools: tuple[ToolRow, ...]


NEWEST_PLAN = (select(FlarePlan.id, FlarePlan.version, *(getattr(FlarePlan, name) for name in TEXT_FIELDS),
                      FlarePlan.reason, FlarePlan.created_by_id, User.name, User.role, FlarePlan.created_at)
               .join(User, User.id == FlarePlan.created_by_id)
               .where(FlarePlan.patient_id == PATIENT_ID).order_by(FlarePlan.version.desc()).limit(1))
PLAN_TOOLS = (select(Intervention.id, Intervention.name, Intervention.tier, Intervention.details)
              .join(flare_plan_tools, flare_plan_tools.c.intervention_id == Intervention.id)
              .where(flare_plan_tools.c.flare_plan_id == bindparam("plan_id")).order_by(Intervention.name))


def plan_view(patient_id: int) -> PlanView | None:
    """`current_plan` for the record view, in two prebuilt statements; None if there is no plan."""
    plan = first(NEWEST_PLAN, patient_id=patient_id)
    if plan is None:
        return None
    tools = tuple(ToolRow(*tool) for tool in rows(PLAN_TOOLS, plan_id=plan.id))
    return PlanView(plan.version, plan.early_warning_signs, plan.minimum_activity, plan.return_to_plan, plan.seek_help,
                    plan.reason, Person(plan.created_by_id, plan.name, role=plan.role), plan.created_at, tools)


def _versions(patient_id: int) -> list[FlarePlan]:
    return list(db.session.scalars(
        select(FlarePlan).where(FlarePlan.patient_id == patient_id)
        .options(*_with_details()).order_by(FlarePlan.version.desc())
    ))


def plan_json(plan: FlarePlan | None) -> dict[str, Any] | None:
    """A version's values, for a Conflict answer."""
    if plan is None:
        return None
    return {
        "version": plan.version,
        **{name: getattr(plan, name) for name in TEXT_FIELDS},
        "tool_ids": [t.id for t in tools_in_order(plan.tools)],
        "tools": [t.name for t in tools_in_order(plan.tools)],
        "reason": plan.reason,
        "created_by": plan.created_by.name,
        "created_at": plan.created_at.isoformat(),
    }


def _record_read(actor: User, patient_id: int, object_type: str = "flare_plan") -> None:
    """Audit a read, and commit before loading what is shown: a commit expires loaded objects,
    and reloading them one by one would cost a query each."""
    audit.record("read", actor=actor, patient_id=patient_id, object_type=object_type)
    db.session.commit()


def _read(actor: User, patient_id: int, action: Action = Action.READ) -> Patient:
    patient = authorize(actor, patient_id, Part.FLARE_PLAN, action, object_type="flare_plan")
    _record_read(actor, patient.id)
    return patient


def get_plan(actor: User, patient_id: int) -> FlarePlan | None:
    return current_plan(_read(actor, patient_id).id)


def plan_versions(actor: User, patient_id: int) -> tuple[Patient, list[FlarePlan]]:
    """Every version, newest first: the current plan and its history."""
    patient = _read(actor, patient_id)
    return patient, _versions(patient.id)


@dataclass
class PlanEditor:
    patient: Patient
    current: FlarePlan | None
    tool_options: list[Intervention]  # the patient's active interventions, immediate relief first

    @property
    def based_on_version(self) -> int:
        return self.current.version if self.current else 0


def _tool_options(patient_id: int, current: FlarePlan | None) -> list[Intervention]:
    """Active interventions, plus any the current plan links although they have since stopped."""
    today = clock.today()
    active = db.session.scalars(
        select(Intervention).where(
            Intervention.patient_id == patient_id,
            or_(Intervention.started_on.is_(None), Intervention.started_on <= today),
            or_(Intervention.stopped_on.is_(None), Intervention.stopped_on >= today),
        )
    ).all()
    linked = current.tools if current else []
    return tools_in_order(list({t.id: t for t in [*active, *linked]}.values()))


def editor(actor: User, patient_id: int) -> PlanEditor:
    """What the edit form needs: the current version and the tools to choose from."""
    patient = _read(actor, patient_id, action=Action.WRITE)
    current = current_plan(patient.id)
    return PlanEditor(patient, current, _tool_options(patient.id, current))


def _checked_texts(texts: dict[str, str | None]) -> dict[str, str]:
    cleaned = {name: (value or "").strip() for name, value in texts.items()}
    problems = {name: message for name, message in REQUIRED_TEXT.items() if not cleaned[name]}
    problems |= {name: f"Keep this under {TEXT_MAX} characters." for name, value in cleaned.items()
                 if len(value) > TEXT_MAX}
    if problems:
        raise InvalidInput(problems)
    return cleaned


def _checked_tools(patient_id: int, current: FlarePlan | None, tool_ids: list[int]) -> list[Intervention]:
    allowed = {t.id: t for t in _tool_options(patient_id, current)}
    if any(tool_id not in allowed for tool_id in tool_ids):
        raise InvalidInput({"tool_ids": "Choose tools from the patient's active interventions."})
    return [allowed[tool_id] for tool_id in dict.fromkeys(tool_ids)]


def _same_as(current: FlarePlan | None, texts: dict[str, str], tools: list[Intervention]) -> bool:
    return current is not None and all(getattr(current, n) == v for n, v in texts.items()) and (
        {t.id for t in current.tools} == {t.id for t in tools})


def _summary(current: FlarePlan | None, plan: FlarePlan, texts: dict[str, str]) -> str:
    if current is None:
        return "Flare-up plan written (version 1)"
    labels = {"early_warning_signs": "early warning signs", "minimum_activity": "minimum activity",
              "return_to_plan": "return to the plan", "seek_help": "when to seek help"}
    changed = [label for name, label in labels.items() if getattr(current, name) != texts[name]]
    if {t.id for t in current.tools} != {t.id for t in plan.tools}:
        changed.append("tools")
    return f"Flare-up plan version {plan.version}: " + ", ".join(changed) + " changed"


REASON_NEEDED = "Say why the plan changes: the team reads it in the history."


def _plan_problems(patient_id: int, current: FlarePlan | None, texts: dict[str, str | None],
                   tool_ids: list[int] | None, reason: str | None) -> dict[str, str]:
    problems: dict[str, str] = {}
    try:
        _checked_texts(texts)
    except InvalidInput as error:
        problems |= {name: messages[0] for name, messages in error.errors.items()}
    if tool_ids is not None:
        try:
            _checked_tools(patient_id, current, tool_ids)
        except InvalidInput as error:
            problems |= {name: messages[0] for name, messages in error.errors.items()}
    if current is not None and reason is not None and not reason.strip():
        problems["reason"] = REASON_NEEDED
    return problems


def plan_problems(actor: User, patient_id: int, *, tool_ids: list[int] | None, reason: str | None,
                  **texts: str | None) -> dict[str, str]:
    """What save_plan would refuse in these values (None: a value the form could not read),
    without saving: a form that failed its own checks shows these in the same round."""
    patient = authorize(actor, patient_id, Part.FLARE_PLAN, Action.WRITE, object_type="flare_plan")
    readable = {name: value or "" for name, value in texts.items()}
    problems = _plan_problems(patient.id, current_plan(patient.id), readable, tool_ids, reason)
    return {name: message for name, message in problems.items() if texts.get(name, "") is not None}


def save_plan(actor: User, patient_id: int, *, based_on_version: int, tool_ids: list[int], reason: str = "",
              early_warning_signs: str = "", minimum_activity: str = "", return_to_plan: str = "",
              seek_help: str = "") -> FlarePlan:
    """Save a new version on top of `based_on_version` (0: there is no plan yet).

    A stale base is a Conflict carrying the current version; two saves racing on the same base
    meet the unique (patient_id, version) constraint, and the loser gets the same Conflict.
    """
    patient = authorize(actor, patient_id, Part.FLARE_PLAN, Action.WRITE, object_type="flare_plan")
    current = current_plan(patient.id)
    current_version = current.version if current else 0
    if based_on_version != current_version:
        raise Conflict(current=plan_json(current))
    raw_texts = {"early_warning_signs": early_warning_signs, "minimum_activity": minimum_activity,
                 "return_to_plan": return_to_plan, "seek_help": seek_help}
    problems = _plan_problems(patient.id, current, raw_texts, tool_ids, reason)
    if problems:  # every problem at once, not the texts first and the reason after
        raise InvalidInput(problems)
    texts = _checked_texts(raw_texts)
    tools = _checked_tools(patient.id, current, tool_ids)
    reason = (reason or "").strip()
    if _same_as(current, texts, tools):
        raise InvalidInput({"_": "This is the same as the current plan; change something to save a new version."})
    plan = FlarePlan(patient_id=patient.id, version=current_version + 1, reason=reason,
                     created_by_id=actor.id, tools=tools, **texts)
    try:
        with db.session.begin_nested():
            db.session.add(plan)
    except IntegrityError:
        raise Conflict(current=plan_json(current_plan(patient.id))) from None
    audit.record("create", actor=actor, patient_id=patient.id, object_type="flare_plan", object_id=plan.id)
    replaced = {name: (getattr(current, name) if current else None, value) for name, value in texts.items()}
    replaced["tools"] = ([t.name for t in current.tools] if current else [], [t.name for t in tools])
    timeline.record_change(actor, patient.id, Part.FLARE_PLAN, "flare_plan", plan.id,
                           _summary(current, plan, texts), reason=reason, changes=replaced)
    db.session.commit()
    return plan


# Flare days: the patient's own check-in data.

def _in_period(patient_id: int, since: date, until: date) -> tuple:
    return FlareDay.patient_id == patient_id, FlareDay.day >= since, FlareDay.day <= until


def flare_days(patient_id: int, since: date, until: date) -> list[date]:
    """The recorded flare days from `since` to `until`, both included, oldest first.
    No access check: for the weekly check-in, the dashboard and the PDF of an authorized reader."""
    return list(db.session.scalars(
        select(FlareDay.day).where(*_in_period(patient_id, since, until)).order_by(FlareDay.day)))


def list_flare_days(actor: User, patient_id: int, since: date | None = None,
                    until: date | None = None) -> list[FlareDay]:
    """Flare days in a period: by default the last four weeks."""
    patient = authorize(actor, patient_id, Part.CHECKINS, Action.READ, object_type="flare_day")
    until = until or clock.today()
    since = since or until - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if since > until:
        raise InvalidInput({"since": "The start comes after the end."})
    _record_read(actor, patient.id, "flare_day")
    return list(db.session.scalars(
        select(FlareDay).where(*_in_period(patient.id, since, until)).order_by(FlareDay.day)))


def _flare_day(patient_id: int, day: date) -> FlareDay | None:
    return db.session.scalar(select(FlareDay).where(FlareDay.patient_id == patient_id, FlareDay.day == day))


def _checked_day(day: date) -> date:
    today = clock.today()
    earliest = today - timedelta(days=current_app.config["CARETEAM_CHECKIN_EDIT_DAYS"])
    if day > today:
        raise InvalidInput({"day": "A flare day cannot be in the future."})
    if day < earliest:
        raise InvalidInput({"day": f"Record flare days of the last {(today - earliest).days} days; "
                                   "older weeks' check-ins are closed."})
    return day


def record_flare_day(actor: User, patient_id: int, day: date | None = None) -> tuple[FlareDay, bool]:
    """Record `day` (default today) as a flare day; again the same day changes nothing.
    Returns the day's row and whether it was new."""
    patient = authorize(actor, patient_id, Part.CHECKINS, Action.WRITE, object_type="flare_day")
    day = _checked_day(day or clock.today())
    existing = _flare_day(patient.id, day)
    if existing is not None:
        return existing, False
    row = FlareDay(patient_id=patient.id, day=day, recorded_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same day recorded a moment ago, from another tab or device
        return _flare_day(patient.id, day), False
    audit.record("create", actor=actor, patient_id=patient.id, object_type="flare_day", object_id=row.id)
    timeline.record_change(actor, patient.id, Part.CHECKINS, "flare_day", row.id,
                           f"Flare day recorded: {day:%-d %b %Y}")
    db.session.commit()
    return row, True


# The patient's one tap: "I'm having a flare".

@dataclass
class FlareNow:
    patient: Patient
    plan: FlarePlan | None
    today: date
    today_recorded: bool

    @property
    def tools(self) -> list[Intervention]:
        return tools_in_order(self.plan.tools) if self.plan else []


def flare_now(actor: User) -> FlareNow | None:
    """The signed-in patient's current plan and whether today is already a flare day; None
    when the actor has no record of their own."""
    record = patients.own_record(actor)
    if record is None:
        return None
    patient = _read(actor, record.id)
    today = clock.today()
    recorded = _flare_day(patient.id, today) is not None
    return FlareNow(patient, current_plan(patient.id), today, recorded)
