"""Table tests for second-factor codes: ±1 step, no reuse, recovery code format."""

from __future__ import annotations

import pyotp
import pytest

from careteam.domain.totp import (
    RECOVERY_CODE_COUNT,
    CodeCheck,
    check_totp,
    new_recovery_codes,
    new_secret,
    normalise_recovery_code,
)

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_800_000_015.0  # 15 s into step 60_000_000
STEP = 60_000_000


def code_at(step: int) -> str:
    return pyotp.TOTP(SECRET).at(step * 30)


@pytest.mark.parametrize(
    "offset,last_step,expected",
    [
        (0, None, CodeCheck.ACCEPTED),
        (-1, None, CodeCheck.ACCEPTED),  # phone a little behind
        (1, None, CodeCheck.ACCEPTED),  # phone a little ahead
        (-2, None, CodeCheck.WRONG),
        (2, None, CodeCheck.WRONG),
        (0, STEP, CodeCheck.REUSED),  # the same code again
        (-1, STEP, CodeCheck.REUSED),  # an older code after a newer one
        (1, STEP, CodeCheck.ACCEPTED),
    ],
)
def test_totp_window_and_reuse(offset, last_step, expected):
    result = check_totp(SECRET, code_at(STEP + offset), NOW, last_step)
    assert result.check == expected
    if expected == CodeCheck.ACCEPTED:
        assert result.step == STEP + offset


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_malformed_codes(code):
    assert check_totp(SECRET, code, NOW, None).check == CodeCheck.MALFORMED


def test_spaces_inside_a_code_are_ignored():
    code = code_at(STEP)
    assert check_totp(SECRET, f"{code[:3]} {code[3:]}", NOW, None).check == CodeCheck.ACCEPTED


def test_a_wrong_code_is_wrong():
    wrong = f"{(int(code_at(STEP)) + 1) % 1_000_000:06d}"
    assert check_totp(SECRET, wrong, NOW, None).check == CodeCheck.WRONG


def test_secrets_are_160_bit_base32_and_differ():
    a, b = new_secret(), new_secret()
    assert a != b and len(a) == 32


def test_recovery_codes_are_distinct_and_normalised_as_typed():
    codes = new_recovery_codes()
    assert len(set(codes)) == RECOVERY_CODE_COUNT
    assert all(len(c) == 11 and c[5] == "-" for c in codes)
    code = codes[0]
    for typed in (code, code.upper(), code.replace("-", ""), f" {code[:5]} {code[6:]} "):
        assert normalise_recovery_code(typed) == code
