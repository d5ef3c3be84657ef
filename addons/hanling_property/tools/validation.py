"""Validation of Chinese phone numbers, shared by every model that records a contact phone."""

import re

from odoo.exceptions import ValidationError

# Mainland mobile: 11 digits starting 13-19, optionally after +86 / 86.
_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
# Landline: area code 0xx / 0xxx, 7-8 digit number, optional extension.
_LANDLINE = re.compile(r"^(0\d{2,3})-?(\d{7,8})(?:-(\d{1,6}))?$")


def normalize_cn_phone(env, value, label=None):
    """Return the phone in a canonical form, or raise ValidationError.

    Spaces and dashes inside a mobile number are tolerated; a landline keeps the dash after its
    area code. An empty value is returned as is.
    """
    if not value:
        return value
    compact = re.sub(r"[\s()]", "", value)
    mobile = _MOBILE.match(compact.replace("-", ""))
    if mobile:
        return mobile.group(1)
    landline = _LANDLINE.match(compact)
    if landline:
        area, number, ext = landline.groups()
        return f"{area}-{number}" + (f"-{ext}" if ext else "")
    raise ValidationError(
        env._(
            "%(label)s “%(value)s” is not a valid phone number: use a mainland mobile "
            "number (11 digits, e.g. 13812345678) or a landline with its area code "
            "(e.g. 020-12345678).",
            label=label or env._("Phone"),
            value=value,
        )
    )
