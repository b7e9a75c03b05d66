"""Who may do what with which part of a patient's record: the table of DESIGN.md as data.

A request is judged by the actor's role, the actor's relation to the patient (their own
record, on the care team, or neither), the part of the record and the action. Services
call `decide` through one authorize step; nothing else in the code base checks roles.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PATIENT = "patient"
    PHYSICIAN = "physician"
    PHYSIOTHERAPIST = "physiotherapist"
    PSYCHOLOGIST = "psychologist"
    ADMIN = "admin"


CLINICIAN_ROLES: tuple[Role, ...] = (Role.PHYSICIAN, Role.PHYSIOTHERAPIST, Role.PSYCHOLOGIST)


class Relation(StrEnum):
    SELF = "self"  # the patient's own record
    TEAM = "team"  # a clinician on the patient's care team
    NONE = "none"  # anyone else, including admins
    # A clinician not on the team holding an active emergency-access grant: read-only.
    BREAK_GLASS = "break_glass"


class Part(StrEnum):
    RECORD = "record"  # the record itself: identity and overview
    TEAM = "team"  # care-team membership
    CHECKINS = "checkins"
    INTERVENTIONS = "interventions"  # interventions and their effect ratings
    GOALS = "goals"
    EXERCISE_DOSES = "exercise_doses"
    GRADED_ACTIVITY = "graded_activity"
    EXPOSURE = "exposure"
    FLARE_PLAN = "flare_plan"
    NOTES_TEAM_AND_PATIENT = "notes_team_and_patient"
    NOTES_CLINICIANS = "notes_clinicians"
    NOTES_PSYCHOLOGISTS = "notes_psychologists"
    SUMMARY = "summary"
    ACCESS_LOG = "access_log"  # "who accessed my record"
    # Parts the DESIGN table implies without a row of their own:
    QUESTIONS = "questions"  # questions for the next appointment, from the patient or the team
    ALERTS = "alerts"  # red-flag alerts; physicians acknowledge them
    APPOINTMENTS = "appointments"
    QUESTIONNAIRES = "questionnaires"  # assignments, answers and scores (PEG, PHQ-9, GAD-7, STarT Back…)
    SAFETY_ALERTS = "safety_alerts"  # questionnaire safety flags: the psychologist acknowledges too


class Action(StrEnum):
    READ = "read"
    WRITE = "write"  # create or change
    LOG = "log"  # record one's own data: ratings, scores, sessions, attempts
    INVITE = "invite"  # add a clinician to a care team; WRITE also removes


class Decision(StrEnum):
    ALLOW = "allow"
    FORBID = "forbid"  # knows the record, may not do this: 403
    HIDE = "hide"  # must not learn the record exists: 404


R, W, L, I = Action.READ, Action.WRITE, Action.LOG, Action.INVITE
PAT, DOC, PT, PSY, ADM = (
    Role.PATIENT,
    Role.PHYSICIAN,
    Role.PHYSIOTHERAPIST,
    Role.PSYCHOLOGIST,
    Role.ADMIN,
)

# part -> role -> allowed actions, for a patient on their own record and a clinician on the
# care team. Admins are not on care teams; their column holds what they may do for any patient.
POLICY: dict[Part, dict[Role, frozenset[Action]]] = {
    Part.RECORD: {PAT: {R}, DOC: {R}, PT: {R}, PSY: {R}},
    Part.TEAM: {PAT: {R}, DOC: {R, I}, PT: {R}, PSY: {R}, ADM: {R, W, I}},
    Part.CHECKINS: {PAT: {R, W}, DOC: {R}, PT: {R}, PSY: {R}},
    Part.INTERVENTIONS: {PAT: {R, W, L}, DOC: {R, W}, PT: {R, W}, PSY: {R, W}},
    Part.GOALS: {PAT: {R, L}, DOC: {R, W}, PT: {R, W}, PSY: {R, W}},
    Part.EXERCISE_DOSES: {PAT: {R, L}, DOC: {R}, PT: {R, W}, PSY: {R}},
    Part.GRADED_ACTIVITY: {PAT: {R, L}, DOC: {R}, PT: {R, W}, PSY: {R, W}},
    Part.EXPOSURE: {PAT: {R, L}, DOC: {R}, PT: {R, L}, PSY: {R, W, L}},
    Part.FLARE_PLAN: {PAT: {R}, DOC: {R, W}, PT: {R, W}, PSY: {R, W}},
    Part.NOTES_TEAM_AND_PATIENT: {PAT: {R}, DOC: {R, W}, PT: {R, W}, PSY: {R, W}},
    Part.NOTES_CLINICIANS: {DOC: {R, W}, PT: {R, W}, PSY: {R, W}},
    Part.NOTES_PSYCHOLOGISTS: {PSY: {R, W}},
    Part.SUMMARY: {PAT: {R}, DOC: {R}, PT: {R}, PSY: {R}},
    Part.ACCESS_LOG: {PAT: {R}, DOC: {R}, PT: {R}, PSY: {R}, ADM: {R}},
    Part.QUESTIONS: {PAT: {R, W}, DOC: {R, W}, PT: {R, W}, PSY: {R, W}},
    Part.ALERTS: {PAT: {R}, DOC: {R, W}, PT: {R}, PSY: {R}},
    Part.APPOINTMENTS: {PAT: {R}, DOC: {R, W}, PT: {R, W}, PSY: {R, W}},
    Part.QUESTIONNAIRES: {PAT: {R, L}, DOC: {R, W}, PT: {R, W}, PSY: {R, W}},
    Part.SAFETY_ALERTS: {PAT: {R}, DOC: {R, W}, PT: {R}, PSY: {R, W}},
}
POLICY = {part: {role: frozenset(actions) for role, actions in row.items()} for part, row in POLICY.items()}


# Under break-glass a clinician reads what their discipline reads on a team, never these.
BREAK_GLASS_HIDDEN_PARTS: frozenset[Part] = frozenset({Part.NOTES_PSYCHOLOGISTS})


def may_break_glass(role: Role) -> bool:
    """Only clinicians may ask for emergency access; never a patient or an admin."""
    return role in CLINICIAN_ROLES


def relation_required(role: Role) -> Relation | None:
    """The relation a role needs to the patient; None for admins, who act on any record."""
    if role == Role.ADMIN:
        return None
    return Relation.SELF if role == Role.PATIENT else Relation.TEAM


def allowed(role: Role, relation: Relation, part: Part, action: Action) -> bool:
    if relation == Relation.BREAK_GLASS:
        return (may_break_glass(role) and action == Action.READ
                and part not in BREAK_GLASS_HIDDEN_PARTS
                and action in POLICY[part].get(role, frozenset()))
    required = relation_required(role)
    if required is not None and relation != required:
        return False
    return action in POLICY[part].get(role, frozenset())


def decide(role: Role, relation: Relation, part: Part, action: Action) -> Decision:
    """ALLOW, or how to refuse: 403 to someone who may know the record, 404 to anyone else."""
    if allowed(role, relation, part, action):
        return Decision.ALLOW
    knows_record = relation != Relation.NONE or (role == Role.ADMIN and POLICY[part].get(role))
    return Decision.FORBID if knows_record else Decision.HIDE


# Account-level abilities that do not concern one patient's record.
def may_manage_accounts(role: Role) -> bool:
    return role == Role.ADMIN


def may_read_full_audit_log(role: Role) -> bool:
    return role == Role.ADMIN


def may_use_protocol_templates(role: Role) -> bool:
    """Clinic-wide templates: every clinician reads, applies and saves them."""
    return role in CLINICIAN_ROLES


NOTE_PARTS = {
    "team_and_patient": Part.NOTES_TEAM_AND_PATIENT,
    "clinicians": Part.NOTES_CLINICIANS,
    "psychologists": Part.NOTES_PSYCHOLOGISTS,
}


def readable_note_visibilities(role: Role, relation: Relation) -> list[str]:
    """The note visibilities this reader may see; every query of notes filters by this."""
    return [v for v, part in NOTE_PARTS.items() if allowed(role, relation, part, Action.READ)]


def sees_patient_list(role: Role) -> bool:
    """Clinicians have a list of their care teams' patients; admins list records to form teams."""
    return role in CLINICIAN_ROLES or role == Role.ADMIN
