"""Helpers for the migration scripts of the Hanling addons (migrations/<version>/)."""

import logging

from odoo.tools import SQL

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
