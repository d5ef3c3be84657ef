"""Two people on the same record at once: the second is told at once, nothing is done twice.

The actions of work orders, errands, complaints and nonconformity reports lock their rows before
checking the state (hanling_property/tools/locking.py). Here a second database connection holds
the lock of a committed record, as another user's request in progress would, and the action
tried meanwhile is refused with a clear message and leaves nothing behind.

The full race, two threads committing at once on a dedicated database, is in tests/faults.
"""

from contextlib import contextmanager

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

BUSY = "is being changed by someone else"


@tagged("post_install", "-at_install")
class TestRowLocks(TransactionCase):
    def setUp(self):
        super().setUp()
        # The messages are checked in English, whatever the database's language.
        self.env = self.env(context=dict(self.env.context, lang="en_US"))

    @contextmanager
    def _held_by_another_request(self, record):
        """Lock the committed row of ``record`` from a second connection."""
        # Without the action's own lock, its UPDATE would wait for the other connection: fail
        # after two seconds instead of hanging the test run.
        self.env.cr.execute("SET LOCAL lock_timeout = '2s'")
        with self.registry.cursor() as other:
            other.execute(
                SQL(
                    "SELECT id FROM %s WHERE id = %s FOR UPDATE",
                    SQL.identifier(record._table),
                    record.id,
                )
            )
            try:
                yield
            finally:
                other.rollback()

    def _committed(self, model, domain=()):
        """A record that exists outside this test's transaction (demo data)."""
        record = self.env[model].search(list(domain), limit=1, order="id")
        self.assertTrue(record, f"the test database has a committed {model} (demo data)")
        with self.registry.cursor() as other:
            other.execute(
                SQL("SELECT 1 FROM %s WHERE id = %s", SQL.identifier(record._table), record.id)
            )
            self.assertTrue(other.fetchone())
        return record

    def _assert_refused_while_busy(self, record, call):
        moves = self.env["account.move"].search_count([])
        payments = self.env["account.payment"].search_count([])
        before = record.read(["state", "write_date"])[0]
        with self._held_by_another_request(record):
            with self.assertRaisesRegex(UserError, BUSY):
                call()
        record.invalidate_recordset()
        self.assertEqual(record.read(["state", "write_date"])[0], before)
        self.assertEqual(self.env["account.move"].search_count([]), moves)
        self.assertEqual(self.env["account.payment"].search_count([]), payments)

    def test_work_order_actions_wait_for_nobody(self):
        order = self._committed("hanling.work.order", [("state", "=", "in_progress")])
        order.inspection_note = "阀芯老化"
        self._assert_refused_while_busy(order, order.action_finish)
        # Once the other request is over, the same action goes through.
        order.action_finish()
        self.assertEqual(order.state, "done")

    def test_invoice_not_created_while_another_invoices(self):
        order = self._committed("hanling.work.order", [("state", "=", "in_progress")])
        self._assert_refused_while_busy(order, order.action_create_invoice)

    def test_prepayment_not_registered_twice(self):
        errand = self._committed("hanling.errand", [("state", "=", "confirmed")])
        staff = self.env.ref("hanling_property.user_staff_demo", raise_if_not_found=False)
        errand = errand.with_user(staff) if staff else errand
        journal = self.env["account.journal"].search(
            [("company_id", "=", errand.company_id.id), ("type", "=", "cash")], limit=1
        )
        self._assert_refused_while_busy(
            errand,
            lambda: errand._action_register_prepayment(
                errand.estimated_amount or 100.0, journal, fields.Date.today()
            ),
        )

    def test_complaint_actions_locked(self):
        complaint = self._committed("hanling.complaint", [("state", "=", "received")])
        self._assert_refused_while_busy(complaint, complaint.action_assess)

    def test_lock_is_taken_by_the_state_check_of_every_workflow(self):
        """The check every action goes through locks: a new workflow model inherits it."""
        for model in ("hanling.work.order", "hanling.errand", "hanling.complaint"):
            record = self._committed(model)
            with self.subTest(model=model), self._held_by_another_request(record):
                with self.assertRaisesRegex(UserError, BUSY):
                    record._check_state([record.state], "x")
