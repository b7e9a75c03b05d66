"""Demo history of the shared record: six months of Maria's weekly check-ins, what she tried
and how it went, her goals, notes of every visibility, questions and red-flag alerts; and a
short history for Tom.

Maria's story: pain starts around 7/10 and eases to about 4 with setbacks; a flare around
week 15 brings a red-flag question (night pain) that Dr. Okafor acknowledges; heat, walking and
micro-pacing help, ibuprofen does not, and stretching first thing in the morning made things
worse until the physiotherapist moved it after the warm-up. Last week's check-in reported new
leg numbness: that alert is still open.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from careteam.domain.checkins import week_start_of
from careteam.domain.policy import Part
from careteam.extensions import db
from careteam.models import (
    Appointment,
    AuditEvent,
    EffectRating,
    FlareDay,
    FunctionalGoal,
    GoalScore,
    Intervention,
    Note,
    Patient,
    Question,
    QuestionReply,
    RecordEvent,
    RedFlagAlert,
    User,
    WeeklyCheckin,
)
from careteam.services.notes import change_summary

WEEKS = 26
TOM_WEEKS = 4  # Tom started recently


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.utc)


@dataclass(frozen=True)
class Tried:
    name: str
    tier: str
    kind: str
    details: str
    introduced_by: str  # a demo user key, or "patient"
    from_week: int
    until_week: int | None
    ratings: str  # one character per week of the history: "2" "1" "0" "-" (−1) "=" (−2); " " not rated
    stop_reason: str = ""


TRIED = [
    Tried("Moist heat pack", "immediate_relief", "heat_or_cold", "15 minutes, before stretching, evenings",
          "physiotherapist", 0, None, "11122121212222121122122212"),
    Tried("Ibuprofen", "immediate_relief", "medication", "400 mg as needed, at most 3 times a day, with food",
          "physician_a", 0, 10, "0100000-00", "No benefit over ten weeks; stomach upset. Stopped."),
    Tried("Pain neuroscience education", "long_term_modifier", "education",
          "Four sessions: pain as a protective alarm, not a damage meter", "psychologist", 1, None,
          " 0011111112111211121112212"),
    Tried("Daily walking", "stabilizing_habit", "exercise", "See the graded walking plan",
          "physiotherapist", 2, None, "  01112121122212212222222"),
    Tried("Slow diaphragmatic breathing", "immediate_relief", "breathing_or_relaxation",
          "3 minutes when pain spikes and before sleep", "psychologist", 3, None,
          "   1010101111211011112111"),
    Tried("Micro-pacing at work", "stabilizing_habit", "pacing",
          "Stand and move 2 minutes every 25 minutes of sitting; every 15 on bad days", "physiotherapist", 5, None,
          "     11111121112111211221"),
    Tried("Stretching first thing in the morning", "stabilizing_habit", "exercise",
          "Hamstring and low-back stretches straight out of bed", "patient", 12, 17,
          "            -=--=", "Made the morning stiffness worse. Stretch after the heat pack instead."),
]
RATING = {"2": 2, "1": 1, "0": 0, "-": -1, "=": -2}

# Weekly values for Maria: pain average eases with setbacks; week 15 is a flare.
PAIN = [7, 7, 7, 6, 7, 6, 6, 6, 5, 6, 5, 5, 6, 6, 7, 8, 6, 5, 5, 5, 4, 5, 4, 4, 4, 4]
SLEEP_QUALITY = [4, 4, 3, 4, 5, 5, 5, 5, 6, 5, 6, 6, 5, 5, 4, 3, 5, 6, 6, 6, 7, 6, 7, 7, 7, 7]
STRESS = [7, 7, 8, 7, 6, 6, 6, 6, 5, 6, 5, 5, 6, 6, 7, 8, 6, 5, 5, 4, 4, 5, 4, 4, 4, 4]
FLARE_DAYS = {3: 1, 9: 1, 14: 2, 15: 4, 16: 1, 21: 1}

GOALS = [
    # activity, baseline, target, target date (weeks from start), set by, scores per week start..end
    ("Sit through a 2-hour meeting at work", 3, 8, 30, "physician_a", (3, 7)),
    ("Walk the dog for 30 minutes", 2, 8, 28, "physiotherapist", (2, 6)),
    ("Pick up my niece without fear of my back giving way", 1, 7, 34, "psychologist", (1, 5)),
]


def add_record_history(users: dict[str, User], records: dict[str, Patient], today: date) -> dict[str, Intervention]:
    """Maria's and Tom's record history. Returns Maria's interventions by name. Caller commits."""
    maria, tom = records["patient_a"], records["patient_b"]
    first_week = week_start_of(today) - timedelta(weeks=WEEKS)
    interventions = _interventions(users, maria, first_week)
    goals = _goals(users, maria, first_week)
    checkins = _checkins(users["patient_a"], maria, first_week, interventions, goals)
    _alerts(users, maria, checkins)
    _notes_and_questions(users, maria, first_week, today)
    _access_history(users, maria, today)
    _appointments(users, maria, tom, today)
    _tom(users, tom, today)
    return {i.name: i for i in interventions}


