"""Table tests for the password rule: common, breached-list and context passwords are refused."""

from __future__ import annotations

import pytest

from careteam.domain.passwords import CONTEXT_MESSAGE, context_words, password_problem

CONTEXT = context_words(email="ann.keller@northside-clinic.example", name="Dr. Ann Keller",
                        clinic_name="Northside Pain Clinic")


def test_context_words_are_the_email_its_parts_the_name_and_the_clinic():
    for word in ("ann.keller@northside-clinic.example", "keller", "northside", "clinic",
                 "northside pain clinic", "careteam"):
        assert word in CONTEXT, word
    assert "ann" not in CONTEXT and "dr" not in CONTEXT  # too short to refuse
    assert "example" not in CONTEXT  # the top-level domain is no context


@pytest.mark.parametrize(
    "password,verdict",
    [
        # common and breached-list passwords (zxcvbn's frequency lists)
        ("password1234", "guess"),
        ("qwertyuiop123", "guess"),
        ("iloveyou2026!", "guess"),
        ("123456789012", "guess"),
        ("aaaaaaaaaaaa", "guess"),
        ("abcdefghijkl", "guess"),
        # context: e-mail, its parts, the name, the clinic, the service, also in l33t or reversed
        ("ann.keller@northside-clinic.example", "context"),
        ("keller-2026-spring!", "context"),
        ("Northside Pain Clinic 1", "context"),
        ("my careteam password!", "context"),
        ("C4r3t3am rocks, truly", "context"),
        ("rellek and some more words", "context"),
        # acceptable: long, unrelated words, or random
        ("correct horse battery staple", None),
        ("a much better passphrase, 2026", None),
        ("violet tractor sings at noon", None),
        ("Grüße aus Köln, ünïcödé ✓", None),
        ("k9#Tq!vR2m@Lx8", None),
        ("Anne of green meadows walks", None),  # "ann" is too short a name part to refuse
    ],
)
def test_password_strength_and_context(password, verdict):
    problem = password_problem(password, CONTEXT)
    if verdict is None:
        assert problem is None, problem
    elif verdict == "context":
        assert problem == CONTEXT_MESSAGE
    else:
        assert problem and problem.startswith("This password is too easy to guess")


def test_the_service_name_is_refused_even_without_context():
    assert password_problem("careteam-demo-2026") == CONTEXT_MESSAGE


def test_feedback_is_in_plain_words():
    problem = password_problem("password1234")
    assert "This is a very common password." in problem
    assert "A few unrelated words" in problem


def test_length_is_checked_before_strength():
    assert password_problem("short") == "Use at least 12 characters."
