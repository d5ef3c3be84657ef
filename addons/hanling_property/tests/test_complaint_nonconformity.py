from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..tools.workflow import EditLockError
from .complaint_common import ComplaintCase

APPROVAL = "hanling_property.mail_activity_type_nonconformity_approval"
PREVENTION = "hanling_property.mail_activity_type_prevention_report"


@tagged("post_install", "-at_install")
class TestComplaintNonconformity(ComplaintCase):
    def _report(self, complaint=None, **values):
        complaint = complaint or self._bring_to_handling(self._complaint())
        action = complaint.action_create_nonconformity()
        report = (
            self.env["hanling.nonconformity"]
            .with_user(self.users["t_staff"])
            .browse(action["res_id"])
        )
        report.write(
            {
                "cause": "维修工未按规程关闭水阀",
                "corrective_action": "赔偿业主损失,对维修工再培训",
                "responsible_id": self.users["t_engsup"].id,
                "date_deadline": fields.Date.today(),
                **values,
            }
        )
        return report

    def test_manager_approval_then_credit_note(self):
        staff, manager = self.users["t_staff"], self.users["t_manager"]
        complaint = self._bring_to_handling(self._complaint())
        report = self._report(
            complaint,
            loss_amount=300.0,
            compensation_method="credit_note",
            compensation_amount=280.0,
        )
        self.assertEqual(report.description, complaint.content)
        self.assertEqual(report.partner_id, self.owner)
        self.assertEqual(report.approval_level, "manager")
        # Compensation before approval is refused, nothing is written to accounting.
        with self.assertRaisesRegex(UserError, "after the nonconformity report is approved"):
            report.with_user(manager).action_compensate()
        report.action_submit()
        self.assertEqual(report.state, "submitted")
        self.assertTrue(report.date_submitted)
        self.assertTrue(self._activities(report, manager, APPROVAL))
        with self.assertRaisesRegex(UserError, "after the nonconformity report is approved"):
            report.with_user(manager).action_compensate()
        self.assertFalse(report.sudo().compensation_move_ids)
        # The approval is given on the amounts: they are fixed from the submission.
        with self.assertRaisesRegex(
            EditLockError, "Approved Compensation can no longer be changed"
        ):
            report.compensation_amount = 1000.0
        with self.assertRaises(AccessError):
            report.action_approve()
        self.assertEqual(report.state, "submitted")
        report.with_user(manager).action_approve()
        self.assertEqual(report.state, "approved")
        self.assertEqual(report.approved_by_id, manager)
        self.assertEqual(report.approved_level, "manager")
        self.assertEqual(report.manager_id, manager)
        self.assertFalse(self._activities(report, manager, APPROVAL))
        # Only the manager records the compensation.
        with self.assertRaises(AccessError):
            report.action_compensate()
        report.with_user(manager).action_compensate()
        move = report.sudo().compensation_move_ids
        self.assertEqual(len(move), 1)
        self.assertEqual(move.move_type, "out_refund")
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.partner_id, self.owner)
        self.assertEqual(move.amount_total, 280.0)
        self.assertEqual(report.compensation_paid, 280.0)
        self.assertEqual(report.compensation_due, 0.0)
        with self.assertRaisesRegex(UserError, "already paid"):
            report.with_user(manager).action_compensate()
        # Staff without accounting rights see the amount; a credit note back in draft no longer counts.
        self.assertEqual(report.with_user(staff).compensation_paid, 280.0)
        move.button_draft()
        self.assertEqual(report.compensation_paid, 0.0)
        self.assertEqual(report.compensation_due, 280.0)
        move.action_post()
        self.assertEqual(report.compensation_due, 0.0)

        with self.assertRaisesRegex(UserError, "result"):
            report.action_done()
        report.result = "已赔偿,维修工已培训"
        report.action_done()
        self.assertEqual(report.state, "done")
        self.assertEqual(report.prevention_state, "due")
        reminders = self._activities(report, manager, PREVENTION)
        self.assertEqual(len(reminders), 1)

        # The complaint now resolves as a compensated loss, closes after the callback.
        complaint.write(
            {"resolution_kind": "loss", "loss_remedy": "compensate", "resolution": "已赔偿280元"}
        )
        complaint.action_resolve()
        self._finish_callback(complaint)
        complaint.action_report_result()
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")

    def test_prevention_report_reminder(self):
        manager = self.users["t_manager"]
        report = self._report()
        report.action_submit()
        report.with_user(manager).action_approve()
        report.result = "已整改"
        # Not due before the report is closed.
        with self.assertRaises(ValidationError):
            self.env["hanling.prevention.report"].with_user(manager).create(
                {"nonconformity_id": report.id, "analysis": "x"}
            )
        self.assertFalse(
            self.env["hanling.nonconformity"]._cron_remind_prevention_report() & report
        )
        report.action_done()
        self.assertEqual(len(self._activities(report, manager, PREVENTION)), 1)
        # The cron reminds once, however often it runs; a dismissed reminder comes back.
        self.env["hanling.nonconformity"]._cron_remind_prevention_report()
        self.env["hanling.nonconformity"]._cron_remind_prevention_report()
        self.assertEqual(len(self._activities(report, manager, PREVENTION)), 1)
        self._activities(report, manager, PREVENTION).unlink()
        self.assertIn(report, self.env["hanling.nonconformity"]._cron_remind_prevention_report())
        self.assertEqual(len(self._activities(report, manager, PREVENTION)), 1)

        with self.assertRaises(AccessError):
            self.env["hanling.prevention.report"].with_user(self.users["t_cssup"]).create(
                {"nonconformity_id": report.id, "analysis": "x"}
            )
        prevention = (
            self.env["hanling.prevention.report"]
            .with_user(manager)
            .create(
                {
                    "nonconformity_id": report.id,
                    "meeting_date": fields.Date.today(),
                    "attendee_ids": [(6, 0, [manager.id, self.users["t_engsup"].id])],
                    "analysis": "维修规程执行不到位",
                    "preventive_measures": "每月抽查维修规程执行",
                    "owner_id": self.users["t_engsup"].id,
                    "date_due": fields.Date.today(),
                }
            )
        )
        self.assertTrue(prevention.name.startswith("JZYF"))
        self.assertEqual(prevention.complaint_id, report.complaint_id)
        self.assertEqual(report.prevention_state, "done")
        self.assertFalse(self._activities(report, manager, PREVENTION))
        self.env["hanling.nonconformity"]._cron_remind_prevention_report()
        self.assertFalse(self._activities(report, manager, PREVENTION))

    def test_loss_over_threshold_needs_company_and_pays_outbound(self):
        manager, rep = self.users["t_manager"], self.users["t_rep"]
        report = self._report(
            loss_amount=800.0, compensation_method="payment", compensation_amount=800.0
        )
        self.assertEqual(report.approval_level, "company")
        report.action_submit()
        self.assertTrue(self._activities(report, rep, APPROVAL))
        self.assertFalse(self._activities(report, manager, APPROVAL))
        with self.assertRaisesRegex(AccessError, "company management representative"):
            report.with_user(manager).action_approve()
        self.assertEqual(report.state, "submitted")
        with self.assertRaises(UserError):
            report.with_user(rep).action_compensate()
        report.with_user(rep).action_approve()
        self.assertEqual(report.approved_level, "company")
        # An office manager (not the company) still writes the prevention report.
        self.assertTrue(report.manager_id.has_group("hanling_property.group_manager"))
        self.assertFalse(report.manager_id.has_group("hanling_property.group_company_rep"))
        report.with_user(manager).action_compensate()
        payment = report.sudo().compensation_payment_ids
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.payment_type, "outbound")
        self.assertEqual(payment.partner_type, "customer")
        self.assertEqual(payment.partner_id, self.owner)
        self.assertEqual(payment.amount, 800.0)
        self.assertNotEqual(payment.state, "draft")
        self.assertEqual(report.compensation_paid, 800.0)
        self.assertEqual(report.compensation_due, 0.0)
        with self.assertRaisesRegex(UserError, "cannot be cancelled"):
            report.action_cancel()

    def test_loss_of_exactly_500_goes_to_the_company(self):
        """篇3 4.2.5 "如果造成业户经济损失在500元以上的 … 报物业公司管理者代表审批":
        以上 includes the figure, so a loss of exactly 500.00 yuan is approved by the company
        management representative, not by the office manager; the threshold is a company setting.
        """
        manager, rep = self.users["t_manager"], self.users["t_rep"]
        self.assertEqual(self.company.hanling_complaint_loss_threshold, 500.0)
        below = self._report(loss_amount=499.99)
        self.assertEqual(below.approval_level, "manager")
        at_threshold = self._report(loss_amount=500.0)
        self.assertEqual(at_threshold.approval_level, "company")
        # A compensation of exactly 500 goes up as well, whatever loss is written beside it.
        compensation = self._report(
            loss_amount=100.0, compensation_method="payment", compensation_amount=500.0
        )
        self.assertEqual(compensation.approval_level, "company")
        at_threshold.action_submit()
        self.assertTrue(self._activities(at_threshold, rep, APPROVAL))
        self.assertFalse(self._activities(at_threshold, manager, APPROVAL))
        with self.assertRaisesRegex(AccessError, "company management representative"):
            at_threshold.with_user(manager).action_approve()
        self.assertEqual(at_threshold.state, "submitted")
        at_threshold.with_user(rep).action_approve()
        self.assertEqual(at_threshold.approved_level, "company")
        # The threshold is the company's: at 1000, 999.99 stays in the office, 1000 goes up.
        settings = self.env["res.config.settings"].create(
            {"hanling_complaint_loss_threshold": 1000.0}
        )
        settings.execute()
        self.assertEqual(self.company.hanling_complaint_loss_threshold, 1000.0)
        self.assertEqual(self._report(loss_amount=500.0).approval_level, "manager")
        self.assertEqual(self._report(loss_amount=999.99).approval_level, "manager")
        self.assertEqual(self._report(loss_amount=1000.0).approval_level, "company")
        # No loss at all is never a company matter, even with a threshold of zero.
        self.company.hanling_complaint_loss_threshold = 0.0
        self.assertEqual(below.approval_level, "company")
        self.assertEqual(self._report(loss_amount=0.0).approval_level, "manager")
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.company.hanling_complaint_loss_threshold = -1

    def test_company_escalation_needs_company_approval(self):
        manager = self.users["t_manager"]
        complaint = self._bring_to_handling(self._complaint())
        report = self._report(complaint, loss_amount=100.0)
        self.assertEqual(report.approval_level, "manager")
        complaint.escalation_note = "需公司协调"
        complaint.action_escalate()
        complaint.with_user(manager).action_escalate()
        self.assertEqual(report.approval_level, "company")
        report.action_submit()
        with self.assertRaises(AccessError):
            report.with_user(manager).action_approve()
        report.with_user(self.users["t_rep"]).action_approve()
        self.assertEqual(report.state, "approved")

    def test_submit_needs_fields_and_send_back(self):
        complaint = self._bring_to_handling(self._complaint())
        report = self.env["hanling.nonconformity"].create(
            {"complaint_id": complaint.id, "description": "x"}
        )
        with self.assertRaisesRegex(UserError, "Fill in"):
            report.action_submit()
        report.write(
            {
                "cause": "c",
                "corrective_action": "a",
                "responsible_id": self.users["t_engsup"].id,
                "date_deadline": fields.Date.today(),
                "compensation_method": "payment",
            }
        )
        with self.assertRaisesRegex(UserError, "compensation"):
            report.action_submit()
        self.assertEqual(report.state, "draft")
        report.compensation_amount = 50.0
        report.action_submit()
        with self.assertRaises(UserError):
            report.action_submit()
        with self.assertRaises(UserError):
            report.action_done()
        report.with_user(self.users["t_manager"]).action_draft()
        self.assertEqual(report.state, "draft")
        report.compensation_amount = 60.0
        report.action_cancel()
        self.assertEqual(report.state, "cancel")
        with self.assertRaises(UserError):
            report.action_approve()

    def test_close_waits_for_compensation_and_reports(self):
        manager = self.users["t_manager"]
        complaint = self._bring_to_handling(self._complaint())
        report = self._report(
            complaint, compensation_method="credit_note", compensation_amount=100.0
        )
        report.action_submit()
        report.with_user(manager).action_approve()
        report.result = "已整改"
        with self.assertRaisesRegex(UserError, "Pay the approved compensation"):
            report.action_done()
        complaint.write(
            {"resolution_kind": "loss", "loss_remedy": "compensate", "resolution": "赔偿"}
        )
        with self.assertRaisesRegex(UserError, "paid"):
            complaint.action_resolve()
        report.with_user(manager).action_compensate()
        complaint.action_resolve()
        self._finish_callback(complaint)
        with self.assertRaisesRegex(UserError, "nonconformity"):
            complaint.action_close()
        report.action_done()
        complaint.action_report_result()
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")
        # Closed complaints: the first responder may now leave.
        complaint.message_unsubscribe(partner_ids=self.users["t_staff"].partner_id.ids)

    def test_nonconformity_needs_an_open_complaint(self):
        complaint = self._complaint()
        with self.assertRaises(UserError):
            complaint.action_create_nonconformity()

    def test_no_report_for_a_closed_complaint(self):
        complaint = self._complaint()
        complaint.cancel_reason = "撤回"
        complaint.action_cancel()
        with self.assertRaises(ValidationError):
            self.env["hanling.nonconformity"].create(
                {"complaint_id": complaint.id, "description": "x"}
            )

    def test_printed_forms(self):
        manager = self.users["t_manager"]
        complaint = self._bring_to_handling(self._complaint())
        report = self._report(
            complaint,
            loss_amount=120.0,
            compensation_method="credit_note",
            compensation_amount=120.0,
        )
        report.action_submit()
        report.with_user(manager).action_approve()
        report.with_user(manager).action_compensate()
        report.result = "已赔偿"
        report.action_done()
        complaint.write(
            {"resolution_kind": "loss", "loss_remedy": "compensate", "resolution": "已赔偿120元"}
        )
        complaint.action_resolve()
        self._finish_callback(complaint)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("hanling_property.report_complaint", complaint.ids)[0]
            .decode()
        )
        self.assertIn(complaint.name, html)
        self.assertIn("处理及时", html)
        self.assertIn("已赔偿120元", html)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("hanling_property.report_nonconformity", report.ids)[0]
            .decode()
        )
        self.assertIn(report.name, html)
        self.assertIn("维修工未按规程关闭水阀", html)
        self.assertIn("120.00", html)