def _event(patient: Patient, actor: User, when: datetime, part: Part, object_type: str, object_id: int | None,
           summary: str, reason: str = "") -> None:
    db.session.add(RecordEvent(patient_id=patient.id, occurred_at=when, actor_id=actor.id, actor_role=actor.role,
                               part=part.value, object_type=object_type, object_id=object_id, summary=summary,
                               reason=reason))


def _interventions(users, patient, first_week) -> list[Intervention]:
    made = []
    for tried in TRIED:
        author = users["patient_a"] if tried.introduced_by == "patient" else users[tried.introduced_by]
        started = first_week + timedelta(weeks=tried.from_week)
        intervention = Intervention(
            patient_id=patient.id, name=tried.name, tier=tried.tier, kind=tried.kind, details=tried.details,
            started_on=started, introduced_by=author.role, created_by_id=author.id,
            created_at=at(started, 9), updated_at=at(started, 9),
            stopped_on=first_week + timedelta(weeks=tried.until_week, days=2) if tried.until_week else None,
        )
        db.session.add(intervention)
        db.session.flush()
        _event(patient, author, at(started, 9), Part.INTERVENTIONS, "intervention", intervention.id,
               f"Added intervention {tried.name}")
        if intervention.stopped_on:
            _event(patient, author, at(intervention.stopped_on, 11), Part.INTERVENTIONS, "intervention",
                   intervention.id, f"Stopped {tried.name}", tried.stop_reason)
        made.append(intervention)
    return made


def _goals(users, patient, first_week) -> list[FunctionalGoal]:
    made = []
    for activity, baseline, target, target_weeks, setter, _ in GOALS:
        author = users[setter]
        goal = FunctionalGoal(
            patient_id=patient.id, activity=activity, baseline_score=baseline, target_score=target,
            target_date=first_week + timedelta(weeks=target_weeks), created_by_id=author.id,
            created_at=at(first_week, 11), updated_at=at(first_week, 11),
        )
        db.session.add(goal)
        db.session.flush()
        _event(patient, author, at(first_week, 11), Part.GOALS, "functional_goal", goal.id,
               f"Set goal: {activity} (baseline {baseline}, target {target})")
        made.append(goal)
    return made


