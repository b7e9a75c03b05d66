"""A protocol template in words: what applying it creates, and who may apply it."""

from __future__ import annotations

from careteam.domain import graded_activity as activity_rules
from careteam.domain.graded_activity import MODE_LABELS
from careteam.domain.policy import (
    CLINICIAN_ROLES,
    Action,
    Part,
    Relation,
    Role,
    allowed,
    may_use_protocol_templates,
)
from careteam.domain.protocols.shape import ActivitySpec, Template, _count
from careteam.domain.vocabulary import TIER_LABELS, ActivityMode, IncrementEvery, Tier

# What each part a template can touch is called when saying who may apply it.
PART_WORDS = {
    Part.INTERVENTIONS: "interventions",
    Part.EXERCISE_DOSES: "exercises with doses",
    Part.GRADED_ACTIVITY: "a graded-activity plan",
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
