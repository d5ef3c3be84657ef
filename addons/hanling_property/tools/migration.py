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


def rename_selection_value(cr, model, field, old, new):
    """Store ``new`` wherever a value ``old`` of a selection field is stored; return the count.

    The column of the model's table (skipped when the table or column does not exist yet), the
    defaults set by users (ir.default) and the domains of saved filters (ir.filters) on the
    model that name the field. Tracking values need nothing: they store the label.
    """
    table = model.replace(".", "_")
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
        [table, field],
    )
    if not cr.fetchone():
        return 0
    cr.execute(
        SQL(
            "UPDATE %(table)s SET %(field)s = %(new)s WHERE %(field)s = %(old)s",
            table=SQL.identifier(table),
            field=SQL.identifier(field),
            new=new,
            old=old,
        )
    )
    count = cr.rowcount
    cr.execute(
        """
        UPDATE ir_default d
           SET json_value = %s
          FROM ir_model_fields f
         WHERE d.field_id = f.id AND f.model = %s AND f.name = %s AND d.json_value = %s
        """,
        [f'"{new}"', model, field, f'"{old}"'],
    )
    # A filter's domain is Python source: the value appears quoted, in either quote.
    cr.execute(
        """
        UPDATE ir_filters
           SET domain = replace(replace(domain, %s, %s), %s, %s)
         WHERE model_id = %s AND domain LIKE %s AND (domain LIKE %s OR domain LIKE %s)
        """,
        [
            f"'{old}'",
            f"'{new}'",
            f'"{old}"',
            f'"{new}"',
            model,
            f"%{field}%",
            f"%'{old}'%",
            f'%"{old}"%',
        ],
    )
    if count or cr.rowcount:
        _logger.info("%s.%s: %r renamed %r on %s records", model, field, old, new, count)
    return count


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
