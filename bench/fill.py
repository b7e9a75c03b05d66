"""Fill a database with N patients × W weeks of realistic record data, fast (bulk inserts).

    python bench/fill.py --patients 20000 --weeks 52 [--database-url URL]

Uses the migrations to build the schema, then inserts with executemany in large batches.
Every patient gets a care team (one physician, physiotherapist and psychologist; 100 patients
per clinician), 3 interventions rated weekly, 2 goals scored weekly, 52 weekly check-ins, a
few notes and questions, 2 exercises (dose raised half-way, 3 sessions a week logged over the
last 6 weeks), a flare-up plan, a timeline of changes, an acknowledged red-flag alert (every tenth
patient, patient 1 among them, also an open one) and a history of audit events, so that every
table the dashboard reads or writes has the size it would have in use. Returns the ids the
benchmark needs.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from careteam import create_app  # noqa: E402
from careteam.extensions import db  # noqa: E402
from careteam.models import (  # noqa: E402
    AuditEvent,
    CareTeamMember,
    EffectRating,
    ExerciseDose,
    ExercisePrescription,
    ExerciseSession,
    FlarePlan,
    FunctionalGoal,
    GoalScore,
    Intervention,
    Note,
    Patient,
    Question,
    RecordEvent,
    RedFlagAlert,
    User,
    WeeklyCheckin,
    flare_plan_tools,
)
from careteam.services.credentials import hash_password  # noqa: E402

BATCH = 20_000
PATIENTS_PER_CLINICIAN = 100
BENCH_PASSWORD = "bench-password-2026"
TIMELINE_EVENTS_PER_PATIENT = 15
AUDIT_EVENTS_PER_PATIENT = 20
OPEN_ALERT_EVERY = 10  # patients 1, 11, 21, ... have an open red-flag alert
SESSION_WEEKS = 6  # weeks of logged exercise sessions (the dashboard shows the last 4)
ORDER = [User, Patient, CareTeamMember, Intervention, FunctionalGoal, WeeklyCheckin, EffectRating, GoalScore,
         Note, Question, RedFlagAlert, RecordEvent, AuditEvent, ExercisePrescription, ExerciseDose,
         ExerciseSession, FlarePlan, flare_plan_tools]
TIMELINE = [("interventions", "intervention", "Started Walking, 20 minutes daily"),
            ("goals", "goal", "Goal target 8 by the end of the quarter"),
            ("checkins", "checkin", "Check-in corrected"),
            ("team", "patient", "Added to the care team"),
            ("notes_clinicians", "note", "Note added")]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


class Filler:
    def __init__(self, patients: int, weeks: int, seed: int = 7):
        self.patients, self.weeks = patients, weeks
        self.random = random.Random(seed)
        self.now = datetime.now(timezone.utc)
        self.this_monday = _monday(date.today())
        self.pending: dict = {}
        self.last_ids: dict = {}

    def next_id(self, model) -> int:
        self.last_ids[model] = self.last_ids.get(model, 0) + 1
        return self.last_ids[model]

    def add(self, model, row: dict) -> None:
        rows = self.pending.setdefault(model, [])
        rows.append(row)
        if len(rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Insert everything pending, parents before children."""
        for model in ORDER:
            rows = self.pending.pop(model, [])
            if rows:
                db.session.execute(insert(model), rows)

    def run(self) -> dict:
        password_hash = hash_password(BENCH_PASSWORD)
        n_teams = max(1, -(-self.patients // PATIENTS_PER_CLINICIAN))
        user_id = 0

        def new_user(role: str, name: str) -> int:
            nonlocal user_id
            user_id += 1
            self.add(User, dict(id=user_id, email=f"{role}{user_id}@bench.example.org", name=name, role=role,
                                password_hash=password_hash, active=True, session_token=f"bench{user_id}",
                                created_at=self.now))
            return user_id

        admin = new_user("admin", "Bench Admin")
        teams = [
            (new_user("physician", f"Dr. Bench {t}"), new_user("physiotherapist", f"Physio {t}"),
             new_user("psychologist", f"Psych {t}"))
            for t in range(n_teams)
        ]
        patient_users = [new_user("patient", f"Patient {i}") for i in range(self.patients)]
        self.flush()

        rng = self.random
        intervention_id = goal_id = checkin_id = 0
        for index, account in enumerate(patient_users):
            patient_id = index + 1
            team = teams[index // PATIENTS_PER_CLINICIAN]
            self.add(Patient, dict(id=patient_id, user_id=account, date_of_birth=date(1950 + index % 50, 1 + index % 12, 1 + index % 28),
                                   created_at=self.now))
            for clinician, discipline in zip(team, ("physician", "physiotherapist", "psychologist")):
                self.add(CareTeamMember, dict(patient_id=patient_id, clinician_id=clinician, discipline=discipline,
                                              added_at=self.now, added_by_id=admin))
            start = self.this_monday - timedelta(weeks=self.weeks)
            interventions = []
            for name, tier, kind in (("Heat pack", "immediate_relief", "heat_or_cold"),
                                     ("Walking", "stabilizing_habit", "exercise"),
                                     ("Sleep routine", "long_term_modifier", "sleep")):
                intervention_id += 1
                interventions.append(intervention_id)
                self.add(Intervention, dict(id=intervention_id, patient_id=patient_id, name=name, tier=tier, kind=kind,
                                            details="", started_on=start, introduced_by="physiotherapist",
                                            created_by_id=team[1], created_at=self.now, updated_at=self.now, version=1))
            goals = []
            for activity in ("Sit through a 2-hour meeting", "Walk the dog for 30 minutes"):
                goal_id += 1
                goals.append(goal_id)
                self.add(FunctionalGoal, dict(id=goal_id, patient_id=patient_id, activity=activity, baseline_score=3,
                                              target_score=8, status="active", created_by_id=team[0],
                                              created_at=self.now, updated_at=self.now, version=1))
            pain = rng.randint(4, 8)
            flagged_weeks = {self.weeks // 2: team[0]}  # acknowledged by the team's physician
            if index % OPEN_ALERT_EVERY == 0:
                flagged_weeks[self.weeks - 1] = None  # still open
            for week in range(self.weeks):
                checkin_id += 1
                week_start = start + timedelta(weeks=week)
                pain = min(10, max(0, pain + rng.choice((-1, 0, 0, 1))))
                submitted = datetime.combine(week_start + timedelta(days=6), datetime.min.time(), timezone.utc)
                flags = ["night_pain_unrelieved"] if week in flagged_weeks else []
                self.add(WeeklyCheckin, dict(
                    id=checkin_id, patient_id=patient_id, week_start=week_start, pain_average=pain,
                    pain_worst=min(10, pain + 2), enjoyment_interference=pain, activity_interference=max(0, pain - 1),
                    sleep_hours=6.5, sleep_quality=5, stress=4, mood=6, flare_days=rng.choice((0, 0, 0, 1)),
                    red_flags=flags, helped_most="", did_not_help="", submitted_by_id=account,
                    submitted_at=submitted, updated_at=submitted))
                if flags:
                    acknowledger = flagged_weeks[week]
                    self.add(RedFlagAlert, dict(
                        patient_id=patient_id, checkin_id=checkin_id, flags=flags, raised_at=submitted,
                        acknowledged_at=submitted + timedelta(hours=2) if acknowledger else None,
                        acknowledged_by_id=acknowledger))
                for intervention in interventions:
                    self.add(EffectRating, dict(checkin_id=checkin_id, intervention_id=intervention,
                                                rating=rng.choice((-1, 0, 1, 1, 2)), days_used=rng.randint(0, 7)))
                for goal in goals:
                    self.add(GoalScore, dict(goal_id=goal, score=min(10, 3 + week // 10), scored_on=week_start,
                                             checkin_id=checkin_id, scored_by_id=account, created_at=submitted))
            for visibility in ("team_and_patient", "clinicians", "psychologists"):
                self.add(Note, dict(patient_id=patient_id, author_id=team[2], author_role="psychologist",
                                    visibility=visibility, body="Bench note " * 20, created_at=self.now))
            self.add(Question, dict(patient_id=patient_id, text="Can I increase my walking?", asked_by_id=account,
                                    asked_by_role="patient", created_at=self.now, answer=""))
            self.add_plans(patient_id, account, team, start, interventions)
            self.add_history(patient_id, team, start)
        self.flush()
        db.session.commit()
        return {"admin_id": admin, "physician_id": teams[0][0], "patient_id": 1, "patient_user_id": patient_users[0]}

    def add_plans(self, patient_id: int, account: int, team: tuple[int, int, int], start: date,
                  interventions: list[int]) -> None:
        """Two exercises whose dose went up half-way, with sessions logged lately, and a flare-up plan."""
        physio = team[1]
        prescribed = datetime.combine(start, datetime.min.time(), timezone.utc)
        for name, sets, reps in (("Sit to stand", 2, 8), ("Bridge", 3, 10)):
            prescription = self.next_id(ExercisePrescription)
            self.add(ExercisePrescription, dict(
                id=prescription, patient_id=patient_id, name=name, instructions="Slowly, without holding your breath.",
                side="not_applicable", equipment="", ended_on=None, created_by_id=physio, created_at=prescribed,
                version=1))
            for number, (effective_from, reps_now) in enumerate(
                    ((start, reps), (start + timedelta(weeks=self.weeks // 2), reps + 2)), start=1):
                dose = self.next_id(ExerciseDose)
                self.add(ExerciseDose, dict(
                    id=dose, prescription_id=prescription, number=number, sets=sets, reps=reps_now, hold_seconds=0,
                    load_kg=None, load_band="", rest_seconds=60, sessions_per_week=3, target_effort=5,
                    effective_from=effective_from, reason="Managed the last dose well", changed_by_id=physio,
                    changed_at=datetime.combine(effective_from, datetime.min.time(), timezone.utc)))
            for week in range(SESSION_WEEKS):
                monday = self.this_monday - timedelta(weeks=SESSION_WEEKS - week)
                for day in (0, 2, 4):
                    performed = monday + timedelta(days=day)
                    logged = datetime.combine(performed, datetime.min.time(), timezone.utc) + timedelta(hours=18)
                    self.add(ExerciseSession, dict(
                        prescription_id=prescription, patient_id=patient_id, dose_id=dose, performed_on=performed,
                        sets_done=sets, reps_done=reps + 2, pain_before=4, pain_after=5, next_day_response="yes",
                        responded_at=logged + timedelta(hours=16), logged_by_id=account, created_at=logged))
        plan = self.next_id(FlarePlan)
        self.add(FlarePlan, dict(
            id=plan, patient_id=patient_id, version=1, early_warning_signs="Stiff mornings, poor sleep",
            minimum_activity="Walk 10 minutes twice a day", return_to_plan="Back up by a quarter a day",
            seek_help="New numbness or weakness: call the physician", reason="", created_by_id=team[0],
            created_at=self.now))
        for intervention in interventions[:2]:
            self.add(flare_plan_tools, dict(flare_plan_id=plan, intervention_id=intervention))

    def add_history(self, patient_id: int, team: tuple[int, int, int], start: date) -> None:
        """The record's timeline of changes and the audit trail of the team's reads, spread over the weeks."""
        began = datetime.combine(start, datetime.min.time(), timezone.utc)
        span = (self.now - began) / max(TIMELINE_EVENTS_PER_PATIENT, AUDIT_EVENTS_PER_PATIENT)
        for n in range(TIMELINE_EVENTS_PER_PATIENT):
            part, object_type, summary = TIMELINE[n % len(TIMELINE)]
            actor = team[n % 3]
            self.add(RecordEvent, dict(patient_id=patient_id, occurred_at=began + n * span, actor_id=actor,
                                       actor_role=("physician", "physiotherapist", "psychologist")[n % 3], part=part,
                                       object_type=object_type, object_id=None, summary=summary, reason=""))
        for n in range(AUDIT_EVENTS_PER_PATIENT):
            self.add(AuditEvent, dict(occurred_at=began + n * span, user_id=team[n % 3],
                                      role=("physician", "physiotherapist", "psychologist")[n % 3],
                                      patient_id=patient_id, object_type="dashboard", object_id=str(patient_id),
                                      action="read", outcome="success", address="127.0.0.1"))


def fill(database_url: str, patients: int, weeks: int) -> dict:
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    with app.app_context():
        upgrade()
        if db.session.scalar(select(User.id).limit(1)) is not None:
            raise SystemExit(f"{database_url} is not empty")
        started = time.perf_counter()
        ids = Filler(patients, weeks).run()
        if db.engine.dialect.name == "postgresql":
            db.session.connection().exec_driver_sql("ANALYZE")
            db.session.commit()
        print(f"filled {patients} patients × {weeks} weeks in {time.perf_counter() - started:.0f} s", flush=True)
        db.engine.dispose()
    return ids


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--database-url", default="sqlite:///bench/data/bench.sqlite")
    args = parser.parse_args()
    print(fill(args.database_url, args.patients, args.weeks))
