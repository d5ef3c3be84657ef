"""18.0.1.4.0: the monthly review's lines no longer keep the four log columns nor the company.

The lines are the figures the review's step counts (``_log_access = False``): who counted them
and when is the review's, and so is the company (no longer stored on the line). Odoo leaves
the columns of log fields and of fields no longer stored in place, with foreign keys that
every recount would still check line by line; they are dropped here. The reviews' totals (now
stored) are computed by the upgrade itself.
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists

COLUMNS = ("create_uid", "create_date", "write_uid", "write_date", "company_id")


def migrate(cr, version):
    if not version:
        return
    table = "hanling_work_order_review_line"
    for column in COLUMNS:
        if column_exists(cr, table, column):
            cr.execute(
                SQL(
                    "ALTER TABLE %s DROP COLUMN %s",
                    SQL.identifier(table),
                    SQL.identifier(column),
                )
            )
