"""18.0.1.2.0: the overdue flag of loans becomes a stored column (hanling.deadline.mixin).

One UPDATE sets it where a loan is past its due date, before the module loads, so the ORM does
not compute it row by row (see hanling_property's pre-deadline.py).
"""

from odoo.tools import SQL

from odoo.addons.hanling_property.tools.migration import add_flag_column


def migrate(cr, version):
    if not version:
        return
    add_flag_column(
        cr,
        "hanling_archive_borrow",
        "is_overdue",
        SQL(
            "state = 'lent' AND date_returned IS NULL AND date_due < %s",
            SQL("(now() AT TIME ZONE 'UTC')::date"),
        ),
    )
