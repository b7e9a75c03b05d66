"""Break-glass in the policy: read what the discipline reads on a team, minus psychologists-only
notes; nothing else; never for patients or admins."""

from __future__ import annotations

import itertools

import pytest

from careteam.domain.policy import (
    Action,
    Decision,
    Part,
    Relation,
    Role,
    allowed,
    decide,
    may_break_glass,
    readable_note_visibilities,
)
from tests.domain.test_policy import TABLE

CLINICIANS = (Role.PHYSICIAN, Role.PHYSIOTHERAPIST, Role.PSYCHOLOGIST)


@pytest.mark.parametrize("role,part", list(itertools.product(CLINICIANS, Part)), ids=lambda v: v.value)
def test_break_glass_reads_what_the_discipline_reads_except_psychologists_notes(role, part):
    expected = Action.READ in TABLE[(part, role)] and part != Part.NOTES_PSYCHOLOGISTS
    assert allowed(role, Relation.BREAK_GLASS, part, Action.READ) is expected


@pytest.mark.parametrize(
    "role,part,action",
    [(r, p, a) for r, p, a in itertools.product(CLINICIANS, Part, Action) if a != Action.READ],
    ids=lambda v: v.value,
)
def test_break_glass_never_writes_logs_or_invites_and_is_told_403(role, part, action):
    assert not allowed(role, Relation.BREAK_GLASS, part, action)
    assert decide(role, Relation.BREAK_GLASS, part, action) == Decision.FORBID


@pytest.mark.parametrize("role", [Role.PATIENT, Role.ADMIN])
def test_patients_and_admins_get_nothing_from_break_glass(role):
    assert not may_break_glass(role)
    assert not any(allowed(role, Relation.BREAK_GLASS, p, a) for p in Part for a in Action)


def test_only_clinicians_may_break_glass():
    assert [r for r in Role if may_break_glass(r)] == list(CLINICIANS)


@pytest.mark.parametrize("role", CLINICIANS)
def test_break_glass_note_visibilities_never_include_psychologists(role):
    assert readable_note_visibilities(role, Relation.BREAK_GLASS) == ["team_and_patient", "clinicians"]
