"""The shape of a protocol template: a reusable routine a clinician applies to a patient's record.

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

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from careteam.domain import dosing
from careteam.domain.policy import Part

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
