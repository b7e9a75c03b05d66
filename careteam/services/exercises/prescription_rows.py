"""A patient's prescriptions with their dose history as plain rows, for the programme read (the
exercises tab, the dashboard, the handover summary). One prebuilt statement joins prescription,
doses and the name of who set each dose: loading entities with two `selectinload`s cost three
statements and the construction of every object. Writes and the dose form keep the entities
(`loading._prescription`).

The rows carry the attribute names of the models, so templates, the API schemas and
`dosing.dose_of` read them unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from careteam.models import ExerciseDose, ExercisePrescription, User
from careteam.queries import PATIENT_ID, Person, rows


@dataclass(frozen=True)
class DoseRow:
    id: int
    number: int
    sets: int
    reps: int
    hold_seconds: int
    load_kg: float | None
    load_band: str
    rest_seconds: int
    sessions_per_week: int
    target_effort: int | None
    effective_from: date
    reason: str
    changed_by: Person
    changed_at: datetime


@dataclass(frozen=True)
class PrescriptionRow:
    id: int
    name: str
    instructions: str
    side: str
    equipment: str
    ended_on: date | None
    version: int
    doses: tuple[DoseRow, ...]  # oldest first; every prescription is created with its first dose

    @property
    def current_dose(self) -> DoseRow:
        return self.doses[-1]

    @property
    def started_on(self) -> date:
        return self.doses[0].effective_from


PRESCRIPTION_COLUMNS = (ExercisePrescription.id, ExercisePrescription.name, ExercisePrescription.instructions,
                        ExercisePrescription.side, ExercisePrescription.equipment, ExercisePrescription.ended_on,
                        ExercisePrescription.version)
DOSE_COLUMNS = (ExerciseDose.id, ExerciseDose.number, ExerciseDose.sets, ExerciseDose.reps, ExerciseDose.hold_seconds,
                ExerciseDose.load_kg, ExerciseDose.load_band, ExerciseDose.rest_seconds,
                ExerciseDose.sessions_per_week, ExerciseDose.target_effort, ExerciseDose.effective_from,
                ExerciseDose.reason)
# Running prescriptions first, then by name; each prescription's doses in order, one row per dose.
PRESCRIPTIONS_WITH_DOSES = (
    select(*PRESCRIPTION_COLUMNS, *DOSE_COLUMNS, User.id, User.name, ExerciseDose.changed_at)
    .join(ExerciseDose, ExerciseDose.prescription_id == ExercisePrescription.id)
    .join(User, User.id == ExerciseDose.changed_by_id)
    .where(ExercisePrescription.patient_id == PATIENT_ID)
    .order_by(ExercisePrescription.ended_on.is_not(None), ExercisePrescription.name, ExercisePrescription.id,
              ExerciseDose.number)
)


def prescription_rows(patient_id: int) -> list[PrescriptionRow]:
    """Every prescription of the patient with its doses, running ones first; one statement."""
    heads: dict[int, tuple] = {}
    doses: dict[int, list[DoseRow]] = {}
    split = len(PRESCRIPTION_COLUMNS)
    for row in rows(PRESCRIPTIONS_WITH_DOSES, patient_id=patient_id):
        prescription_id = row[0]
        if prescription_id not in heads:
            heads[prescription_id] = tuple(row[:split])
            doses[prescription_id] = []
        *dose, changed_by_id, changed_by_name, changed_at = row[split:]
        doses[prescription_id].append(DoseRow(*dose, Person(changed_by_id, changed_by_name), changed_at))
    return [PrescriptionRow(*head, tuple(doses[pid])) for pid, head in heads.items()]
