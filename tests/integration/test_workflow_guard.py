"""A workflow state is changed by the actions only, never written straight through the API."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.hanling_errands.tests.common import ErrandCase


@tagged("post_install", "-at_install")
class TestWorkflowGuard(ErrandCase):
    def test_state_not_written_directly(self):
        service = self.env["hanling.service"].create(
            {"name": "测试 换锁", "fee_type": "paid", "list_price": 30.0}
        )
        order = (
            self.env["hanling.work.order"]
            .with_user(self.duty)
            .create({"unit_id": self.unit.id, "description": "漏水", "service_id": service.id})
        )
        errand = self._errand()
        for record, user, state in [
            (order, self.duty, "closed"),
            (order, self.users["t_manager"], "accepted"),
            (errand, self.staff, "done"),
            (errand, self.manager, "settled"),
        ]:
            with self.subTest(model=record._name, user=user.login):
                with self.assertRaises(UserError):
                    record.with_user(user).write({"state": state})
                record.invalidate_recordset()
                self.assertEqual(record.state, "draft")
        with self.assertRaises(UserError):
            self.env["hanling.work.order"].with_user(self.duty).create(
                {"unit_id": self.unit.id, "description": "x", "state": "closed"}
            )
        with self.assertRaises(UserError):
            self._errand(state="done")
        # Through the actions, the same users move them on.
        self._sign_commission(errand)
        errand.with_user(self.staff).action_confirm()
        self.assertEqual(errand.state, "confirmed")
        order.with_user(self.users["t_engsup"]).write({"technician_id": self.users["t_tech"].id})
        order.with_user(self.users["t_engsup"]).action_assign()
        self.assertEqual(order.state, "assigned")

    def test_every_procedure_guards_its_state(self):
        # The guard lives in hanling.workflow.mixin: complaints, nonconformity reports and the
        # duty log are covered as well as work orders and errands.
        self.env["hanling.occupancy"].search([("unit_id", "=", self.unit.id)]) or self.env[
            "hanling.occupancy"
        ].create({"unit_id": self.unit.id, "partner_id": self.owner.id})
        complaint = (
            self.env["hanling.complaint"]
            .with_user(self.staff)
            .create({"unit_id": self.unit.id, "content": "楼道灯坏了"})
        )
        entry = (
            self.env["hanling.duty.log"]
            .with_user(self.duty)
            .create({"unit_id": self.unit.id, "request": "咨询"})
        )
        for record, user, state in [
            (complaint, self.staff, "closed"),
            (complaint, self.manager, "resolved"),
            (entry, self.duty, "closed"),
        ]:
            with self.subTest(model=record._name, user=user.login):
                before = record.state
                with self.assertRaises(UserError):
                    record.with_user(user).write({"state": state})
                record.invalidate_recordset()
                self.assertEqual(record.state, before)
        entry.with_user(self.duty).write({"outcome": "已答复"})
        entry.with_user(self.duty).action_close()
        self.assertEqual(entry.state, "closed")

    def test_decoration_permit_state_moves_through_its_actions(self):
        permit = self.env["hanling.decoration.permit"].search([], limit=1)
        self.assertTrue(permit, "the demo data has a decoration permit")
        before = permit.state
        with self.assertRaises(UserError):
            permit.with_user(self.manager).write({"state": "closed"})
        permit.invalidate_recordset()
        self.assertEqual(permit.state, before)

    def test_move_in_and_transfer_states_move_through_their_actions(self):
        for model in ("hanling.move.in", "hanling.ownership.transfer"):
            record = self.env[model].search([], limit=1)
            self.assertTrue(record, f"the demo data has a {model}")
            before = record.state
            with self.subTest(model=model), self.assertRaises(UserError):
                record.with_user(self.manager).write({"state": "cancel"})
            record.invalidate_recordset()
            self.assertEqual(record.state, before)
