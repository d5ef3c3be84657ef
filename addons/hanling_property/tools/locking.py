"""Row locks for the actions that move a record on (and may create invoices or payments)."""

from psycopg2.errors import LockNotAvailable

from odoo.exceptions import UserError
from odoo.tools import SQL


def lock_for_update(records):
    """Lock the rows of ``records`` for this transaction, or refuse at once.

    Two people acting on the same record at the same moment (two technicians recording the
    acceptance, two accountants invoicing, two clerks registering the same prepayment): the
    first takes the lock and goes on; the second is told at once that someone else is working
    on it, instead of waiting and then doing the same thing a second time. A change committed
    by the other since this transaction started surfaces as a serialization failure, which the
    RPC layer retries: the retry then sees the new state and the action's own check refuses it.
    """
    ids = tuple(records._origin.ids)
    if not ids:
        return
    env = records.env
    try:
        with env.cr.savepoint(flush=False):
            env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id IN %s FOR UPDATE NOWAIT",
                    SQL.identifier(records._table),
                    ids,
                )
            )
    except LockNotAvailable:
        raise UserError(
            env._(
                "%(names)s is being changed by someone else at this moment. "
                "Reload it and try again.",
                names=", ".join(records.mapped("display_name")),
            )
        ) from None
