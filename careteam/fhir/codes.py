"""Every code system careteam's FHIR export uses, and the one checked table of LOINC codes.

A LOINC code enters a resource only through `loinc(code)`, which refuses a code that is not in
`LOINC`; what LOINC lacks (worst pain, sleep, stress, mood, flare days, effect ratings, goal
ability, verdicts, STarT Back) is coded in careteam's own code system. Every Coding carries a
system: `coding()` needs one.
"""

from __future__ import annotations

CANONICAL = "https://careteam.example.org/fhir"  # careteam's canonical base (an identifier, never fetched)
CARETEAM = f"{CANONICAL}/CodeSystem/careteam"  # careteam's own observation and plan codes
VERDICT = f"{CANONICAL}/CodeSystem/verdict"
TIER = f"{CANONICAL}/CodeSystem/portfolio-tier"
INTERVENTION_KIND = f"{CANONICAL}/CodeSystem/intervention-kind"
DISCIPLINE = f"{CANONICAL}/CodeSystem/discipline"
NOTE_VISIBILITY = f"{CANONICAL}/CodeSystem/note-visibility"
RED_FLAG = f"{CANONICAL}/CodeSystem/red-flag"
DOSE_EXTENSION = f"{CANONICAL}/StructureDefinition/exercise-dose"
CHECKIN_QUESTIONNAIRE = f"{CANONICAL}/Questionnaire/weekly-checkin"
IDENTIFIER = f"{CANONICAL}/NamingSystem/record-number"

LOINC_SYSTEM = "http://loinc.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
UCUM = "http://unitsofmeasure.org"
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"

# The one LOINC table: code -> display. Checked by tests/test_fhir_codes.py.
LOINC: dict[str, str] = {
    "72514-3": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
    "91148-7": "Pain, Enjoyment of life and General activity (PEG) panel",
    "44249-1": "PHQ-9 quick depression assessment panel [Reported.PHQ]",
    "44261-6": "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
    "69737-5": "Generalized anxiety disorder 7 item (GAD-7)",
    "70274-6": "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
}

# Standard questionnaires with a LOINC panel: instrument id -> (panel code, total-score code).
INSTRUMENT_LOINC: dict[str, tuple[str, str]] = {
    "phq9": ("44249-1", "44261-6"),
    "gad7": ("69737-5", "70274-6"),
    "peg": ("91148-7", "91148-7"),
}

# careteam's own codes (system CARETEAM): code -> display.
CARETEAM_CODES: dict[str, str] = {
    "pain-average": "Average pain in the past week, 0-10",
    "pain-worst": "Worst pain in the past week, 0-10",
    "peg-enjoyment": "Pain interference with enjoyment of life in the past week, 0-10",
    "peg-activity": "Pain interference with general activity in the past week, 0-10",
    "peg-score": "PEG score (mean of its three items), 0-10",
    "sleep-hours": "Sleep per night in the past week, hours",
    "sleep-quality": "Sleep quality in the past week, 0-10",
    "stress": "Stress in the past week, 0-10",
    "mood": "Mood in the past week, 0-10",
    "flare-days": "Flare days in the past week",
    "effect-rating": "Weekly effect rating of an intervention, -2 to +2",
    "days-used": "Days an intervention was used in the week",
    "goal-ability": "Ability score for a functional goal (PSFS style), 0-10",
    "intervention-verdict": "Verdict on an intervention, computed from its effect ratings",
    "questionnaire-score": "Questionnaire total score",
    "questionnaire-subscore": "Questionnaire subscale score",
    "functional-goal": "Functional goal",
    "exercise-prescription": "Exercise prescription",
    "exercise-programme": "Exercise programme",
    "graded-activity-plan": "Graded-activity plan (quota based)",
    "exposure-hierarchy": "Graded-exposure hierarchy",
    "exposure-item": "Feared or avoided activity of an exposure hierarchy",
    "flare-up-plan": "Flare-up plan",
    "red-flag-alert": "Red-flag alert from a weekly check-in",
    "questionnaire-safety-alert": "Safety alert from a questionnaire answer",
    "clinical-note": "Clinical note",
    "question-for-team": "Question for the care team",
    "intervention": "Intervention of the pain portfolio",
    "weekly-checkin": "Weekly check-in",
}


def coding(system: str, code: str, display: str | None = None) -> dict:
    if not system:
        raise ValueError("every Coding needs a system")
    found = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def loinc(code: str) -> dict:
    """A LOINC Coding from the checked table (KeyError for a code not in it)."""
    return coding(LOINC_SYSTEM, code, LOINC[code])


def careteam(code: str) -> dict:
    return coding(CARETEAM, code, CARETEAM_CODES[code])


def concept(*codings: dict, text: str | None = None) -> dict:
    found: dict = {"coding": list(codings)} if codings else {}
    if text:
        found["text"] = text
    return found


SURVEY = [concept(coding(OBSERVATION_CATEGORY, "survey", "Survey"))]
