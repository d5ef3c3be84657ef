"""18.0.1.2.0: the overdue flags become stored columns (hanling.deadline.mixin).

Added here, before the module loads, with one UPDATE per flag setting it where the deadline is
past: the ORM then finds the columns and does not compute them row by row over whole tables, and
rows that are not overdue are not rewritten (NULL reads as false). Dates are compared with the
UTC day; the first run of the deadline check corrects the few flags of a day boundary.
"""

from odoo.tools import SQL

from odoo.addons.hanling_property.tools.migration import add_flag_column

NOW = SQL("(now() AT TIME ZONE 'UTC')")
TODAY = SQL("(now() AT TIME ZONE 'UTC')::date")


def migrate(cr, version):
    if not version:
        return
    add_flag_column(
        cr,
        "hanling_work_order",
        "is_arrival_overdue",
        SQL(
            "state IN ('draft', 'assigned') AND date_arrived IS NULL"
            " AND date_arrival_deadline < %s",
            NOW,
        ),
    )
    for table in ("hanling_work_order", "hanling_complaint"):
        add_flag_column(
            cr,
            table,
            "is_callback_overdue",
            SQL("callback_state = 'planned' AND callback_date_due < %s", NOW),
        )
    add_flag_column(
        cr,
        "hanling_callback",
        "is_overdue",
        SQL("state = 'planned' AND date_done IS NULL AND date_due < %s", NOW),
    )
    add_flag_column(
        cr,
        "hanling_complaint",
        "is_overdue",
        SQL(
            "state IN ('received', 'assessing', 'handling') AND date_resolved IS NULL"
            " AND date_deadline < %s",
            NOW,
        ),
    )
    add_flag_column(
        cr,
        "hanling_nonconformity",
        "is_overdue",
        SQL("state = 'approved' AND date_done IS NULL AND date_deadline < %s", TODAY),
    )
    add_flag_column(
        cr,
        "hanling_decoration_permit",
        "is_completion_overdue",
        SQL(
            "state IN ('approved', 'in_progress') AND date_completion_requested IS NULL"
            " AND date_end_effective < %s",
            TODAY,
        ),
    )
