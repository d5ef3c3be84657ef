"""Complaints, nonconformity reports and prevention reports: no client forges a step."""

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..tools.workflow import EditLockError, WorkflowGuardError
from .complaint_common import ComplaintCase
from .guard_common import CONTEXTS, GUARD, LOCKED


@tagged("post_install", "-at_install")
class TestComplaintWorkflowGuard(ComplaintCase):
    def _report(self, complaint=None, user="t_staff", context=None, **values):
        complaint = complaint or self._bring_to_handling(self._complaint())
        return (
            self.env["hanling.nonconformity"]
            .with_user(self.users[user])
            .with_context(**(context or {}))
            .create(
                {
                    "complaint_id": complaint.id,
                    "description": "维修工未关水阀,业主地板泡水",
                    "cause": "维修工未按规程关闭水阀",
                    "corrective_action": "赔偿业主损失",
                    "responsible_id": self.users["t_engsup"].id,
                    "date_deadline": fields.Date.today(),
                    **values,
                }
            )
        )

    def _credit_note(self):
        return (
            self.env["account.move"]
            .with_company(self.company)
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": self.owner.id,
                    "invoice_line_ids": [
                        Command.create({"name": "x", "quantity": 1, "price_unit": 9000.0})
                    ],
                }
            )
        )

    # ------------------------------------------------------------------ nonconformity

    def test_forged_approval_at_create_is_refused(self):
        """The issue's attack: a report created approved at company level with 9,000 yuan."""
        complaint = self._bring_to_handling(self._complaint())
        Report = self.env["hanling.nonconformity"]
        before = Report.search_count([("complaint_id", "=", complaint.id)])
        credit_note = self._credit_note()
        forged = {
            "state": "approved",
            "approved_level": "company",
            "approved_by_id": self.users["t_rep"].id,
            "date_approved": fields.Datetime.now(),
            "date_done": fields.Datetime.now(),
            "compensation_move_ids": [Command.link(credit_note.id)],
            "approval_level": "manager",
        }
        for name, value in forged.items():
            for context in CONTEXTS:
                with self.subTest(field=name, context=context):
                    with self.assertRaisesRegex(WorkflowGuardError, GUARD):
                        self._report(
                            complaint,
                            context=context,
                            compensation_method="payment",
                            compensation_amount=9000.0,
                            **{name: value},
                        )
                    with self.assertRaisesRegex(WorkflowGuardError, GUARD):
                        Report.with_user(self.users["t_staff"]).with_context(**context).create(
                            {"complaint_id": complaint.id, "description": "x", name: value}
                        )
        self.assertEqual(Report.search_count([("complaint_id", "=", complaint.id)]), before)
        # The client's defaults do not start it approved either.
        report = (
            Report.with_user(self.users["t_staff"])
            .with_context(default_state="approved", default_approved_level="company")
            .create({"complaint_id": complaint.id, "description": "x"})
        )
        self.assertEqual((report.state, report.approved_level), ("draft", False))

    def test_compensation_starts_a_draft_and_goes_to_the_company(self):
        """Proposed as 9,000 yuan with no loss written: the company representative approves."""
        manager, rep = self.users["t_manager"], self.users["t_rep"]
        report = self._report(compensation_method="payment", compensation_amount=9000.0)
        self.assertEqual((report.state, report.loss_amount), ("draft", 0.0))
        self.assertEqual(report.approval_level, "company")
        with self.assertRaisesRegex(UserError, "after the nonconformity report is approved"):
            report.with_user(manager).action_compensate()
        report.action_submit()
        with self.assertRaisesRegex(AccessError, "company management representative"):
            report.with_user(manager).action_approve()
        self.assertFalse(report.sudo().compensation_payment_ids)
        report.with_user(rep).action_approve()
        self.assertEqual((report.state, report.approved_level), ("approved", "company"))
        self.assertEqual(report.approved_by_id, rep)

    def test_forged_approval_by_write_is_refused(self):
        report = self._report(compensation_method="credit_note", compensation_amount=200.0)
        report.action_submit()
        credit_note = self._credit_note()
        forged = {
            "state": "approved",
            "approved_level": "manager",
            "approved_by_id": self.users["t_manager"].id,
            "date_approved": fields.Datetime.now(),
            "date_submitted": False,
            "compensation_move_ids": [Command.link(credit_note.id)],
            "compensation_payment_ids": [Command.clear()],
            "name": "BHG-0001",
        }
        for login in ("t_staff", "t_engsup", "t_manager", "t_rep"):
            for name, value in forged.items():
                for context in CONTEXTS:
                    with self.subTest(user=login, field=name, context=context):
                        with self.assertRaisesRegex(WorkflowGuardError, GUARD):
                            report.with_user(self.users[login]).with_context(**context).write(
                                {name: value}
                            )
        # sudo grants nothing either.
        with self.assertRaisesRegex(WorkflowGuardError, GUARD):
            report.sudo().write({"state": "approved"})
        report.invalidate_recordset()
        self.assertEqual(report.state, "submitted")
        self.assertFalse(report.approved_by_id)
        self.assertFalse(report.sudo().compensation_move_ids)
        self.assertEqual(report.compensation_paid, 0.0)

    def test_approved_amounts_are_locked(self):
        manager = self.users["t_manager"]
        report = self._report(
            loss_amount=300.0, compensation_method="credit_note", compensation_amount=280.0
        )
        report.write({"compensation_amount": 290.0})  # a draft is still written freely
        report.action_submit()
        for values in (
            {"compensation_amount": 9000.0},
            {"loss_amount": 100.0},
            {"compensation_method": "payment"},
            {"complaint_id": self._bring_to_handling(self._complaint()).id},
            {"cause": "另写一个原因"},
        ):
            with self.subTest(values=values), self.assertRaisesRegex(EditLockError, LOCKED):
                report.write(values)
        report.with_user(manager).action_approve()
        with self.assertRaisesRegex(EditLockError, "Approved Compensation"):
            report.with_user(manager).write({"compensation_amount": 9000.0})
        report.with_user(manager).action_compensate()
        self.assertEqual(report.compensation_paid, 290.0)
        report.result = "已赔偿"
        report.action_done()
        with self.assertRaisesRegex(EditLockError, LOCKED):
            report.result = "改写结果"

    def test_sent_back_report_loses_its_approval(self):
        manager = self.users["t_manager"]
        report = self._report(compensation_method="payment", compensation_amount=100.0)
        report.action_submit()
        report.with_user(manager).action_approve()
        report.action_cancel()
        report.action_draft()
        self.assertEqual(report.state, "draft")
        self.assertFalse(report.approved_by_id or report.approved_level or report.date_approved)
        report.compensation_amount = 400.0
        report.action_submit()
        with self.assertRaisesRegex(UserError, "after the nonconformity report is approved"):
            report.with_user(manager).action_compensate()
        report.with_user(manager).action_approve()
        self.assertEqual((report.approved_by_id, report.approved_level), (manager, "manager"))

    def test_prevention_report_number_is_drawn(self):
        manager = self.users["t_manager"]
        report = self._report()
        report.action_submit()
        report.with_user(manager).action_approve()
        report.result = "已整改"
        report.action_done()
        Prevention = self.env["hanling.prevention.report"].with_user(manager)
        with self.assertRaisesRegex(WorkflowGuardError, GUARD):
            Prevention.create({"nonconformity_id": report.id, "analysis": "x", "name": "JZYF-1"})
        prevention = Prevention.create({"nonconformity_id": report.id, "analysis": "x"})
        self.assertTrue(prevention.name.startswith("JZYF"))
        with self.assertRaisesRegex(WorkflowGuardError, GUARD):
            prevention.name = "JZYF-1"

    # ------------------------------------------------------------------ complaint

    def test_complaint_created_in_a_later_step_is_refused(self):
        Complaint = self.env["hanling.complaint"]
        before = Complaint.search_count([])
        forged = {
            "state": "closed",
            "date_closed": fields.Datetime.now(),
            "date_assessed": fields.Datetime.now(),
            "escalation_level": "company",
            "date_escalated_company": fields.Datetime.now(),
            "is_deferred": True,
            "deferral_consent_by_id": self.users["t_staff"].id,
            "first_responder_id": self.users["t_manager"].id,
            "name": "TS-0001",
        }
        for login in ("t_duty", "t_staff", "t_manager"):
            for name, value in forged.items():
                with self.subTest(user=login, field=name):
                    with self.assertRaisesRegex(WorkflowGuardError, GUARD):
                        self._complaint(user=login, **{name: value})
        self.assertEqual(Complaint.search_count([]), before)
        complaint = self._complaint()
        self.assertEqual(complaint.first_responder_id, self.users["t_staff"])

    def test_complaint_steps_not_written(self):
        complaint = self._bring_to_handling(self._complaint())
        forged = {
            "state": "resolved",
            "date_resolved": fields.Datetime.now(),
            "escalation_level": "company",
            "date_escalated_manager": fields.Datetime.now(),
            "is_deferred": True,
            "first_responder_id": self.users["t_duty"].id,
        }
        for login in ("t_duty", "t_staff", "t_manager", "t_rep"):
            for name, value in forged.items():
                for context in CONTEXTS:
                    with self.subTest(user=login, field=name, context=context):
                        with self.assertRaisesRegex(WorkflowGuardError, GUARD):
                            complaint.with_user(self.users[login]).with_context(**context).write(
                                {name: value}
                            )
        complaint.invalidate_recordset()
        self.assertEqual((complaint.state, complaint.escalation_level), ("handling", "department"))
        # Through the button, the same staff member escalates it one level.
        complaint.escalation_note = "涉及多个部门"
        complaint.with_user(self.users["t_staff"]).action_escalate()
        self.assertEqual(complaint.escalation_level, "manager")

    def test_complaint_edit_lock(self):
        complaint = self._complaint()
        complaint.department_id = self.department
        complaint.action_assess()
        with self.assertRaisesRegex(EditLockError, "Received By"):
            complaint.received_by_id = self.users["t_duty"]
        self.assertEqual(complaint.first_responder_id, self.users["t_staff"])
        complaint.content = "补充:已经一周了"  # still assessing
        complaint.action_handle()
        with self.assertRaisesRegex(EditLockError, "Complaint"):
            complaint.content = "改写投诉内容"
        complaint.write({"resolution_kind": "service", "resolution": "已道歉"})
        complaint.action_resolve()
        with self.assertRaisesRegex(EditLockError, "How It Was Resolved"):
            complaint.resolution = "改写处理结果"
        self._finish_callback(complaint)
        complaint.action_report_result()
        complaint.action_close()
        with self.assertRaisesRegex(EditLockError, "Category"):
            complaint.category = "fees"
