"""The access table of DESIGN.md, written out independently of careteam.domain.policy."""

from __future__ import annotations

import itertools

import pytest

from careteam.domain.policy import Action, Decision, Part, Relation, Role, allowed, decide

# r read, w write, l log, i invite. One row per part; columns patient, physician,
# physiotherapist, psychologist, admin. "-" is nothing.
EXPECTED = """
part                     patient physician physiotherapist psychologist admin
record                   r       r         r               r            -
team                     r       ri        r               r            rwi
checkins                 rw      r         r               r            -
interventions            rwl     rw        rw              rw           -
goals                    rl      rw        rw              rw           -
exercise_doses           rl      r         rw              r            -
graded_activity          rl      r         rw              rw           -
exposure                 rl      r         rl              rwl          -
flare_plan               r       rw        rw              rw           -
notes_team_and_patient   r       rw        rw              rw           -
notes_clinicians         -       rw        rw              rw           -
notes_psychologists      -       -         -               rw           -
summary                  r       r         r               r            -
access_log               r       r         r               r            r
questions                rw      rw        rw              rw           -
alerts                   r       rw        r               r            -
appointments             r       rw        rw              rw           -
questionnaires           rl      rw        rw              rw           -
safety_alerts            r       rw        r               rw           -
"""
LETTERS = {"r": Action.READ, "w": Action.WRITE, "l": Action.LOG, "i": Action.INVITE}


def _table() -> dict[tuple[Part, Role], set[Action]]:
    lines = [line.split() for line in EXPECTED.strip().splitlines()]
    roles = [Role(name) for name in lines[0][1:]]
    table = {}
    for part_name, *cells in lines[1:]:
        for role, cell in zip(roles, cells, strict=True):
            table[(Part(part_name), role)] = {LETTERS[c] for c in cell if c != "-"}
    return table


TABLE = _table()
OWN_RELATION = {
    Role.PATIENT: Relation.SELF,
    Role.PHYSICIAN: Relation.TEAM,
    Role.PHYSIOTHERAPIST: Relation.TEAM,
    Role.PSYCHOLOGIST: Relation.TEAM,
    Role.ADMIN: Relation.NONE,
}


def test_table_covers_every_part_and_role():
    assert {part for part, _ in TABLE} == set(Part)
    assert {role for _, role in TABLE} == set(Role)


@pytest.mark.parametrize(
    "role,part,action", list(itertools.product(Role, Part, Action)), ids=lambda v: v.value
)
def test_every_role_part_action_on_their_own_relation(role, part, action):
    expected = action in TABLE[(part, role)]
    assert allowed(role, OWN_RELATION[role], part, action) is expected
    assert (decide(role, OWN_RELATION[role], part, action) == Decision.ALLOW) is expected


@pytest.mark.parametrize(
    "role,part,action",
    [(r, p, a) for r, p, a in itertools.product(Role, Part, Action) if r != Role.ADMIN],
    ids=lambda v: v.value,
)
def test_outsiders_get_nothing_and_never_learn_the_record_exists(role, part, action):
    assert not allowed(role, Relation.NONE, part, action)
    assert decide(role, Relation.NONE, part, action) == Decision.HIDE


@pytest.mark.parametrize(
    "role,relation",
    [
        (Role.PATIENT, Relation.TEAM),  # a patient is never "on a team"
        (Role.PHYSICIAN, Relation.SELF),  # a clinician's own record is not theirs to treat
        (Role.PSYCHOLOGIST, Relation.SELF),
    ],
)
def test_wrong_relation_kinds_grant_nothing(role, relation):
    assert not any(allowed(role, relation, part, action) for part in Part for action in Action)


@pytest.mark.parametrize(
    "role,part,action,decision",
    [
        (Role.PHYSICIAN, Part.EXERCISE_DOSES, Action.WRITE, Decision.FORBID),  # on the team: 403
        (Role.PATIENT, Part.NOTES_CLINICIANS, Action.READ, Decision.FORBID),
        (Role.PHYSIOTHERAPIST, Part.NOTES_PSYCHOLOGISTS, Action.READ, Decision.FORBID),
        (Role.ADMIN, Part.CHECKINS, Action.READ, Decision.HIDE),  # no clinical content: 404
        (Role.ADMIN, Part.TEAM, Action.WRITE, Decision.ALLOW),
        (Role.ADMIN, Part.ACCESS_LOG, Action.WRITE, Decision.FORBID),
    ],
)
def test_refusals_say_403_only_to_those_who_know_the_record(role, part, action, decision):
    assert decide(role, OWN_RELATION[role], part, action) == decision


@pytest.mark.parametrize(
    "role,relation,visibilities",
    [
        (Role.PATIENT, Relation.SELF, ["team_and_patient"]),
        (Role.PHYSICIAN, Relation.TEAM, ["team_and_patient", "clinicians"]),
        (Role.PHYSIOTHERAPIST, Relation.TEAM, ["team_and_patient", "clinicians"]),
        (Role.PSYCHOLOGIST, Relation.TEAM, ["team_and_patient", "clinicians", "psychologists"]),
        (Role.PSYCHOLOGIST, Relation.NONE, []),
        (Role.ADMIN, Relation.NONE, []),
    ],
)
def test_readable_note_visibilities(role, relation, visibilities):
    from careteam.domain.policy import readable_note_visibilities

    assert readable_note_visibilities(role, relation) == visibilities
