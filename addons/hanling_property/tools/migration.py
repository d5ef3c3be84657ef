"""Helpers for the migration scripts of the Hanling addons (migrations/<version>/)."""

import logging

from odoo.tools import SQL
from odoo.tools.sql import table_exists

_logger = logging.getLogger(__name__)


def dedupe_numbers(cr, table):
    """Suffix every duplicate (company_id, name) but the first with /2, /3, ...; return them."""
    cr.execute(
        SQL(
            """
            WITH ranked AS (
                SELECT id, name,
                       row_number() OVER (PARTITION BY company_id, name ORDER BY id) AS rank
                  FROM %(table)s
            )
            UPDATE %(table)s t
               SET name = ranked.name || '/' || ranked.rank
              FROM ranked
             WHERE t.id = ranked.id AND ranked.rank > 1
         RETURNING t.id, t.name
            """,
            table=SQL.identifier(table),
        )
    )
    renamed = cr.fetchall()
    if renamed:
        _logger.warning("%s: duplicate numbers renamed: %s", table, renamed)
    return renamed


def add_flag_column(cr, table, column, condition):
    """Add a stored boolean computed by the ORM, set true by one UPDATE where ``condition`` holds.

    Run before the module loads (pre-migrate): the ORM then finds the column and does not
    compute it for every row. Other rows stay NULL, read as false: they are not rewritten.
    """
    if not table_exists(cr, table):
        return 0
    cr.execute(
        SQL(
            "ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s boolean",
            SQL.identifier(table),
            SQL.identifier(column),
        )
    )
    cr.execute(
        SQL(
            "UPDATE %s SET %s = true WHERE %s AND %s IS NOT TRUE",
            SQL.identifier(table),
            SQL.identifier(column),
            condition,
            SQL.identifier(column),
        )
    )
    _logger.info("%s.%s: %s rows flagged", table, column, cr.rowcount)
    return cr.rowcount


def remove_records(env, xmlids):
    """Delete records the module no longer defines (noupdate data stays after an upgrade)."""
    for xmlid in xmlids:
        record = env.ref(xmlid, raise_if_not_found=False)
        if record:
            _logger.info("removing %s", xmlid)
            record.unlink()
