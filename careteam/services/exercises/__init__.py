"""Exercise prescriptions and their dose history (physiotherapists), sessions and next-day
answers (the patient), and the evidence and programme views built from them: the programme,
the API's reads and the dose evidence (reads), new exercises, dose changes, edits and ends
(prescribing), the patient's day (patient_day), and what they share (loading). Callers import
from here.
"""

from careteam.services.exercises.loading import DOSE, PART, PRESCRIPTION, SESSION
from careteam.services.exercises.patient_day import TodayItem, TodayPage, answer_next_day, log_session, today
from careteam.services.exercises.prescribing import (
    DETAIL_FIELDS,
    change_dose,
    create_prescription,
    dose_change_problems,
    dose_state,
    edit_prescription,
    end_prescription,
    end_problems,
    new_prescription_problems,
    patient_for_prescribing,
    prescription_for_change,
    prescription_state,
)
from careteam.services.exercises.reads import (
    ADHERENCE_WEEKS,
    EVIDENCE_WEEKS,
    DoseChange,
    DoseEvidence,
    DosePage,
    Programme,
    ProgrammeItem,
    ProgrammePage,
    adherence_start,
    current_programme,
    dose_evidence,
    dose_page,
    get_prescription,
    list_doses,
    list_prescriptions,
    list_sessions,
    programme,
)

__all__ = [
    "ADHERENCE_WEEKS", "DETAIL_FIELDS", "DOSE", "EVIDENCE_WEEKS", "PART", "PRESCRIPTION", "SESSION", "DoseChange",
    "DoseEvidence", "DosePage", "Programme", "ProgrammeItem", "ProgrammePage", "TodayItem", "TodayPage",
    "adherence_start", "answer_next_day", "change_dose", "create_prescription", "current_programme",
    "dose_change_problems", "dose_evidence", "dose_page", "dose_state", "edit_prescription", "end_prescription",
    "end_problems", "get_prescription", "list_doses", "list_prescriptions", "list_sessions", "log_session",
    "new_prescription_problems", "patient_for_prescribing", "prescription_for_change", "prescription_state",
    "programme", "today",
]
