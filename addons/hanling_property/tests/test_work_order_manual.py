from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..tools.workflow import EditLockError, WorkflowGuardError
from .work_order_common import WorkOrderCase


@tagged("post_install", "-at_install")
class TestWorkOrderManual(WorkOrderCase):
    """Work orders as the manual writes them (篇2): dispatch, 会同 and rework."""

    # ------------------------------------------------------------------ 篇2 一 一)

    def test_dispatch_needs_address_and_phone(self):
        """篇2 一 一): 值班员……应在《值班记录表》记录清楚维修地址、联系电话 — no order is
        dispatched without the unit (or a written address) and a contact phone."""
        # No unit, no address, no phone: both are named.
        order = self._order(unit_id=False)
        order.technician_id = self.tech
        with self.assertRaisesRegex(
            UserError, r"without the unit \(or the repair address\) and the contact phone"
        ):
            self._assign(order)
        self.assertEqual(order.state, "draft")
        # A unit nobody lives in: the unit is there, the phone is not.
        empty_unit = self._order(unit_id=self.unit2.id)
        self.assertFalse(empty_unit.contact_phone)
        with self.assertRaisesRegex(UserError, r"cannot be dispatched without the contact phone\."):
            self._assign(empty_unit)
        self.assertEqual(empty_unit.state, "draft")
        # A phone but neither the unit nor an address: the address is named.
        order.contact_phone = "13900001111"
        with self.assertRaisesRegex(UserError, r"without the unit \(or the repair address\)\.$"):
            self._assign(order)
        # A written address (a request without a unit) with the phone is dispatched.
        order.address = "3栋地下车库B2入口"
        self._assign(order)
        self.assertEqual(order.state, "assigned")
        # ... and the address is frozen with the rest of the intake.
        with self.assertRaisesRegex(EditLockError, "Repair Address"):
            order.with_user(self.engsup).address = "别处"
        # The unit's resident's phone is taken down with the unit.
        with_unit = self._assign(self._order())
        self.assertEqual(with_unit.state, "assigned")

    # ------------------------------------------------------------------ 篇2 二 五) 3

    def _uncertain_order(self):
        order = self._finish(self._assign(self._order(service_id=self.quoted_service.id)))
        self.assertTrue(order.fee_uncertain)
        return order

    def test_fee_fixed_by_both_supervisors_together(self):
        """篇2 二 五) 3: 对不能确定收费项目的,将维修单带回交工程主管会同客户主管确定具体收费 —
        two different people, one of each role, confirm the same amount before the invoice."""
        order = self._uncertain_order()
        self._accept(order)
        eng = order.with_user(self.engsup)
        eng.labour_price = 80
        eng.action_set_fee()
        # The first confirmation is recorded, the fee is not fixed and nothing is invoiced.
        self.assertEqual(order.fee_confirmed_by_id, self.engsup)
        self.assertTrue(order.date_fee_confirmed)
        self.assertEqual(order.fee_confirmed_amount, 80.0)
        self.assertTrue(order.fee_uncertain)
        self.assertEqual(order.invoice_status, "to_fix")
        self.assertFalse(order.sudo().invoice_id)
        # The same person twice is refused.
        with self.assertRaisesRegex(AccessError, "You already proposed this fee"):
            eng.action_set_fee()
        # Another engineering supervisor is the same role: refused.
        engsup2 = new_test_user(
            self.env, login="t_engsup_b", groups="hanling_property.group_eng_supervisor"
        )
        with self.assertRaisesRegex(AccessError, "hold the same role"):
            order.with_user(engsup2).action_set_fee()
        self.assertTrue(order.fee_uncertain)
        # The first confirmation is workflow-owned: nobody writes it by hand.
        with self.assertRaisesRegex(WorkflowGuardError, "Fee Proposed By"):
            order.with_user(self.cssup).fee_confirmed_by_id = self.cssup
        # The customer-service supervisor confirms: the fee is fixed and invoiced.
        order.with_user(self.cssup).action_set_fee()
        self.assertFalse(order.fee_uncertain)
        self.assertEqual(order.fee_fixed_by_id, self.cssup)
        self.assertEqual(order.fee_confirmed_by_id, self.engsup)
        self.assertEqual(order.sudo().invoice_id.amount_total, 80.0)
        fee_type = self.env.ref("hanling_property.mail_activity_type_work_order_fee")
        self.assertFalse(order.activity_ids.filtered(lambda a: a.activity_type_id == fee_type))

    def test_fee_change_after_first_confirmation_resets_it(self):
        """篇2 二 五) 3: 工程主管会同客户主管确定具体收费 — both confirm the *same* amount; a change
        after the first confirmation starts it over."""
        order = self._uncertain_order()
        order.with_user(self.cssup).labour_price = 50
        order.with_user(self.cssup).action_set_fee()
        self.assertEqual(order.fee_confirmed_by_id, self.cssup)
        # The engineering supervisor changes the amount instead of confirming it: reset.
        order.with_user(self.engsup).labour_price = 70
        self.assertFalse(order.fee_confirmed_by_id)
        self.assertFalse(order.date_fee_confirmed)
        self.assertEqual(order.fee_confirmed_amount, 0.0)
        order.with_user(self.engsup).action_set_fee()
        self.assertEqual(order.fee_confirmed_by_id, self.engsup)
        self.assertEqual(order.fee_confirmed_amount, 70.0)
        # Materials charged through their own model change the amount too: the other
        # supervisor's click is then a new first confirmation, not the second one.
        self.env["hanling.work.order.material"].with_user(self.cssup).create(
            {"order_id": order.id, "name": "疏通剂", "price_unit": 5, "bought_for_resident": True}
        )
        order.invalidate_recordset()
        self.assertEqual(order.amount_estimated, 75.0)
        order.with_user(self.cssup).action_set_fee()
        self.assertTrue(order.fee_uncertain)
        self.assertEqual(order.fee_confirmed_by_id, self.cssup)
        self.assertEqual(order.fee_confirmed_amount, 75.0)
        order.with_user(self.engsup).action_set_fee()
        self.assertFalse(order.fee_uncertain)
        self._accept(order)
        self.assertEqual(order.sudo().invoice_id.amount_total, 75.0)

    # ------------------------------------------------------------------ 篇2 二 五) 1

    def test_rework_until_the_resident_is_satisfied(self):
        """篇2 二 五) 1: 维修人员应主动请业户试用验收,直到业户满意为止 — not satisfied, the job
        goes back to repair with the reason, until accepted; reworks are counted."""
        order = self._finish(self._assign(self._order()))
        tech_order = order.with_user(self.tech)
        tech_order.write({"resident_opinion": "还在滴水", "resident_signed_by": "王伟"})
        with self.assertRaisesRegex(UserError, "why the resident is not satisfied"):
            tech_order.action_rework()
        self.assertEqual(order.state, "done")
        # The count is the workflow's.
        with self.assertRaisesRegex(WorkflowGuardError, "Reworks"):
            tech_order.rework_count = 5
        for round_, reason in enumerate(("还在滴水", "把手松动"), start=1):
            tech_order.rework_reason = reason
            tech_order.action_rework()
            self.assertEqual(order.state, "in_progress")
            self.assertEqual(order.rework_count, round_)
            self.assertFalse(order.rework_reason)
            # The next acceptance is given afresh.
            self.assertFalse(order.resident_opinion)
            self.assertFalse(order.resident_signed_by)
            self.assertTrue(order.message_ids.filtered(lambda m, r=reason: r in (m.body or "")))
            with self.assertRaisesRegex(EditLockError, "Why Not Satisfied"):
                tech_order.rework_reason = "x"
            tech_order.action_finish()
            self.assertEqual(order.state, "done")
        self._accept(order)
        self.assertEqual(order.state, "accepted")
        self.assertEqual(order.rework_count, 2)
        with self.assertRaisesRegex(UserError, "Sending the repair back"):
            tech_order.action_rework()
        # The technician's statistics: the stored count grouped by technician.
        self._finish(self._assign(self._order(), technician=self.tech2))
        stats = dict(
            self.env["hanling.work.order"]._read_group(
                [("technician_id", "in", (self.tech | self.tech2).ids)],
                ["technician_id"],
                ["rework_count:sum"],
            )
        )
        self.assertEqual(stats[self.tech], 2)
        self.assertEqual(stats[self.tech2], 0)
        # The monthly review counts them per service.
        today = fields.Date.today()  # the review counts by UTC month, as date_received
        review = (
            self.env["hanling.work.order.review"]
            .with_user(self.cssup)
            .create({"community_id": self.community.id, "date_from": today.replace(day=1)})
        )
        review.action_compute()
        line = review.line_ids.filtered(lambda li: li.service_id == self.paid_service)
        self.assertEqual(line.order_count, 2)
        self.assertEqual(line.rework_count, 2)
