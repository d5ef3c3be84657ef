"""The 18-digit mainland resident identity card number (GB 11643-1999), through python-stdnum."""

from datetime import date

from stdnum.cn import ric
from stdnum.exceptions import ValidationError as NumberError
from stdnum.util import isdigits


def check_cn_id_number(value):
    """Return (normalised number, birth date, gender) or raise ValueError with a reason code.

    Reason codes: ``format``, ``birth_date``, ``check_digit``. The number is normalised by
    ``stdnum.cn.ric.compact`` (surrounding spaces dropped, ``x`` upper-cased); its check digit
    and birth date are read by ``stdnum.cn.ric``. The birth date is checked before the check
    digit, so a mistyped date says so. ``ric.validate`` is not called as a whole: it also
    refuses region codes missing from stdnum's table, which lacks abolished counties whose
    codes real cards still carry (e.g. 440181, the former 番禺市).
    """
    number = ric.compact(value or "")
    if len(number) != 18 or not isdigits(number[:17]) or number[17] not in "0123456789X":
        raise ValueError("format")
    try:
        birth = ric.get_birth_date(number)
    except NumberError as error:
        raise ValueError("birth_date") from error
    if birth.year < 1900 or birth > date.today():
        raise ValueError("birth_date")
    if ric.calc_check_digit(number) != number[17]:
        raise ValueError("check_digit")
    # The 17th digit (sequence code) is odd for men and even for women.
    gender = "male" if int(number[16]) % 2 else "female"
    return number, birth, gender
