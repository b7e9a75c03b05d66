"""Table tests for protocol templates: the data shape, the built-in files, who may apply what,
slugs, and the words pages show."""

from __future__ import annotations

import json
from datetime import date

import pytest

from careteam.domain import dosing
from careteam.domain import protocols as rules
from careteam.domain.policy import Part, Role
from careteam.services.protocols import PACKAGE_DIRECTORY, load_builtins
from tests.support.protocols import ACTIVITY, DOSE, EXERCISE, INTERVENTION, content

RESET_STEPS = [{"name": "Release", "minutes": 5, "how": "self-massage"},
               {"name": "Moist heat", "minutes": 15},
               {"name": "Stretch", "minutes": 5}]
DELETE = object()


def _with(path: str, value):
    """content() with the value at a dotted path ("exercises.0.dose.sets") replaced, or deleted
    when value is DELETE."""
    data = content(interventions=[INTERVENTION], exercises=[EXERCISE], graded_activity=ACTIVITY)
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    if value is DELETE:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize("data", [
    content(),
    content(interventions=[], exercises=[EXERCISE]),
    content(interventions=[], graded_activity=ACTIVITY),
    content(interventions=[{**INTERVENTION, "steps": RESET_STEPS}]),
    _with("exercises.0.dose.load_kg", 4.5),
    _with("exercises.0.dose.load_band", "red"),
    _with("exercises.0.dose.target_effort", None),
    _with("graded_activity.goal_weeks", DELETE),
    _with("graded_activity.goal_weeks", None),
    _with("description", ""),
    _with("interventions.0.details", ""),
    content(interventions=[], graded_activity={**ACTIVITY, "unit": "metres", "increment": 50, "goal_value": 1000}),
], ids=["one intervention", "exercises only", "plan only", "ordered steps", "load in kg", "load as a band",
        "no target effort", "no goal weeks", "null goal weeks", "no description", "no details", "metres"])
def test_good_shapes(data):
    template = rules.parse_template(data)
    assert template.slug == data["slug"] and template.parts


@pytest.mark.parametrize("data,path,message", [
    ([], "template", "must be an object"),
    (_with("name", DELETE), "name", "is missing"),
    (_with("order", 1), "order", "is not a known field"),
    (_with("slug", "Bad Slug"), "slug", "lower-case letters"),
    (_with("slug", "a--b"), "slug", "single hyphens"),
    (_with("slug", "a" * 81), "slug", "at most 80"),
    (_with("name", "  "), "name", "must not be empty"),
    (_with("name", 7), "name", "must be text"),
    (_with("interventions", {"name": "x"}), "interventions", "must be a list"),
    (_with("interventions.0.tier", "daily"), "interventions[0].tier", "must be one of: immediate_relief"),
    (_with("interventions.0.kind", None), "interventions[0].kind", "must be one of"),
    (_with("interventions.0.order", 1), "interventions[0].order", "is not a known field"),
    (_with("interventions.0.steps", [{"name": "Release", "minutes": 0}]), "interventions[0].steps[0].minutes",
     "between 1 and 240"),
    (_with("interventions.0.steps", [{"minutes": 5}]), "interventions[0].steps[0].name", "is missing"),
    (_with("interventions.0.steps", "release, heat, stretch"), "interventions[0].steps", "must be a list"),
    (content(interventions=[{**INTERVENTION, "details": "x" * 1990, "steps": RESET_STEPS}]),
     "interventions[0].details", "with the steps written in"),
    (_with("exercises.0.dose.sets", 0), "exercises[0].dose.sets", "between 1 and 20"),
    (_with("exercises.0.dose.sets", 2.5), "exercises[0].dose.sets", "whole number"),
    (_with("exercises.0.dose.sets", True), "exercises[0].dose.sets", "whole number"),
    (_with("exercises.0.dose.reps", DELETE), "exercises[0].dose.reps", "is missing"),
    (_with("exercises.0.dose.target_effort", 11), "exercises[0].dose.target_effort", "between 0 and 10"),
    (_with("exercises.0.dose", {**DOSE, "load_kg": 2, "load_band": "red"}), "exercises[0].dose.load_band",
     "not both"),
    (_with("exercises.0.dose.load_kg", "2 kg"), "exercises[0].dose.load_kg", "must be a number"),
    (_with("exercises.0.side", "up"), "exercises[0].side", "must be one of"),
    (_with("exercises.0.dose", DELETE), "exercises[0].dose", "is missing"),
    (_with("graded_activity.unit", "hours"), "graded_activity.unit", "must be one of"),
    (_with("graded_activity.increment", 1.5), "graded_activity.increment", "Use whole minutes"),
    (_with("graded_activity.increment", 30), "graded_activity.increment", "smaller than the goal"),
    (_with("graded_activity.start_fraction", 0.3), "graded_activity.start_fraction", "between 50 % and 100 %"),
    (_with("graded_activity.start_fraction", "0.8"), "graded_activity.start_fraction", "must be a number"),
    (_with("graded_activity.mode", "fast"), "graded_activity.mode", "must be one of"),
    (_with("graded_activity.goal_weeks", 0), "graded_activity.goal_weeks", "between 1 and 104"),
    (_with("graded_activity.goal_value", DELETE), "graded_activity.goal_value", "is missing"),
    (_with("graded_activity", []), "graded_activity", "must be an object"),
    (content(interventions=[]), "template", "creates nothing"),
], ids=lambda case: case if isinstance(case, str) else None)
def test_bad_shapes_name_the_place_and_the_problem(data, path, message):
    with pytest.raises(rules.TemplateError) as raised:
        rules.parse_template(data, "broken.json")
    assert message in raised.value.problems[path], raised.value.problems
    assert str(raised.value).startswith("broken.json is not a valid protocol template: ")


