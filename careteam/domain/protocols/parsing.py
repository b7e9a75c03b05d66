"""Reading and checking a protocol template (the shape in careteam.domain.protocols.shape), and
writing one back as data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from enum import StrEnum
from typing import Any

from careteam.domain import dosing
from careteam.domain import graded_activity as activity_rules
from careteam.domain.graded_activity import ActivityUnit
from careteam.domain.protocols.shape import (
    ACTIVITY_KEYS,
    ACTIVITY_LENGTH,
    DESCRIPTION_LENGTH,
    DETAILS_LENGTH,
    EXERCISE_KEYS,
    INTERVENTION_KEYS,
    ITEM_NAME_LENGTH,
    MAX_GOAL_WEEKS,
    MAX_STEP_MINUTES,
    NAME_LENGTH,
    SLUG_LENGTH,
    SLUG_PATTERN,
    STEP_HOW_LENGTH,
    STEP_NAME_LENGTH,
    TEMPLATE_KEYS,
    WHOLE_DOSE_FIELDS,
    ActivitySpec,
    ExerciseSpec,
    InterventionSpec,
    Step,
    Template,
    TemplateError,
)
from careteam.domain.vocabulary import ActivityMode, IncrementEvery, InterventionKind, Side, Tier, values


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
