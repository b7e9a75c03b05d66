"""Protocol templates: reusable routines a clinician applies to a patient's record.

A template is data of one shape, whether it ships with the package
(careteam/protocols/<slug>.json) or a clinician saved it (ProtocolTemplate.content):

    {
      "slug": "daily-3-step-reset",     # lower-case letters, digits, single hyphens; the file's name
      "name": "Daily 3-step reset",
      "description": "What it is for, in a sentence or two.",
      "interventions": [                # created in this order
        {"name": "...", "tier": "<Tier>", "kind": "<InterventionKind>", "details": "...",
         "steps": [{"name": "Release", "minutes": 5, "how": "..."}, ...]}      # steps: optional
      ],
      "exercises": [                    # created in this order, each with its first dose
        {"name": "...", "instructions": "...", "side": "<Side>", "equipment": "...",
         "dose": {"sets": 2, "reps": 10, "hold_seconds": 3, "load_kg": null, "load_band": "",
                  "rest_seconds": 30, "sessions_per_week": 5, "target_effort": 3}}
      ],                                # load_kg, load_band: optional; target_effort may be null
      "graded_activity": {"activity": "Walking", "unit": "<ActivityUnit>", "mode": "<ActivityMode>",
                          "start_fraction": 0.8, "increment": 1, "increment_every": "<IncrementEvery>",
                          "goal_value": 30, "goal_weeks": 8} | null             # goal_weeks: optional
    }

Steps are the ordered parts of one routine (the 3-step reset: release → moist heat → stretch).
The routine stays one intervention, rated as a whole in the weekly check-in; its steps are
written into the intervention's details as "Steps, in this order: 1. Release (5 min): … →
2. …", so the order shows wherever the intervention does.

Every key above is required unless marked optional, and an unknown key is an error: a typo
must not silently drop a step. A template creates at least one thing. Values follow the rules
of the forms that create the same things: the vocabulary's enumerations, dosing.DOSE_LIMITS
and graded_activity.plan_problems.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from careteam.domain import dosing
from careteam.domain import graded_activity as activity_rules
from careteam.domain.graded_activity import MODE_LABELS, ActivityUnit
from careteam.domain.policy import (
    CLINICIAN_ROLES,
    Action,
    Part,
    Relation,
    Role,
    allowed,
    may_use_protocol_templates,
)
from careteam.domain.vocabulary import TIER_LABELS, ActivityMode, IncrementEvery, InterventionKind, Side, Tier, values

SLUG_LENGTH = 80  # the slug column
SLUG_BASE_LENGTH = 70  # leaves room for a "-2" suffix
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
NAME_LENGTH = 200
DESCRIPTION_LENGTH = 2000
ITEM_NAME_LENGTH = 200  # an intervention's or exercise's name column
DETAILS_LENGTH = 2000  # an intervention's details, as the intervention forms allow them
STEP_NAME_LENGTH = 80
STEP_HOW_LENGTH = 300
MAX_STEP_MINUTES = 240
MAX_GOAL_WEEKS = 104
ACTIVITY_LENGTH = 200  # a graded-activity plan's activity column

TEMPLATE_KEYS = ("slug", "name", "description", "interventions", "exercises", "graded_activity")
INTERVENTION_KEYS = ("name", "tier", "kind", "details")
EXERCISE_KEYS = ("name", "instructions", "side", "equipment", "dose")
WHOLE_DOSE_FIELDS = ("sets", "reps", "hold_seconds", "rest_seconds", "sessions_per_week")
ACTIVITY_KEYS = ("activity", "unit", "mode", "start_fraction", "increment", "increment_every", "goal_value")

# What each part a template can touch is called when saying who may apply it.
PART_WORDS = {
    Part.INTERVENTIONS: "interventions",
    Part.EXERCISE_DOSES: "exercises with doses",
    Part.GRADED_ACTIVITY: "a graded-activity plan",
}


# --- The shape --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str
    minutes: int
    how: str = ""

    @property
    def line(self) -> str:
        return f"{self.name} ({self.minutes} min)" + (f": {self.how}" if self.how else "")


@dataclass(frozen=True)
class InterventionSpec:
    name: str
    tier: str
    kind: str
    details: str = ""
    steps: tuple[Step, ...] = ()

    @property
    def full_details(self) -> str:
        """The details the created intervention gets: the steps written in, numbered, in order."""
        if not self.steps:
            return self.details
        steps = " → ".join(f"{number}. {step.line}" for number, step in enumerate(self.steps, start=1))
        return f"{self.details} Steps, in this order: {steps}.".strip()


@dataclass(frozen=True)
class ExerciseSpec:
    name: str
    instructions: str
    side: str
    equipment: str
    dose: dosing.Dose

    @property
    def dose_description(self) -> str:
        return dosing.describe(self.dose)


@dataclass(frozen=True)
class ActivitySpec:
    activity: str
    unit: str
    mode: str
    start_fraction: float
    increment: float
    increment_every: str
    goal_value: float
    goal_weeks: int | None = None

    def goal_date(self, start: date) -> date | None:
        return start + timedelta(weeks=self.goal_weeks) if self.goal_weeks else None


@dataclass(frozen=True)
class Template:
    slug: str
    name: str
    description: str
    interventions: tuple[InterventionSpec, ...] = ()
    exercises: tuple[ExerciseSpec, ...] = ()
    graded_activity: ActivitySpec | None = None

    @property
    def parts(self) -> tuple[Part, ...]:
        """The parts of the record applying it creates something in, in the order it does."""
        present = {
            Part.INTERVENTIONS: bool(self.interventions),
            Part.EXERCISE_DOSES: bool(self.exercises),
            Part.GRADED_ACTIVITY: self.graded_activity is not None,
        }
        return tuple(part for part, creates in present.items() if creates)

    @property
    def size(self) -> int:
        """How many things applying it creates."""
        return len(self.interventions) + len(self.exercises) + (1 if self.graded_activity else 0)

    @property
    def counts(self) -> str:
        """"1 intervention", "3 exercises", "2 interventions, 1 graded-activity plan"."""
        counted = [
            _count(len(self.interventions), "intervention", "interventions"),
            _count(len(self.exercises), "exercise", "exercises"),
            _count(1 if self.graded_activity else 0, "graded-activity plan", "graded-activity plans"),
        ]
        return ", ".join(c for c in counted if c)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}" if n else ""


class TemplateError(ValueError):
    """A template that does not have the shape above; `problems` maps a path to what is wrong."""

    def __init__(self, source: str, problems: Mapping[str, str]):
        self.source = source
        self.problems = dict(problems)
        listed = "; ".join(f"{path}: {message}" for path, message in self.problems.items())
        super().__init__(f"{source} is not a valid protocol template: {listed}")


# --- Reading and checking ---------------------------------------------------------------------


def parse_template(data: Any, source: str = "template") -> Template:
    """The template in `data` (parsed JSON), or TemplateError naming every problem at once."""
    problems: dict[str, str] = {}
    template = _template(data, problems)
    if problems:
        raise TemplateError(source, problems)
    return template


def _at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _fields(value: Any, path: str, problems: dict[str, str], required: tuple[str, ...],
            optional: tuple[str, ...] = ()) -> Mapping[str, Any]:
    """`value` as an object with exactly these keys; its problems recorded, never raised."""
    if not isinstance(value, Mapping):
        problems[path or "template"] = "must be an object"
        return {}
    for key in required:
        if key not in value:
            problems[_at(path, key)] = "is missing"
    for key in value:
        if key not in required and key not in optional:
            problems[_at(path, str(key))] = "is not a known field"
    return value


def _text(obj: Mapping[str, Any], key: str, path: str, problems: dict[str, str], max_length: int,
          required: bool = True) -> str:
    value = obj.get(key, "")
    if not isinstance(value, str):
        problems[_at(path, key)] = "must be text"
        return ""
    value = value.strip()
    if required and not value and key in obj:
        problems[_at(path, key)] = "must not be empty"
    elif len(value) > max_length:
        problems[_at(path, key)] = f"must be at most {max_length} characters"
    return value


def _choice(obj: Mapping[str, Any], key: str, path: str, problems: dict[str, str], enum: type[StrEnum]) -> str:
    value = obj.get(key)
    if key in obj and value not in values(enum):
        problems[_at(path, key)] = f"must be one of: {', '.join(values(enum))}"
        return ""
    return value or ""


def _number(obj: Mapping[str, Any], key: str, path: str, problems: dict[str, str], *, whole: bool = False,
            limits: tuple[float, float] | None = None, nullable: bool = False) -> Any:
    value = obj.get(key)
    if value is None:
        if key in obj and not nullable:
            problems[_at(path, key)] = "must be a number"
        return None
    kinds = int if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        problems[_at(path, key)] = "must be a whole number" if whole else "must be a number"
        return None
    if limits is not None and not limits[0] <= value <= limits[1]:
        problems[_at(path, key)] = f"must be between {limits[0]} and {limits[1]}"
    return value


def _items(obj: Mapping[str, Any], key: str, path: str, problems: dict[str, str]) -> list[Any]:
    value = obj.get(key, [])
    if not isinstance(value, list):
        problems[_at(path, key)] = "must be a list"
        return []
    return value


def _slug(obj: Mapping[str, Any], problems: dict[str, str]) -> str:
    slug = obj.get("slug")
    if "slug" in obj and (not isinstance(slug, str) or len(slug) > SLUG_LENGTH or not SLUG_PATTERN.fullmatch(slug)):
        problems["slug"] = f"must be lower-case letters, digits and single hyphens (at most {SLUG_LENGTH})"
        return ""
    return slug or ""


def _template(data: Any, problems: dict[str, str]) -> Template:
    obj = _fields(data, "", problems, TEMPLATE_KEYS)
    plan = obj.get("graded_activity")
    template = Template(
        slug=_slug(obj, problems),
        name=_text(obj, "name", "", problems, NAME_LENGTH),
        description=_text(obj, "description", "", problems, DESCRIPTION_LENGTH, required=False),
        interventions=tuple(_intervention(item, _at("interventions", i), problems)
                            for i, item in enumerate(_items(obj, "interventions", "", problems))),
        exercises=tuple(_exercise(item, _at("exercises", i), problems)
                        for i, item in enumerate(_items(obj, "exercises", "", problems))),
        graded_activity=None if plan is None else _activity(plan, "graded_activity", problems),
    )
    if obj and not template.parts and not problems:
        problems["template"] = "creates nothing: give it interventions, exercises or a graded_activity plan"
    return template


def _step(value: Any, path: str, problems: dict[str, str]) -> Step:
    obj = _fields(value, path, problems, ("name", "minutes"), ("how",))
    return Step(
        name=_text(obj, "name", path, problems, STEP_NAME_LENGTH),
        minutes=_number(obj, "minutes", path, problems, whole=True, limits=(1, MAX_STEP_MINUTES)) or 0,
        how=_text(obj, "how", path, problems, STEP_HOW_LENGTH, required=False),
    )


def _intervention(value: Any, path: str, problems: dict[str, str]) -> InterventionSpec:
    obj = _fields(value, path, problems, INTERVENTION_KEYS, ("steps",))
    spec = InterventionSpec(
        name=_text(obj, "name", path, problems, ITEM_NAME_LENGTH),
        tier=_choice(obj, "tier", path, problems, Tier),
        kind=_choice(obj, "kind", path, problems, InterventionKind),
        details=_text(obj, "details", path, problems, DETAILS_LENGTH, required=False),
        steps=tuple(_step(item, _at(_at(path, "steps"), i), problems)
                    for i, item in enumerate(_items(obj, "steps", path, problems))),
    )
    if len(spec.full_details) > DETAILS_LENGTH and _at(path, "details") not in problems:
        problems[_at(path, "details")] = f"with the steps written in, must be at most {DETAILS_LENGTH} characters"
    return spec


def _exercise(value: Any, path: str, problems: dict[str, str]) -> ExerciseSpec:
    obj = _fields(value, path, problems, EXERCISE_KEYS)
    return ExerciseSpec(
        name=_text(obj, "name", path, problems, dosing.NAME_LENGTH),
        instructions=_text(obj, "instructions", path, problems, dosing.INSTRUCTIONS_LENGTH, required=False),
        side=_choice(obj, "side", path, problems, Side),
        equipment=_text(obj, "equipment", path, problems, dosing.EQUIPMENT_LENGTH, required=False),
        dose=_dose(obj.get("dose"), _at(path, "dose"), problems) if "dose" in obj else dosing.Dose(1, 1),
    )


def _dose(value: Any, path: str, problems: dict[str, str]) -> dosing.Dose:
    obj = _fields(value, path, problems, (*WHOLE_DOSE_FIELDS, "target_effort"), ("load_kg", "load_band"))
    limits = dosing.DOSE_LIMITS
    whole = {name: _number(obj, name, path, problems, whole=True, limits=limits[name])
             for name in WHOLE_DOSE_FIELDS}
    dose = dosing.Dose(
        **{name: number or 0 for name, number in whole.items()},
        target_effort=_number(obj, "target_effort", path, problems, whole=True, limits=limits["target_effort"],
                              nullable=True),
        load_kg=_number(obj, "load_kg", path, problems, limits=limits["load_kg"], nullable=True),
        load_band=_text(obj, "load_band", path, problems, dosing.BAND_LENGTH, required=False),
    )
    if dose.load_kg is not None and dose.load_band:
        problems[_at(path, "load_band")] = "give the load in kg or as a band, not both"
    return dose


def _activity(value: Any, path: str, problems: dict[str, str]) -> ActivitySpec:
    before = len(problems)
    obj = _fields(value, path, problems, ACTIVITY_KEYS, ("goal_weeks",))
    spec = ActivitySpec(
        activity=_text(obj, "activity", path, problems, ACTIVITY_LENGTH),
        unit=_choice(obj, "unit", path, problems, ActivityUnit),
        mode=_choice(obj, "mode", path, problems, ActivityMode),
        start_fraction=_number(obj, "start_fraction", path, problems),
        increment=_number(obj, "increment", path, problems),
        increment_every=_choice(obj, "increment_every", path, problems, IncrementEvery),
        goal_value=_number(obj, "goal_value", path, problems),
        goal_weeks=_number(obj, "goal_weeks", path, problems, whole=True, limits=(1, MAX_GOAL_WEEKS),
                           nullable=True),
    )
    if len(problems) == before:  # the types are right: now the graded-activity rules
        settings = {k: v for k, v in asdict(spec).items() if k != "goal_weeks"}
        judged = activity_rules.plan_problems(**settings, goal_date=None, today=date.min, check_goal_date=False)
        problems.update({_at(path, key): message for key, message in judged.items()})
    return spec


def to_content(template: Template) -> dict[str, Any]:
    """The template as data of the documented shape: what a saved template stores."""
    def intervention(spec: InterventionSpec) -> dict[str, Any]:
        data = {"name": spec.name, "tier": spec.tier, "kind": spec.kind, "details": spec.details}
        if spec.steps:
            data["steps"] = [asdict(step) for step in spec.steps]
        return data

    return {
        "slug": template.slug,
        "name": template.name,
        "description": template.description,
        "interventions": [intervention(spec) for spec in template.interventions],
        "exercises": [{**{k: v for k, v in asdict(spec).items() if k != "dose"}, "dose": asdict(spec.dose)}
                      for spec in template.exercises],
        "graded_activity": asdict(template.graded_activity) if template.graded_activity else None,
    }


# --- Words --------------------------------------------------------------------------------------


def describe_activity(spec: ActivitySpec) -> str:
    """"Walking, symptom-guided: at least 3 baseline sessions, start at 80 % of their mean, then
    +1 minute per session toward 30 minutes, in 8 weeks"."""
    every = "per session" if spec.increment_every == IncrementEvery.SESSION else "per week"
    goal = activity_rules.amount(spec.goal_value, spec.unit)
    return (f"{spec.activity}, {MODE_LABELS[ActivityMode(spec.mode)].lower()}: "
            f"at least {activity_rules.MIN_BASELINE_SESSIONS} baseline sessions, "
            f"start at {round(spec.start_fraction * 100)} % of their mean, "
            f"then +{activity_rules.amount(spec.increment, spec.unit)} {every} toward {goal}"
            + (f", in {_count(spec.goal_weeks, 'week', 'weeks')}" if spec.goal_weeks else ""))


