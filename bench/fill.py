"""Fill a database with N patients × W weeks of realistic record data, fast (bulk inserts).

    python bench/fill.py --patients 20000 --weeks 52 [--database-url URL]

Uses the migrations to build the schema, then inserts with executemany in large batches.
Every patient gets a care team (one physician, physiotherapist and psychologist; 100 patients
per clinician), 3 interventions rated weekly, 2 goals scored weekly, 52 weekly check-ins and a
few notes and questions. Returns the ids the benchmark needs.
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
    CareTeamMember,
    EffectRating,
    FunctionalGoal,
    GoalScore,
    Intervention,
    Note,
    Patient,
    Question,
    User,
    WeeklyCheckin,
)
from careteam.services.credentials import hash_password  # noqa: E402

BATCH = 20_000
PATIENTS_PER_CLINICIAN = 100
BENCH_PASSWORD = "bench-password-2026"
ORDER = [User, Patient, CareTeamMember, Intervention, FunctionalGoal, WeeklyCheckin, EffectRating, GoalScore,
         Note, Question]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


class Filler:
    def __init__(self, patients: int, weeks: int, seed: int = 7):
        self.patients, self.weeks = patients, weeks
        self.random = random.Random(seed)
        self.now = datetime.now(timezone.utc)
        self.this_monday = _monday(date.today())
        self.pending: dict = {}

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
            for week in range(self.weeks):
                checkin_id += 1
                week_start = start + timedelta(weeks=week)
                pain = min(10, max(0, pain + rng.choice((-1, 0, 0, 1))))
                submitted = datetime.combine(week_start + timedelta(days=6), datetime.min.time(), timezone.utc)
                self.add(WeeklyCheckin, dict(
                    id=checkin_id, patient_id=patient_id, week_start=week_start, pain_average=pain,
                    pain_worst=min(10, pain + 2), enjoyment_interference=pain, activity_interference=max(0, pain - 1),
                    sleep_hours=6.5, sleep_quality=5, stress=4, mood=6, flare_days=rng.choice((0, 0, 0, 1)),
                    red_flags=[], helped_most="", did_not_help="", submitted_by_id=account,
                    submitted_at=submitted, updated_at=submitted))
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
        self.flush()
        db.session.commit()
        return {"admin_id": admin, "physician_id": teams[0][0], "patient_id": 1, "patient_user_id": patient_users[0]}


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
