"""Validation of Chinese phone numbers, shared by every model that records a contact phone.

The number is read by Odoo's ``phone_validation`` (Google's ``phonenumbers`` metadata for China:
which mobile prefixes exist, which area codes, how long a subscriber number is there); this
module only chooses what is accepted and the form it is stored in, which is the one staff write
on paper: a mobile as its 11 digits, a landline as ``area code-number[-extension]``.
"""

import re

import phonenumbers

from odoo.exceptions import UserError, ValidationError

from odoo.addons.phone_validation.tools.phone_validation import phone_parse

_CN = 86
_MOBILE = phonenumbers.PhoneNumberType.MOBILE
_LANDLINE = (
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)
# The extension as staff type it after a landline: "020-12345678-123" or "020-12345678转123"
# (phonenumbers itself reads "ext. 123", "x123" and "#123").
_EXTENSION = re.compile(r"^(?P<number>.*\d)\s*(?:-|转)\s*(?P<extension>\d{1,6})$")


def _parse(value):
    """The phonenumbers reading of ``value`` in China, or None if it is no valid number."""
    try:
        number = phone_parse(value, "CN")
    except UserError:
        return None
    if not number or number.country_code != _CN:
        return None
    digits = phonenumbers.normalize_digits_only(value)
    international = value.lstrip().startswith("+") or digits.startswith("0086")
    international = international or (digits.startswith("86") and len(digits) > 11)
    if not international and not digits.startswith(("0", "1")):
        # phonenumbers would take "2012345678" for 020-12345678: a landline written in China
        # starts with the 0 of its area code.
        return None
    return number


def normalize_cn_phone(env, value, label=None):
    """Return the phone in a canonical form, or raise ValidationError.

    Accepted: a mainland mobile (with or without +86, spaces and dashes anywhere) stored as its
    11 digits; a landline with its area code (020-12345678, 02012345678, (020) 1234 5678,
    +86 20 1234 5678), with or without an extension (020-12345678-123), stored as
    ``020-12345678`` or ``020-12345678-123``. An empty value is returned as is.
    """
    if not value:
        return value
    number = _parse(value)
    extension = number.extension if number else None
    if number is None and (typed := _EXTENSION.match(value.strip())):
        number = _parse(typed["number"])
        extension = typed["extension"]
    if number is not None:
        kind = phonenumbers.number_type(number)
        national = str(number.national_number)
        if kind == _MOBILE and not extension:
            return national
        area = phonenumbers.length_of_geographical_area_code(number)
        if kind in _LANDLINE and area:
            landline = f"0{national[:area]}-{national[area:]}"
            return landline + (f"-{extension}" if extension else "")
    raise ValidationError(
        env._(
            "%(label)s “%(value)s” is not a valid phone number: use a mainland mobile "
            "number (11 digits, e.g. 13812345678) or a landline with its area code "
            "(e.g. 020-12345678).",
            label=label or env._("Phone"),
            value=value,
        )
    )