def creates(template: Template) -> list[str]:
    """One line per thing applying the template creates, in the order it creates them."""
    lines = []
    for spec in template.interventions:
        tier = TIER_LABELS[Tier(spec.tier)].lower()
        steps = " → ".join(f"{n}. {s.name} ({s.minutes} min)" for n, s in enumerate(spec.steps, start=1))
        lines.append(f"Intervention: {spec.name} ({tier})" + (f": {steps}" if steps else ""))
    lines += [f"Exercise: {spec.name}, {spec.dose_description}" for spec in template.exercises]
    if template.graded_activity:
        lines.append(f"Graded-activity plan: {describe_activity(template.graded_activity)}")
    return lines


# --- Who may apply it ---------------------------------------------------------------------------


def who_may_apply(template: Template) -> tuple[Role, ...]:
    """The disciplines that may create everything in it, as members of the care team."""
    return tuple(role for role in CLINICIAN_ROLES
                 if all(allowed(role, Relation.TEAM, part, Action.WRITE) for part in template.parts))


def refusal(template: Template, role: Role) -> str | None:
    """Why someone of `role` on the care team may not apply the template; None when they may."""
    if not may_use_protocol_templates(role):
        return "Only clinicians apply templates."
    blocked = [part for part in template.parts if not allowed(role, Relation.TEAM, part, Action.WRITE)]
    if not blocked:
        return None
    words = " and ".join(PART_WORDS[part] for part in blocked)
    who = " or a ".join(role.value for role in who_may_apply(template))
    if not who:
        return f"No one discipline may create all of it: it creates {words}."
    return f"Only a {who} can apply this: it creates {words}."


# --- Saving a patient's plan as a template ------------------------------------------------------


def slugify(name: str) -> str:
    """"Après-ski: Warm-up!" -> "apres-ski-warm-up"; "template" when nothing is left."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:SLUG_BASE_LENGTH].rstrip("-") or "template"


def unique_slug(name: str, taken: Collection[str]) -> str:
    """The name's slug, numbered from 2 when it (or a numbered one) is taken."""
    base = slugify(name)
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def goal_weeks_between(start: date, goal_date: date | None) -> int | None:
    """A plan's goal date as weeks from its start (rounded up, 1 to MAX_GOAL_WEEKS), for a template."""
    if goal_date is None:
        return None
    return min(max(math.ceil((goal_date - start).days / 7), 1), MAX_GOAL_WEEKS)

