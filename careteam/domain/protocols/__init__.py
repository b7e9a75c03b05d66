"""Protocol templates: reusable routines a clinician applies to a patient's record. The shape
and its types (shape, whose docstring documents the data), reading and checking it (parsing),
what a template creates and who may apply it (words), and slugs and goal weeks for saving a
patient's plan as one (saving). Callers import from here.
"""

from careteam.domain.protocols.parsing import parse_template, to_content
from careteam.domain.protocols.saving import goal_weeks_between, slugify, unique_slug
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
    SLUG_BASE_LENGTH,
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
from careteam.domain.protocols.words import PART_WORDS, creates, describe_activity, refusal, who_may_apply

__all__ = [
    "ACTIVITY_KEYS", "ACTIVITY_LENGTH", "DESCRIPTION_LENGTH", "DETAILS_LENGTH", "EXERCISE_KEYS", "INTERVENTION_KEYS",
    "ITEM_NAME_LENGTH", "MAX_GOAL_WEEKS", "MAX_STEP_MINUTES", "NAME_LENGTH", "PART_WORDS", "SLUG_BASE_LENGTH",
    "SLUG_LENGTH", "SLUG_PATTERN", "STEP_HOW_LENGTH", "STEP_NAME_LENGTH", "TEMPLATE_KEYS", "WHOLE_DOSE_FIELDS",
    "ActivitySpec", "ExerciseSpec", "InterventionSpec", "Step", "Template", "TemplateError", "creates",
    "describe_activity", "goal_weeks_between", "parse_template", "refusal", "slugify", "to_content", "unique_slug",
    "who_may_apply",
]