def test_every_problem_is_reported_at_once():
    data = _with("name", "")
    data["interventions"][0]["tier"] = "daily"
    data["exercises"][0]["dose"]["sets"] = 99
    with pytest.raises(rules.TemplateError) as raised:
        rules.parse_template(data)
    assert set(raised.value.problems) == {"name", "interventions[0].tier", "exercises[0].dose.sets"}


def test_the_built_in_templates_ship_valid_and_sorted_by_name():
    templates = load_builtins(PACKAGE_DIRECTORY)
    assert [t.slug for t in templates] == ["daily-3-step-reset", "micro-pacing", "precision-warm-up",
                                           "slow-diaphragmatic-breathing", "walking-programme"]
    for template in templates:
        assert rules.parse_template(rules.to_content(template)) == template


def test_the_3_step_reset_keeps_its_order():
    [reset] = [t for t in load_builtins(PACKAGE_DIRECTORY) if t.slug == "daily-3-step-reset"]
    [routine] = reset.interventions
    assert [(s.name, s.minutes) for s in routine.steps] == [("Release", 5), ("Moist heat", 15), ("Stretch", 5)]
    details = routine.full_details
    assert details.index("1. Release (5 min)") < details.index("2. Moist heat (15 min)") \
        < details.index("3. Stretch (5 min)")
    assert "in this order" in details
    assert rules.creates(reset) == ["Intervention: Daily 3-step reset (stabilizing habit): 1. Release (5 min) → "
                                    "2. Moist heat (15 min) → 3. Stretch (5 min)"]


@pytest.mark.parametrize("bad_file,problem", [
    ("{not json", "is not valid JSON"),
    (json.dumps(content(slug="another-name")), "must be the file's name, clinic-routine"),
    (json.dumps(content(interventions=[{**INTERVENTION, "tier": "x"}])), "interventions[0].tier"),
])
def test_a_broken_data_file_is_refused_at_load_with_its_name(tmp_path, bad_file, problem):
    (tmp_path / "clinic-routine.json").write_text(bad_file)
    with pytest.raises(rules.TemplateError) as raised:
        load_builtins(tmp_path)
    assert str(raised.value).startswith("clinic-routine.json is not a valid protocol template") \
        and problem in str(raised.value)


def test_two_data_files_may_not_share_a_name(tmp_path):
    for slug in ("one", "two"):
        (tmp_path / f"{slug}.json").write_text(json.dumps(content(slug=slug, name="Same")))
    with pytest.raises(rules.TemplateError, match="another built-in template has it"):
        load_builtins(tmp_path)


@pytest.mark.parametrize("parts,expected_parts,counts", [
    ({}, (Part.INTERVENTIONS,), "1 intervention"),
    ({"interventions": [INTERVENTION, INTERVENTION]}, (Part.INTERVENTIONS,), "2 interventions"),
    ({"interventions": [], "exercises": [EXERCISE] * 3}, (Part.EXERCISE_DOSES,), "3 exercises"),
    ({"interventions": [], "graded_activity": ACTIVITY}, (Part.GRADED_ACTIVITY,), "1 graded-activity plan"),
    ({"exercises": [EXERCISE], "graded_activity": ACTIVITY},
     (Part.INTERVENTIONS, Part.EXERCISE_DOSES, Part.GRADED_ACTIVITY),
     "1 intervention, 1 exercise, 1 graded-activity plan"),
])
def test_parts_and_counts(parts, expected_parts, counts):
    template = rules.parse_template(content(**parts))
    assert template.parts == expected_parts and template.counts == counts


