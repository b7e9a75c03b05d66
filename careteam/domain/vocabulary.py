"""The words of DESIGN.md as enumerations, with the labels people read."""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    """Where an intervention sits in the pain portfolio."""

    IMMEDIATE_RELIEF = "immediate_relief"
    STABILIZING_HABIT = "stabilizing_habit"
    LONG_TERM_MODIFIER = "long_term_modifier"


TIER_LABELS = {
    Tier.IMMEDIATE_RELIEF: "Immediate relief",
    Tier.STABILIZING_HABIT: "Stabilizing habit",
    Tier.LONG_TERM_MODIFIER: "Long-term modifier",
}


class InterventionKind(StrEnum):
    MEDICATION = "medication"
    EXERCISE = "exercise"
    HEAT_OR_COLD = "heat_or_cold"
    MANUAL_THERAPY = "manual_therapy"
    BREATHING_OR_RELAXATION = "breathing_or_relaxation"
    PACING = "pacing"
    SLEEP = "sleep"
    PSYCHOLOGICAL = "psychological"
    EDUCATION = "education"
    OTHER = "other"


KIND_LABELS = {
    InterventionKind.MEDICATION: "Medication",
    InterventionKind.EXERCISE: "Exercise",
    InterventionKind.HEAT_OR_COLD: "Heat or cold",
    InterventionKind.MANUAL_THERAPY: "Manual therapy",
    InterventionKind.BREATHING_OR_RELAXATION: "Breathing or relaxation",
    InterventionKind.PACING: "Pacing",
    InterventionKind.SLEEP: "Sleep",
    InterventionKind.PSYCHOLOGICAL: "Psychological",
    InterventionKind.EDUCATION: "Education",
    InterventionKind.OTHER: "Other",
}


class IntroducedBy(StrEnum):
    """Who brought an intervention in: a discipline, or the patient themself."""

    PHYSICIAN = "physician"
    PHYSIOTHERAPIST = "physiotherapist"
    PSYCHOLOGIST = "psychologist"
    PATIENT = "patient"


class Verdict(StrEnum):
    HELPS = "helps"
    DOES_NOT_HELP = "does_not_help"
    MAKES_WORSE = "makes_worse"
    MIXED = "mixed"
    TOO_EARLY = "too_early"


VERDICT_LABELS = {
    Verdict.HELPS: "Helps",
    Verdict.DOES_NOT_HELP: "Does not help",
    Verdict.MAKES_WORSE: "Makes it worse",
    Verdict.MIXED: "Mixed",
    Verdict.TOO_EARLY: "Too early to tell",
}

EFFECT_LABELS = {
    -2: "Made it much worse",
    -1: "Made it worse",
    0: "No change",
    1: "Helped",
    2: "Helped a lot",
}


class GoalStatus(StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    PAUSED = "paused"
    DROPPED = "dropped"


class NoteVisibility(StrEnum):
    TEAM_AND_PATIENT = "team_and_patient"
    CLINICIANS = "clinicians"
    PSYCHOLOGISTS = "psychologists"


VISIBILITY_LABELS = {
    NoteVisibility.TEAM_AND_PATIENT: "Team and patient",
    NoteVisibility.CLINICIANS: "Clinicians only",
    NoteVisibility.PSYCHOLOGISTS: "Psychologists only",
}


class RedFlag(StrEnum):
    LEG_NUMBNESS_OR_WEAKNESS = "leg_numbness_or_weakness"
    BLADDER_OR_BOWEL_CHANGE = "bladder_or_bowel_change"
    SADDLE_NUMBNESS = "saddle_numbness"
    FEVER_OR_WEIGHT_LOSS = "fever_or_weight_loss"
    NIGHT_PAIN_UNRELIEVED = "night_pain_unrelieved"


RED_FLAG_LABELS = {
    RedFlag.LEG_NUMBNESS_OR_WEAKNESS: "New numbness or weakness in the legs",
    RedFlag.BLADDER_OR_BOWEL_CHANGE: "A change in bladder or bowel control",
    RedFlag.SADDLE_NUMBNESS: "Numbness around the groin or buttocks (saddle area)",
    RedFlag.FEVER_OR_WEIGHT_LOSS: "Fever, or weight loss you cannot explain",
    RedFlag.NIGHT_PAIN_UNRELIEVED: "Pain at night that rest does not relieve",
}


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"
    NOT_APPLICABLE = "not_applicable"


class NextDayResponse(StrEnum):
    """The 24-hour rule's question: back to your usual level within 24 hours?"""

    YES = "yes"
    NOT_YET = "not_yet"
    WORSE = "worse"


NEXT_DAY_LABELS = {
    NextDayResponse.YES: "Yes, back to my usual level",
    NextDayResponse.NOT_YET: "Not yet",
    NextDayResponse.WORSE: "Worse, or a flare",
}


class ActivityMode(StrEnum):
    TIME_CONTINGENT = "time_contingent"
    SYMPTOM_GUIDED = "symptom_guided"


class IncrementEvery(StrEnum):
    SESSION = "session"
    WEEK = "week"


class AppointmentKind(StrEnum):
    INITIAL = "initial"
    FOLLOW_UP = "follow_up"
    REVIEW = "review"
    TELEHEALTH = "telehealth"


APPOINTMENT_KIND_LABELS = {
    AppointmentKind.INITIAL: "Initial assessment",
    AppointmentKind.FOLLOW_UP: "Follow-up",
    AppointmentKind.REVIEW: "Review",
    AppointmentKind.TELEHEALTH: "Video or phone",
}


def values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]
