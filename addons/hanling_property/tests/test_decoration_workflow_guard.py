"""Decoration permits, hot work, extensions, violations and passes: no client forges a step."""

from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import tagged

from ..tools.workflow import EditLockError, WorkflowGuardError
from .decoration_common import DecorationCase
from .guard_common import GUARD, LOCKED, GuardAssertions


@tagged("post_install", "-at_install")
class TestDecorationWorkflowGuard(GuardAssertions, DecorationCase):
    def _hot_work_vals(self, permit, **values):
        start = datetime.now().replace(microsecond=0)
        return {
            "permit_id": permit.id,
            "location": "阳台",
            "operator": "王焊工",
            "date_from": start,
            "date_to": start + timedelta(hours=2),
            "extinguisher_ready": True,
            **values,
        }

    # ------------------------------------------------------------------ hot work (the issue)

    def test_staff_cannot_approve_hot_work_by_writing_it(self):
        staff, engsup = self.users["t_staff"], self.users["t_engsup"]
        permit = self.approved_permit()
        HotWork = self.env["hanling.decoration.hot.work"].with_user(staff)
        for name, value in {
            "state": "approved",
            "approver_id": staff.id,
            "date_decision": datetime.now(),
        }.items():
            with self.subTest(field=name), self.assertRaisesRegex(WorkflowGuardError, GUARD):
                HotWork.create(self._hot_work_vals(permit, **{name: value}))
        hot_work = HotWork.create(self._hot_work_vals(permit))
        self._expect_guard(
            hot_work,
            ("t_staff", "t_engsup", "t_manager"),
            {"state": "approved", "approver_id": staff.id, "date_decision": datetime.now()},
        )
        # Nor through the permit's form (its one2many).
        with self.assertRaisesRegex(WorkflowGuardError, GUARD):
            permit.with_user(staff).write(
                {"hot_work_ids": [Command.update(hot_work.id, {"state": "approved"})]}
            )
        with self.assertRaisesRegex(WorkflowGuardError, GUARD):
            permit.with_user(staff).write(
                {"hot_work_ids": [Command.create(self._hot_work_vals(permit, state="approved"))]}
            )
        hot_work.invalidate_recordset()
        self.assertEqual((hot_work.state, hot_work.approver_id.id), ("requested", False))
        # The supervisor's button decides it; what was judged is then fixed.
        hot_work.with_user(engsup).action_approve()
        self.assertEqual((hot_work.state, hot_work.approver_id), ("approved", engsup))
        with self.assertRaisesRegex(EditLockError, "Location"):
            hot_work.with_user(staff).location = "客厅"
        with self.assertRaisesRegex(EditLockError, LOCKED):
            hot_work.with_user(staff).date_to = hot_work.date_to + timedelta(days=3)

    # ------------------------------------------------------------------ permit

    def test_staff_cannot_write_the_permits_approval(self):
        staff = self.users["t_staff"]
        permit = self.make_permit(user=staff)
        self.receive(permit.document_line_ids)
        permit.action_submit()
        self.pay_deposit(permit)
        other = self.make_permit(user=staff, unit_id=self.unit2.id)
        other.action_submit()
        self.pay_deposit(other)
        forged = {
            "state": "approved",
            "approver_id": staff.id,
            "date_approved": datetime.now(),
            "permit_number": "ZXXK-0001",
            "date_closed": datetime.now(),
            "deposit_account_id": self.income_account.id,
            "deposit_move_ids": [Command.link(other.sudo().deposit_move_ids[:1].id)],
            "name": "ZXSQ-0001",
        }
        self._expect_guard(permit, ("t_staff", "t_cssup", "t_engsup", "t_manager"), forged)
        permit.invalidate_recordset()
        self.assertEqual((permit.state, permit.approver_id.id), ("submitted", False))
        self.assertEqual(permit.deposit_held, 2000.0)
        self.assertEqual(other.deposit_held, 2000.0)
        # Created approved, or with its approver: refused too.
        for name in ("state", "approver_id", "permit_number", "date_approved"):
            with self.subTest(create=name), self.assertRaisesRegex(WorkflowGuardError, GUARD):
                self.make_permit(user=staff, unit_id=self.unit2.id, **{name: forged[name]})
        permit.with_user(self.users["t_cssup"]).action_approve()
        self.assertEqual(permit.approver_id, self.users["t_cssup"])

    def test_issued_permit_scope_and_deposit_are_locked(self):
        staff = self.users["t_staff"]
        permit = self.make_permit(user=staff)
        permit.action_submit()
        permit.write({"scope": "只改厨房", "deposit_amount": 1500.0})  # still under review
        self.receive(permit.document_line_ids)
        self.pay_deposit(permit)
        permit.with_user(self.users["t_cssup"]).action_approve()
        for values in (
            {"scope": "拆除承重墙"},
            {"deposit_amount": 0.0},
            {"date_planned_end": self.today + timedelta(days=365)},
            {"contractor_id": self.owner.id},
            {"unit_id": self.unit2.id},
        ):
            with self.subTest(values=values), self.assertRaisesRegex(EditLockError, LOCKED):
                permit.with_user(staff).write(values)
        permit.invalidate_recordset()
        self.assertEqual((permit.scope, permit.deposit_amount), ("只改厨房", 1500.0))

    def test_closed_permit_documents_are_locked(self):
        staff = self.users["t_staff"]
        permit = self.completed_permit(deposit=0.0)
        permit.with_user(staff).action_close()
        lines = permit.document_line_ids.with_user(staff)
        line = lines.filtered(lambda line: not line.received)[:1]
        with self.assertRaisesRegex(EditLockError, "Documents"):
            line.received = True
        with self.assertRaisesRegex(EditLockError, "Documents"):
            lines[:1].unlink()
        with self.assertRaisesRegex(EditLockError, "Documents"):
            self.env["hanling.document.line"].with_user(staff).create(
                {"permit_id": permit.id, "type_id": line.type_id.id}
            )
        with self.assertRaisesRegex(EditLockError, "Documents"):
            permit.with_user(staff).write(
                {"document_line_ids": [Command.update(line.id, {"received": True})]}
            )
        self.assertFalse(line.received)

    # ------------------------------------------------------------------ extensions

    def test_extension_decision_is_the_supervisors(self):
        staff, cssup = self.users["t_staff"], self.users["t_cssup"]
        permit = self.approved_permit()
        Extension = self.env["hanling.decoration.extension"].with_user(staff)
        vals = {
            "permit_id": permit.id,
            "date_end_new": permit.date_planned_end + timedelta(days=30),
            "reason": "材料延误",
        }
        for name, value in {"state": "approved", "approver_id": staff.id}.items():
            with self.subTest(field=name), self.assertRaisesRegex(WorkflowGuardError, GUARD):
                Extension.create({**vals, name: value})
        extension = Extension.create(vals)
        self._expect_guard(
            extension, ("t_staff", "t_cssup"), {"state": "approved", "approver_id": cssup.id}
        )
        self.assertEqual(permit.date_end_effective, permit.date_planned_end)
        extension.with_user(cssup).action_approve()
        self.assertEqual(permit.date_end_effective, vals["date_end_new"])
        with self.assertRaisesRegex(EditLockError, "New End Date"):
            extension.date_end_new = vals["date_end_new"] + timedelta(days=300)

    # ------------------------------------------------------------------ violations

    def test_violation_deduction_entry_is_linked_by_the_settlement(self):
        tech = self.users["t_tech"]
        permit = self.completed_permit()
        other = self.completed_permit()
        Violation = self.env["hanling.decoration.violation"].with_user(tech)
        entry = other.deposit_move_ids[:1]
        with self.assertRaisesRegex(WorkflowGuardError, GUARD):
            Violation.create({"permit_id": permit.id, "description": "x", "move_id": entry.id})
        violation = Violation.create(
            {"permit_id": permit.id, "description": "垃圾堆放楼道", "amount": 300}
        )
        self._expect_guard(violation, ("t_tech", "t_staff", "t_manager"), {"move_id": entry.id})
        self.assertFalse(violation.is_deducted)
        self.settle(permit)
        deduction = permit.deposit_move_ids.filtered(lambda m: not m.origin_payment_id)
        self.assertEqual(violation.move_id, deduction)
        self._expect_guard(violation, ("t_staff", "t_manager"), {"move_id": False})
        self.assertEqual((permit.deposit_deducted, permit.deposit_refunded), (300.0, 1700.0))

    # ------------------------------------------------------------------ workers' passes

    def test_pass_state_moves_through_the_buttons(self):
        staff = self.users["t_staff"]
        permit = self.approved_permit()
        Worker = self.env["hanling.decoration.worker"].with_user(staff)
        for name, value in {"pass_state": "returned", "date_pass_issued": self.today}.items():
            with self.subTest(field=name), self.assertRaisesRegex(WorkflowGuardError, GUARD):
                Worker.create({"permit_id": permit.id, "name": "张三", name: value})
        worker = Worker.create({"permit_id": permit.id, "name": "张三", "pass_number": "L-9"})
        worker.action_issue_pass()
        self.assertEqual(permit.passes_out_count, 1)
        # Declaring the pass returned without the pass: refused; the permit stays blocked.
        self._expect_guard(
            worker,
            ("t_staff", "t_manager"),
            {"pass_state": "returned", "date_pass_returned": self.today},
        )
        self.assertEqual(permit.passes_out_count, 1)
        worker.action_return_pass()
        self.assertEqual((worker.pass_state, permit.passes_out_count), ("returned", 0))
