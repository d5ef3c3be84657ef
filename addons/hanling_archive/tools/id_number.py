"""Validation of the 18-digit mainland resident identity card number (GB 11643-1999)."""

import re
from datetime import date

_ID_RE = re.compile(r"^\d{17}[\dX]$")
# ISO 7064 MOD 11-2: weight of position i (from the left, 0-based) is 2**(17 - i) mod 11.
_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_CHECK_CHARS = "10X98765432"


def check_cn_id_number(value):
    """Return (normalised number, birth date, gender) or raise ValueError with a reason code.

    Reason codes: ``format``, ``birth_date``, ``check_digit``.
    """
    number = (value or "").strip().upper()
    if not _ID_RE.match(number):
        raise ValueError("format")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as error:
        raise ValueError("birth_date") from error
    if birth.year < 1900 or birth > date.today():
        raise ValueError("birth_date")
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _WEIGHTS, strict=True))
    if _CHECK_CHARS[total % 11] != number[17]:
        raise ValueError("check_digit")
    # The 17th digit (sequence code) is odd for men and even for women.
    gender = "male" if int(number[16]) % 2 else "female"
    return number, birth, gender