def _checkins(maria_user, patient, first_week, interventions, goals) -> list[WeeklyCheckin]:
    rng = random.Random(2026)
    made = []
    for week in range(WEEKS):
        week_start = first_week + timedelta(weeks=week)
        submitted = at(week_start + timedelta(days=6), 19, rng.randint(0, 59))
        pain = PAIN[week]
        checkin = WeeklyCheckin(
            patient_id=patient.id, week_start=week_start, pain_average=pain, pain_worst=min(10, pain + 2),
            enjoyment_interference=max(0, pain - 1 + (week == 15)), activity_interference=pain,
            sleep_hours=[5.5, 6, 6.5, 7][min(3, SLEEP_QUALITY[week] // 2)], sleep_quality=SLEEP_QUALITY[week],
            stress=STRESS[week], mood=10 - STRESS[week], flare_days=FLARE_DAYS.get(week, 0),
            red_flags=["night_pain_unrelieved"] if week == 15 else (["leg_numbness_or_weakness"] if week == WEEKS - 1 else []),
            helped_most="The heat pack before stretching, and walking with my sister." if week % 4 == 0 else "",
            did_not_help="Sitting through long meetings without a break." if week % 5 == 0 else "",
            submitted_by_id=maria_user.id, submitted_at=submitted, updated_at=submitted,
        )
        db.session.add(checkin)
        db.session.flush()
        for day in range(checkin.flare_days):  # the days behind the week's flare-day count
            db.session.add(FlareDay(patient_id=patient.id, day=week_start + timedelta(days=day + 1),
                                    recorded_by_id=maria_user.id, recorded_at=at(week_start + timedelta(days=day + 1), 8)))
        for intervention, tried in zip(interventions, TRIED):
            # `ratings` is indexed by week from the start of the history
            if week < len(tried.ratings) and tried.ratings[week] != " ":
                db.session.add(EffectRating(checkin_id=checkin.id, intervention_id=intervention.id,
                                            rating=RATING[tried.ratings[week]], days_used=rng.choice((3, 5, 6, 7))))
        for goal, (*_, (start_score, end_score)) in zip(goals, GOALS):
            score = start_score + round((end_score - start_score) * week / (WEEKS - 1)) - (1 if week == 15 else 0)
            db.session.add(GoalScore(goal_id=goal.id, score=max(0, score), scored_on=week_start + timedelta(days=6),
                                     checkin_id=checkin.id, scored_by_id=maria_user.id, created_at=submitted))
        _event(patient, maria_user, submitted, Part.CHECKINS, "weekly_checkin", checkin.id,
               f"Weekly check-in for the week of {week_start:%-d %b}: pain {pain}/10")
        made.append(checkin)
    return made


def _alerts(users, patient, checkins) -> None:
    flare_week, last_week = checkins[15], checkins[-1]
    acknowledged = RedFlagAlert(patient_id=patient.id, checkin_id=flare_week.id, flags=flare_week.red_flags,
                                raised_at=flare_week.submitted_at,
                                acknowledged_at=flare_week.submitted_at + timedelta(hours=14),
                                acknowledged_by_id=users["physician_a"].id)
    still_open = RedFlagAlert(patient_id=patient.id, checkin_id=last_week.id, flags=last_week.red_flags,
                              raised_at=last_week.submitted_at)
    db.session.add_all([acknowledged, still_open])
    db.session.flush()
    _event(patient, users["patient_a"], flare_week.submitted_at, Part.ALERTS, "red_flag_alert", acknowledged.id,
           "Red-flag alert raised: Pain at night that rest does not relieve")
    _event(patient, users["physician_a"], acknowledged.acknowledged_at, Part.ALERTS, "red_flag_alert",
           acknowledged.id, "Red-flag alert acknowledged",
           "Phoned Maria: night pain during the flare, no neurological signs. Reviewed next week.")
    _event(patient, users["patient_a"], last_week.submitted_at, Part.ALERTS, "red_flag_alert", still_open.id,
           "Red-flag alert raised: New numbness or weakness in the legs")


NOTES = [
    # weeks after start, author key, visibility, text
    (0, "physician_a", "team_and_patient",
     "First visit. Chronic low back pain for 3 years, no red flags today. Plan: physiotherapy with graded "
     "walking, pain education with Dr. Hoffmann, heat for flare-ups. We agreed on three goals in Maria's own words."),
    (1, "psychologist", "psychologists",
     "Session 1. High fear of bending and lifting (PHODA top items: lifting her niece, laundry basket on stairs). "
     "Catastrophizing when pain spikes at work. Building the exposure hierarchy next session."),
    (2, "physiotherapist", "clinicians",
     "Baseline walking 14–17 minutes before symptoms rise. Symptom-guided walking plan starting at 80 % of "
     "baseline. Core programme: bridges, bird-dog, side plank on knees."),
    (9, "physician_a", "clinicians",
     "Ibuprofen gives no benefit and some stomach upset. Stopping it. No new medication for now; "
     "the ledger shows heat and walking help most."),
    (15, "physiotherapist", "team_and_patient",
     "Flare this week after a long drive. We scaled the walking quota back one step (never to zero) and kept "
     "the heat pack and breathing. Back on the plan once the 24-hour answer is 'yes' again."),
    (17, "psychologist", "psychologists",
     "Session 6. Expectancy for bending has dropped to 10 after three attempts: mastered. Maria describes "
     "pain as 'my alarm being loud', not damage. Next: carrying the laundry basket."),
    (18, "physiotherapist", "team_and_patient",
     "Morning stretching straight out of bed made the stiffness worse. Moved the stretches after the heat pack "
     "in the evening, in that order: release, heat, then stretch."),
    (23, "psychologist", "team_and_patient",
     "Maria carried the laundry basket upstairs twice with no flare. Keep going with the next step of the list."),
]


def _notes_and_questions(users, patient, first_week, today) -> None:
    written = {}
    for weeks_after, author_key, visibility, body in NOTES:
        author = users[author_key]
        # The first visit's note follows the goals agreed that morning; later notes mid-week.
        when = at(first_week, 12) if weeks_after == 0 else at(first_week + timedelta(weeks=weeks_after, days=2), 15)
        note = Note(patient_id=patient.id, author_id=author.id, author_role=author.role, visibility=visibility,
                    body=body, created_at=when)
        db.session.add(note)
        db.session.flush()
        written[(weeks_after, author_key)] = note
        _event(patient, author, when, _note_part(visibility), "note", note.id,
               change_summary(author, visibility, is_addendum=False))
    corrected = written[(2, "physiotherapist")]
    addendum = Note(patient_id=patient.id, author_id=corrected.author_id, author_role=corrected.author_role,
                    visibility=corrected.visibility, addendum_to_id=corrected.id,
                    body="Correction: the start quota is 12 minutes (80 % of a 15-minute baseline mean), not 14.",
                    created_at=corrected.created_at + timedelta(hours=2))
    db.session.add(addendum)
    db.session.flush()
    physio = users["physiotherapist"]
    _event(patient, physio, addendum.created_at, _note_part(addendum.visibility), "note", addendum.id,
           change_summary(physio, addendum.visibility, is_addendum=True))
    maria = users["patient_a"]
    answered = Question(patient_id=patient.id, text="Is it safe to keep walking when my back is sore?",
                        asked_by_id=maria.id, asked_by_role="patient", created_at=at(first_week + timedelta(weeks=4)),
                        answered_at=at(first_week + timedelta(weeks=4, days=3)),
                        answered_by_id=users["physiotherapist"].id,
                        answer="Yes: if you are back to your usual level within 24 hours, the dose was right.")
    open_from_patient = Question(patient_id=patient.id, text="Can I start swimming again?", asked_by_id=maria.id,
                                 asked_by_role="patient", created_at=at(today - timedelta(days=5), 20))
    open_from_team = Question(patient_id=patient.id,
                              text="Does the new leg numbness come with weakness when climbing stairs?",
                              asked_by_id=users["physician_a"].id, asked_by_role="physician",
                              created_at=at(today - timedelta(days=1), 8))
    db.session.add_all([answered, open_from_patient, open_from_team])
    db.session.flush()
    # The answer is also the last reply of its conversation, as migration 0008 made of older answers.
    db.session.add(QuestionReply(question_id=answered.id, author_id=answered.answered_by_id,
                                 author_role="physiotherapist", text=answered.answer, is_answer=True,
                                 created_at=answered.answered_at))


def _note_part(visibility: str) -> Part:
    return {"team_and_patient": Part.NOTES_TEAM_AND_PATIENT, "clinicians": Part.NOTES_CLINICIANS,
            "psychologists": Part.NOTES_PSYCHOLOGISTS}[visibility]


def _appointments(users, maria, tom, today) -> None:
    """Maria was last seen seven weeks ago and comes back tomorrow; Tom sees Dr. Berg by video
    the day after."""
    for patient, key, days, hour, kind, minutes, place, video in (
            (maria, "physician_a", -49, 9, "follow_up", 30, "Consulting room 3, ground floor", None),
            (maria, "physician_a", 1, 9, "review", 30, "Consulting room 3, ground floor", None),
            (maria, "physiotherapist", 1, 14, "follow_up", 45, "Physiotherapy gym, first floor", None),
            (tom, "physician_b", 2, 11, "telehealth", 20, "", "https://video.example.org/careteam-demo-berg")):
        clinician = users[key]
        db.session.add(Appointment(patient_id=patient.id, clinician_id=clinician.id, kind=kind,
                                   starts_at=at(today + timedelta(days=days), hour, 30), duration_minutes=minutes,
                                   place=place, video_url=video, created_by_id=clinician.id,
                                   created_at=at(today + timedelta(days=min(days, 0) - 14), 12)))


def _access_history(users, patient, today) -> None:
    """A few earlier reads, so "Who accessed my record" is not empty on first sight."""
    for days_ago, key, object_type in ((20, "physiotherapist", "dashboard"), (13, "physician_a", "dashboard"),
                                       (8, "psychologist", "note"), (6, "physiotherapist", "dashboard"),
                                       (2, "physician_a", "dashboard")):
        user = users[key]
        db.session.add(AuditEvent(occurred_at=at(today - timedelta(days=days_ago), 9, 30), user_id=user.id,
                                  role=user.role, patient_id=patient.id, object_type=object_type,
                                  object_id=str(patient.id), action="read", outcome="success",
                                  address="10.0.0.12"))


def _tom(users, patient, today) -> None:
    """Tom started recently: Dr. Berg's first visit (a note, walking after lunch, a golf goal),
    four check-ins, and the physiotherapist's exercise with one progression."""
    tom, physician = users["patient_b"], users["physician_b"]
    first_week = week_start_of(today) - timedelta(weeks=TOM_WEEKS)
    visit = at(first_week, 10)
    walking = Intervention(patient_id=patient.id, name="Walking after lunch", tier="stabilizing_habit",
                           kind="exercise", details="10 minutes, on the flat", started_on=first_week,
                           introduced_by="physician", created_by_id=physician.id, created_at=visit, updated_at=visit)
    goal = FunctionalGoal(patient_id=patient.id, activity="Play nine holes of golf", baseline_score=2,
                          target_score=7, target_date=first_week + timedelta(weeks=16), created_by_id=physician.id,
                          created_at=visit, updated_at=visit)
    note = Note(patient_id=patient.id, author_id=physician.id, author_role=physician.role,
                visibility="team_and_patient", created_at=visit + timedelta(hours=1),
                body="First visit. Low back pain since spring, worse after golf and long drives; no red flags. "
                     "Plan: walking after lunch, physiotherapy with Priya Nair, and a goal in Tom's words.")
    db.session.add_all([walking, goal, note])
    db.session.flush()
    _event(patient, physician, visit, Part.INTERVENTIONS, "intervention", walking.id,
           "Added intervention Walking after lunch")
    _event(patient, physician, visit, Part.GOALS, "functional_goal", goal.id,
           "Set goal: Play nine holes of golf (baseline 2, target 7)")
    _event(patient, physician, note.created_at, Part.NOTES_TEAM_AND_PATIENT, "note", note.id,
           change_summary(physician, note.visibility, is_addendum=False))
    for week, pain in enumerate([6, 6, 5, 5]):
        week_start = first_week + timedelta(weeks=week)
        submitted = at(week_start + timedelta(days=6), 18)
        checkin = WeeklyCheckin(patient_id=patient.id, week_start=week_start, pain_average=pain, pain_worst=pain + 1,
                                enjoyment_interference=pain, activity_interference=pain, sleep_hours=7,
                                sleep_quality=6, stress=5, mood=6, flare_days=0, red_flags=[],
                                helped_most="Walking after lunch." if week == 2 else "",
                                submitted_by_id=tom.id, submitted_at=submitted, updated_at=submitted)
        db.session.add(checkin)
        db.session.flush()
        db.session.add(EffectRating(checkin_id=checkin.id, intervention_id=walking.id, rating=1, days_used=5))
        db.session.add(GoalScore(goal_id=goal.id, score=2 + week // 2, scored_on=week_start + timedelta(days=6),
                                 checkin_id=checkin.id, scored_by_id=tom.id, created_at=submitted))
        _event(patient, tom, submitted, Part.CHECKINS, "weekly_checkin", checkin.id,
               f"Weekly check-in for the week of {week_start:%-d %b}: pain {pain}/10")
    from careteam.demo.exercises import add_tom_exercise

    add_tom_exercise(users, patient, today)