INTERVENTIONS_ONLY = {}
EXERCISES = {"interventions": [], "exercises": [EXERCISE]}
PLAN = {"interventions": [], "graded_activity": ACTIVITY}
EVERYTHING = {"exercises": [EXERCISE], "graded_activity": ACTIVITY}


@pytest.mark.parametrize("parts,role,refusal", [
    (INTERVENTIONS_ONLY, Role.PHYSICIAN, None),
    (INTERVENTIONS_ONLY, Role.PSYCHOLOGIST, None),
    (INTERVENTIONS_ONLY, Role.PHYSIOTHERAPIST, None),
    (EXERCISES, Role.PHYSIOTHERAPIST, None),
    (EXERCISES, Role.PHYSICIAN, "Only a physiotherapist can apply this: it creates exercises with doses."),
    (EXERCISES, Role.PSYCHOLOGIST, "Only a physiotherapist can apply this: it creates exercises with doses."),
    (PLAN, Role.PSYCHOLOGIST, None),
    (PLAN, Role.PHYSICIAN,
     "Only a physiotherapist or a psychologist can apply this: it creates a graded-activity plan."),
    (EVERYTHING, Role.PHYSIOTHERAPIST, None),
    (EVERYTHING, Role.PHYSICIAN,
     "Only a physiotherapist can apply this: it creates exercises with doses and a graded-activity plan."),
    (EVERYTHING, Role.PSYCHOLOGIST, "Only a physiotherapist can apply this: it creates exercises with doses."),
    (INTERVENTIONS_ONLY, Role.PATIENT, "Only clinicians apply templates."),
    (INTERVENTIONS_ONLY, Role.ADMIN, "Only clinicians apply templates."),
])
def test_who_may_apply(parts, role, refusal):
    assert rules.refusal(rules.parse_template(content(**parts)), role) == refusal


@pytest.mark.parametrize("name,taken,slug", [
    ("Daily 3-step reset", set(), "daily-3-step-reset"),
    ("  Warm-up!  ", set(), "warm-up"),
    ("Après-ski: Warm-up", set(), "apres-ski-warm-up"),
    ("Warm up", {"warm-up"}, "warm-up-2"),
    ("Warm up", {"warm-up", "warm-up-2", "warm-up-3"}, "warm-up-4"),
    ("Warm up", {"warm-up-2"}, "warm-up"),
    ("!!!", set(), "template"),
    ("日本語", {"template"}, "template-2"),
    ("x" * 100, set(), "x" * rules.SLUG_BASE_LENGTH),
    ("word " * 30, set(), ("word-" * 14).rstrip("-")),
])
def test_unique_slugs(name, taken, slug):
    made = rules.unique_slug(name, taken)
    assert made == slug and rules.SLUG_PATTERN.fullmatch(made) and len(made) <= rules.SLUG_LENGTH


@pytest.mark.parametrize("start,goal,weeks", [
    (date(2026, 3, 2), None, None),
    (date(2026, 3, 2), date(2026, 3, 2), 1),
    (date(2026, 3, 2), date(2026, 3, 9), 1),
    (date(2026, 3, 2), date(2026, 3, 10), 2),
    (date(2026, 3, 2), date(2026, 5, 4), 9),
    (date(2026, 3, 2), date(2026, 2, 1), 1),  # a goal date already passed
    (date(2026, 3, 2), date(2030, 1, 1), rules.MAX_GOAL_WEEKS),
])
def test_goal_weeks_between(start, goal, weeks):
    assert rules.goal_weeks_between(start, goal) == weeks


@pytest.mark.parametrize("settings,words", [
    (ACTIVITY, "Walking, symptom-guided: at least 3 baseline sessions, start at 80 % of their mean, then "
               "+1 minute per session toward 30 minutes, in 8 weeks"),
    ({**ACTIVITY, "mode": "time_contingent", "increment": 2, "increment_every": "week", "goal_weeks": None},
     "Walking, time-contingent: at least 3 baseline sessions, start at 80 % of their mean, then "
     "+2 minutes per week toward 30 minutes"),
])
def test_describe_activity(settings, words):
    spec = rules.parse_template(content(interventions=[], graded_activity=settings)).graded_activity
    assert rules.describe_activity(spec) == words


def test_creates_lists_everything_in_order():
    template = rules.parse_template(content(
        interventions=[{**INTERVENTION, "name": "First"}, {**INTERVENTION, "name": "Second"}],
        exercises=[EXERCISE], graded_activity=ACTIVITY))
    lines = rules.creates(template)
    assert [line.split(":")[0] for line in lines] == ["Intervention", "Intervention", "Exercise",
                                                      "Graded-activity plan"]
    assert lines[0].startswith("Intervention: First") and lines[1].startswith("Intervention: Second")
    assert lines[2] == f"Exercise: Bridge, {dosing.describe(dosing.Dose(**DOSE))}"
