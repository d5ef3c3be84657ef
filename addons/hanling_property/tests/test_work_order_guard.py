"""The workflow guard on work orders, their materials, callbacks, the duty log and the review.

What a client may not send (a state, a transition time, an approver, a money link, a number),
what freezes once the document moved on, and the roles that still move each one on through
its buttons.
"""

from datetime import date

from lxml import etree

from odoo import fields
from odoo.tests import tagged

from ..tools.workflow import EditLockError, WorkflowGuardError, workflow_grant
from .work_order_common import SIGNATURE, WorkOrderCase

# Context keys a client might try: none of them opens the guard.
FORGED_CONTEXT = {
    "hanling_transition": True,
    "hanling_archive_transition": True,
    "hanling_workflow": True,
    "tracking_disable": True,
    "install_mode": True,
}


@tagged("post_install", "-at_install")
class TestWorkOrderGuard(WorkOrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.move = cls.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": cls.owner.id}
        )

    def _closed_order(self):
        # A free job: nothing invoiced, so only the lock keeps its fee.
        order = self._accept(
            self._finish(self._assign(self._order(service_id=self.free_service.id)))
        )
        self._callback_done(order)
        order.with_user(self.engsup).action_close()
        return order

    # ------------------------------------------------------------------ work orders

    def test_create_refuses_forged_workflow_fields(self):
        Order = self.env["hanling.work.order"]
        now = fields.Datetime.now()
        before = Order.search_count([])
        for name, value in [
            ("state", "closed"),
            ("date_accepted", now),
            ("date_closed", now),
            ("date_fee_fixed", now),
            ("fee_fixed_by_id", self.cssup.id),
            ("invoice_id", self.move.id),
            ("resident_signed_on", now),
            ("name", "WX2026-99999"),
            ("invoice_status", "invoiced"),
            ("on_time_rate", 100.0),
        ]:
            for user in (self.duty, self.users["t_staff"], self.users["t_manager"]):
                with (
                    self.subTest(field=name, user=user.login),
                    self.assertRaisesRegex(WorkflowGuardError, "change through the document"),
                ):
                    Order.with_user(user).with_context(**FORGED_CONTEXT).create(
                        {"unit_id": self.unit.id, "description": "漏水", name: value}
                    )
        self.assertEqual(Order.search_count([]), before)
        # The defaults a form sends are no forgery.
        order = Order.with_user(self.duty).create(
            {"unit_id": self.unit.id, "description": "漏水", "state": "draft", "name": "/"}
        )
        self.assertTrue(order.name.startswith("WX"))

    def test_write_refuses_forged_workflow_fields(self):
        order = self._finish(self._assign(self._order()))
        for name, value in [
            ("state", "accepted"),
            ("date_accepted", fields.Datetime.now()),
            ("fee_fixed_by_id", self.cssup.id),
            ("invoice_id", self.move.id),
            ("resident_signed_on", fields.Datetime.now()),
            ("name", "WX2026-00001"),
        ]:
            for user in (self.tech, self.engsup, self.cssup, self.users["t_manager"]):
                with (
                    self.subTest(field=name, user=user.login),
                    self.assertRaisesRegex(WorkflowGuardError, "change through the document"),
                ):
                    order.with_user(user).with_context(**FORGED_CONTEXT).sudo().write({name: value})
        order.invalidate_recordset()
        self.assertEqual(order.state, "done")
        self.assertFalse(order.invoice_id or order.fee_fixed_by_id or order.date_accepted)

    def test_edit_lock(self):
        order = self._finish(self._assign(self._order()))
        for vals in (
            {"description": "改了"},
            {"unit_id": self.unit2.id},
            {"service_id": self.free_service.id},
            {"technician_id": self.tech2.id},
            {"inspection_note": "改写的检查记录"},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(EditLockError, "is Repaired: .* can no longer be changed"),
            ):
                order.with_user(self.engsup).write(vals)
        self.assertEqual(order.description, "厨房水龙头漏水")
        # Nothing is signed before the job is done, nor after the acceptance.
        draft = self._order()
        with self.assertRaisesRegex(EditLockError, "Resident Signature"):
            draft.write({"resident_signature": SIGNATURE})
        self._accept(order)
        with self.assertRaisesRegex(EditLockError, "Signed By"):
            order.with_user(self.tech).write({"resident_signed_by": "别人"})
        # A shut file keeps its fee: labour and the materials, also through their own model.
        closed = self._closed_order()
        with self.assertRaisesRegex(EditLockError, "Labour"):
            closed.with_user(self.cssup).labour_price = 1
        with self.assertRaisesRegex(EditLockError, "is Closed: Materials"):
            self.env["hanling.work.order.material"].with_user(self.cssup).create(
                {"order_id": closed.id, "name": "阀芯", "price_unit": 5}
            )

    def test_fee_to_fix_cleared_by_the_button_only(self):
        order = self._finish(self._assign(self._order(service_id=self.quoted_service.id)))
        self.assertTrue(order.fee_uncertain)
        for user in (self.tech, self.engsup):
            with self.assertRaisesRegex(WorkflowGuardError, "“Fix the Fee”"):
                order.with_user(user).fee_uncertain = False
        self.assertTrue(order.fee_uncertain)
        self._accept(order)
        self.assertFalse(order.invoice_id)
        with self.assertRaisesRegex(EditLockError, "Fee to Be Fixed"):
            order.with_user(self.engsup).fee_uncertain = False
        # The supervisors' button settles it and invoices.
        order.with_user(self.cssup).labour_price = 60
        order.with_user(self.cssup).action_set_fee()
        order.with_user(self.engsup).action_set_fee()
        self.assertFalse(order.fee_uncertain)
        self.assertEqual(order.fee_fixed_by_id, self.engsup)
        self.assertEqual(order.sudo().invoice_id.amount_total, 60.0)

    def test_each_role_moves_the_order_through_its_buttons(self):
        staff = self.users["t_staff"]
        order = self._order(user=staff)
        order.with_user(self.duty).write({"technician_id": self.tech.id})
        order.with_user(self.duty).action_assign()
        self.assertEqual(order.state, "assigned")
        tech_order = order.with_user(self.tech)
        tech_order.action_arrive_scan(tech_order.unit_id._hanling_portal_url())
        tech_order.inspection_note = "阀芯老化"
        tech_order.action_finish()
        self._accept(order)
        self.assertEqual(order.state, "accepted")
        self.assertTrue(order.date_accepted and order.resident_signed_on and order.invoice_id)
        self._callback_done(order)
        order.with_user(self.duty).action_close()
        self.assertEqual(order.state, "closed")
        cancelled = self._order(user=self.duty, cancel_reason="业户取消")
        cancelled.with_user(self.duty).action_cancel()
        self.assertEqual(cancelled.state, "cancel")

    def test_form_follows_the_lock(self):
        arch = etree.fromstring(
            self.env["hanling.work.order"]
            .with_user(self.engsup)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )

        def readonly(name):
            return arch.xpath(f"//field[@name='{name}'][not(ancestor::field)]")[0].get("readonly")

        self.assertEqual(readonly("state"), "1")
        self.assertEqual(readonly("date_accepted"), "1")
        self.assertIn("'done'", readonly("description"))
        self.assertNotIn("'draft'", readonly("description"))
        self.assertIn("invoice_id", readonly("labour_price"))
        self.assertIn("'closed'", readonly("labour_price"))

    # ------------------------------------------------------------------ callbacks

    def test_callback_refuses_forged_state_and_link(self):
        order = self._accept(self._finish(self._assign(self._order())))
        other = self._accept(self._finish(self._assign(self._order())))
        callback = order.sudo().callback_ids
        Callback = self.env["hanling.callback"]
        for user in (self.users["t_staff"], self.engsup):
            with self.subTest(user=user.login):
                # Planned by the procedure only: a callback made up for an order is refused.
                with self.assertRaisesRegex(WorkflowGuardError, "Document ID"):
                    Callback.with_user(user).with_context(**FORGED_CONTEXT).create(
                        {
                            "res_model": "hanling.work.order",
                            "res_id": other.id,
                            "date_due": fields.Datetime.now(),
                            "satisfaction": "5",
                        }
                    )
                for vals in (
                    {"state": "cancel"},
                    {"state": "done"},
                    {"date_done": fields.Datetime.now()},
                    {"res_id": other.id},
                ):
                    with self.assertRaisesRegex(WorkflowGuardError, "change through the document"):
                        callback.with_user(user).with_context(**FORGED_CONTEXT).write(vals)
        callback.invalidate_recordset()
        self.assertEqual((callback.state, callback.res_id), ("planned", order.id))
        self.assertEqual(order.callback_state, "planned")
        # Cancelled and done through the buttons only; what the resident said is then kept.
        callback.with_user(self.engsup).action_cancel()
        self.assertEqual(callback.state, "cancel")
        with self.assertRaisesRegex(EditLockError, "is Cancelled: Satisfaction"):
            callback.with_user(self.engsup).satisfaction = "5"
        done = self._callback_done(other)
        self.assertEqual(done.state, "done")
        with self.assertRaisesRegex(EditLockError, "is Done: .*Resident's Comment"):
            done.with_user(self.engsup).write(
                {"comment": "改写", "date_due": fields.Datetime.now()}
            )

    # ------------------------------------------------------------------ duty log

    def test_duty_log_refuses_forged_state_and_document(self):
        DutyLog = self.env["hanling.duty.log"].with_user(self.duty).with_context(**FORGED_CONTEXT)
        order = self._order()
        for vals in (
            {"state": "closed"},
            {"state": "converted", "res_model": "hanling.work.order", "res_id": order.id},
            {"name": "DL000000-001"},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(WorkflowGuardError, "of Duty Log Entry change"),
            ):
                DutyLog.create({"unit_id": self.unit.id, "request": "咨询", **vals})
        entry = DutyLog.create({"unit_id": self.unit.id, "request": "卫生间漏水"})
        for vals in ({"state": "closed"}, {"res_model": "hanling.work.order", "res_id": order.id}):
            with self.assertRaisesRegex(WorkflowGuardError, "of Duty Log Entry change"):
                entry.sudo().write(vals)
        self.assertEqual(entry.state, "open")
        self.assertFalse(entry.res_id)
        # The duty officer converts it; the entry then keeps what was written down.
        action = entry.action_create_work_order()
        self.assertEqual((entry.state, entry.res_id), ("converted", action["res_id"]))
        with self.assertRaisesRegex(EditLockError, "is Document Created: What Is Wanted"):
            entry.request = "改成别的"
        with self.assertRaisesRegex(EditLockError, "Unit"):
            entry.unit_id = self.unit2

    # ------------------------------------------------------------------ monthly review

    def test_review_refuses_forged_state_and_figures(self):
        self._closed_order()
        Review = self.env["hanling.work.order.review"].with_user(self.cssup)
        with self.assertRaisesRegex(WorkflowGuardError, "of Monthly Service Review change"):
            Review.create({"community_id": self.community.id, "state": "done"})
        review = Review.create(
            {"community_id": self.community.id, "date_from": date.today().replace(day=1)}
        )
        for vals in ({"state": "done"}, {"date_concluded": fields.Datetime.now()}):
            with self.assertRaisesRegex(WorkflowGuardError, "of Monthly Service Review change"):
                review.with_context(**FORGED_CONTEXT).write(vals)
        review.action_compute()
        line = review.line_ids
        self.assertEqual(line.order_count, 1)
        # The figures are counted, never typed in: on the line, nor by adding a line.
        counted = "of Monthly Service Review Line change through the document's buttons only"
        with self.assertRaisesRegex(WorkflowGuardError, "Orders, Revenue " + counted):
            line.write({"order_count": 40, "revenue": 9000.0})
        with self.assertRaisesRegex(WorkflowGuardError, "Review, Service " + counted):
            review.write(
                {"line_ids": [fields.Command.create({"service_id": self.free_service.id})]}
            )
        self.assertEqual((line.order_count, len(review.line_ids)), (1, 1))
        # The supervisor's decision and remarks are theirs (a change of the catalogue goes
        # through an applied decision of the review: test_work_order_review_decision).
        line.write({"decision": "keep", "note": "保留"})
        review.conclusion = "<p>保留</p>"
        review.action_conclude()
        self.assertEqual(review.state, "done")
        with self.assertRaisesRegex(EditLockError, "is Concluded: Conclusions"):
            review.conclusion = "<p>改写</p>"
        with self.assertRaisesRegex(EditLockError, "is Concluded: Services"):
            line.decision = "drop"
        with self.assertRaisesRegex(EditLockError, "is Concluded: Services"):
            line.unlink()
        review.action_reopen()
        line.decision = "drop"
        self.assertEqual(review.state, "draft")

    def test_set_up_in_a_later_state_needs_the_grant(self):
        """Test data in a later state is built inside workflow_grant, and only there."""
        order = self._order()
        with workflow_grant("hanling.work.order"):
            order.write({"state": "closed"})
        self.assertEqual(order.state, "closed")
        with self.assertRaisesRegex(WorkflowGuardError, "State of Work Order"):
            order.write({"state": "draft"})
