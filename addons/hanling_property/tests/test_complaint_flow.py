from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from ..tools.workflow import EditLockError
from .complaint_common import ComplaintCase


@tagged("post_install", "-at_install")
class TestComplaintFlow(ComplaintCase):
    def test_full_flow_with_callback_gate(self):
        staff = self.users["t_staff"]
        complaint = self._complaint()
        self.assertTrue(complaint.name.startswith("TS"))
        self.assertEqual(complaint.state, "received")
        self.assertEqual(complaint.first_responder_id, staff)
        self.assertIn(staff.partner_id, complaint.message_partner_ids)
        self.assertEqual(complaint.partner_id, self.owner)
        self.assertEqual(complaint.contact_phone, "13812345678")
        self.assertEqual(complaint.shift, "day")
        self.assertEqual(complaint.escalation_level, "department")

        with self.assertRaisesRegex(UserError, "department"):
            complaint.action_assess()
        self.assertEqual(complaint.state, "received")
        complaint.department_id = self.department
        # The department head is told and follows the complaint.
        self.assertTrue(self._activities(complaint, self.users["t_engsup"]))
        self.assertIn(self.users["t_engsup"].partner_id, complaint.message_partner_ids)
        complaint.action_assess()
        self.assertEqual(complaint.state, "assessing")
        self.assertTrue(complaint.date_assessed)
        complaint.action_handle()
        self.assertEqual(complaint.state, "handling")
        self.assertTrue(complaint.date_handling)

        with self.assertRaisesRegex(UserError, "kind"):
            complaint.action_resolve()
        complaint.resolution_kind = "service"
        with self.assertRaisesRegex(UserError, "Describe"):
            complaint.action_resolve()
        complaint.resolution = "上门道歉,当天换好灯"
        complaint.action_resolve()
        self.assertEqual(complaint.state, "resolved")
        self.assertTrue(complaint.date_resolved)
        self.assertEqual(complaint.callback_state, "planned")
        callback = complaint.callback_ids
        self.assertEqual(len(callback), 1)
        self.assertEqual(callback.user_id, staff)
        self.assertEqual(callback.partner_id, self.owner)

        # The callback gate: no closing before the resident was called back.
        with self.assertRaisesRegex(UserError, "callback"):
            complaint.action_close()
        self.assertEqual(complaint.state, "resolved")
        self._finish_callback(complaint, "4")
        self.assertEqual(complaint.callback_state, "done")
        self.assertEqual(callback.opinion, "处理及时")
        complaint.action_report_result()
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")
        self.assertTrue(complaint.date_closed)
        self.assertTrue(complaint.is_satisfied)
        self.assertEqual(complaint.satisfied_share, 100.0)
        expected = (complaint.date_closed - self.day_time).total_seconds() / 3600.0
        self.assertAlmostEqual(complaint.hours_to_close, expected, places=4)
        self.assertGreater(complaint.hours_to_close, 0.0)

    def test_illegal_transitions(self):
        complaint = self._complaint()
        for action in ("action_handle", "action_resolve", "action_close"):
            with self.assertRaises(UserError):
                getattr(complaint, action)()
        self._bring_to_handling(complaint)
        with self.assertRaises(UserError):
            complaint.action_assess()
        with self.assertRaises(UserError):
            complaint.action_handle()
        with self.assertRaises(UserError):
            complaint.action_close()
        complaint.write({"resolution_kind": "service", "resolution": "道歉"})
        complaint.action_resolve()
        with self.assertRaises(UserError):
            complaint.action_resolve()
        complaint.cancel_reason = "业主撤回"
        with self.assertRaises(UserError):
            complaint.action_cancel()
        with self.assertRaises(UserError):
            complaint.action_escalate()
        self.assertEqual(complaint.state, "resolved")

    def test_cancel_needs_reason(self):
        complaint = self._complaint()
        with self.assertRaisesRegex(UserError, "why"):
            complaint.action_cancel()
        complaint.cancel_reason = "   "
        with self.assertRaisesRegex(UserError, "why"):
            complaint.action_cancel()
        self.assertEqual(complaint.state, "received")
        complaint.cancel_reason = "业主电话撤回投诉"
        complaint.action_cancel()
        self.assertEqual(complaint.state, "cancel")
        self.assertTrue(complaint.date_cancelled)
        with self.assertRaises(UserError):
            complaint.action_assess()

    def test_cancel_in_handling_drops_draft_reports_and_callbacks(self):
        complaint = self._bring_to_handling(self._complaint())
        report = self.env["hanling.nonconformity"].create(
            {"complaint_id": complaint.id, "description": "x"}
        )
        complaint.cancel_reason = "重复登记"
        complaint.action_cancel()
        self.assertEqual(report.state, "cancel")

    def test_first_responder_cannot_drop_the_complaint(self):
        complaint = self._complaint(user="t_duty")
        duty = self.users["t_duty"]
        self.assertEqual(complaint.first_responder_id, duty)
        with self.assertRaisesRegex(UserError, "first responder"):
            complaint.message_unsubscribe(partner_ids=duty.partner_id.ids)
        # Not even the manager can take them off.
        with self.assertRaisesRegex(UserError, "first responder"):
            complaint.with_user(self.users["t_manager"]).message_unsubscribe(
                partner_ids=duty.partner_id.ids
            )
        self.assertIn(duty.partner_id, complaint.message_partner_ids)
        # Other followers can leave.
        complaint.message_subscribe(partner_ids=self.neighbour.ids)
        complaint.message_unsubscribe(partner_ids=self.neighbour.ids)
        self.assertNotIn(self.neighbour, complaint.message_partner_ids)
        # Once closed, the duty ends.
        complaint.cancel_reason = "业主撤回"
        complaint.action_cancel()
        complaint.message_unsubscribe(partner_ids=duty.partner_id.ids)
        self.assertNotIn(duty.partner_id, complaint.message_partner_ids)

    def test_received_by_is_first_responder_and_fixed_later(self):
        complaint = self._complaint()
        complaint.received_by_id = self.users["t_duty"]
        self.assertEqual(complaint.first_responder_id, self.users["t_duty"])
        complaint.department_id = self.department
        complaint.action_assess()
        with self.assertRaisesRegex(EditLockError, "Received By can no longer be changed"):
            complaint.received_by_id = self.users["t_staff"]
        self.assertEqual(complaint.first_responder_id, self.users["t_duty"])

    def test_night_deferral_needs_consent(self):
        complaint = self._complaint(user="t_duty", date_received=self.night_time)
        self.assertEqual(complaint.shift, "night")
        with self.assertRaisesRegex(UserError, "consent"):
            complaint.action_defer()
        self.assertFalse(complaint.is_deferred)
        complaint.is_urgent = True
        complaint.deferral_consent = True
        with self.assertRaisesRegex(UserError, "urgent"):
            complaint.action_defer()
        complaint.is_urgent = False
        complaint.action_defer()
        self.assertTrue(complaint.is_deferred)
        self.assertEqual(complaint.deferral_consent_by_id, self.users["t_duty"])
        self.assertTrue(complaint.deferral_consent_date)
        # Withdrawing the consent afterwards is refused.
        with self.assertRaises(ValidationError):
            complaint.deferral_consent = False

    def test_day_complaint_cannot_be_deferred(self):
        complaint = self._complaint(deferral_consent=True)
        self.assertEqual(complaint.shift, "day")
        with self.assertRaisesRegex(UserError, "outside the day shift"):
            complaint.action_defer()
        self.assertFalse(complaint.is_deferred)

    def test_shift_follows_company_hours(self):
        self.company.hanling_day_shift_end = 23.0
        complaint = self._complaint(date_received=self.night_time)
        self.assertEqual(complaint.shift, "day")

    def test_superior_channel_records_instruction_and_gets_report(self):
        manager = self.users["t_manager"]
        with self.assertRaises(ValidationError):
            self._complaint(channel="superior", superior_id=manager.id)
        complaint = self._complaint(
            channel="superior",
            superior_id=manager.id,
            superior_instruction="今天内上门处理并回复业主",
        )
        self.assertIn(manager.partner_id, complaint.message_partner_ids)
        self._bring_to_handling(complaint)
        complaint.write({"resolution_kind": "service", "resolution": "已上门更换"})
        complaint.action_resolve()
        report = complaint.message_ids.filtered(lambda m: manager.partner_id in m.partner_ids)
        self.assertTrue(report)
        self.assertIn("已上门更换", report[0].body)

    def test_escalation_steps(self):
        manager, rep = self.users["t_manager"], self.users["t_rep"]
        complaint = self._bring_to_handling(self._complaint())
        with self.assertRaisesRegex(UserError, "why"):
            complaint.action_escalate()
        self.assertEqual(complaint.escalation_level, "department")
        complaint.escalation_note = "涉及工程部和保安部,本部门无法单独处理"
        complaint.action_escalate()
        self.assertEqual(complaint.escalation_level, "manager")
        self.assertTrue(complaint.date_escalated_manager)
        self.assertFalse(complaint.date_escalated_company)
        self.assertEqual(len(self._activities(complaint, manager)), 1)
        self.assertFalse(self._activities(complaint, rep))
        self.assertIn(manager.partner_id, complaint.message_partner_ids)
        # Only the office manager takes it to the company.
        with self.assertRaises(AccessError):
            complaint.action_escalate()
        self.assertEqual(complaint.escalation_level, "manager")
        complaint.with_user(manager).escalation_note = "管理处无法解决,上报公司"
        complaint.with_user(manager).action_escalate()
        self.assertEqual(complaint.escalation_level, "company")
        self.assertTrue(complaint.date_escalated_company)
        self.assertGreaterEqual(complaint.date_escalated_company, complaint.date_escalated_manager)
        self.assertEqual(len(self._activities(complaint, rep)), 1)
        with self.assertRaisesRegex(UserError, "already"):
            complaint.with_user(rep).action_escalate()

    def test_resolution_kinds_ask_for_what_they_need(self):
        complaint = self._bring_to_handling(self._complaint())
        complaint.write({"resolution": "已协调"})
        complaint.resolution_kind = "other_resident"
        with self.assertRaisesRegex(UserError, "other resident"):
            complaint.action_resolve()
        complaint.other_partner_id = self.neighbour
        with self.assertRaisesRegex(UserError, "other resident"):
            complaint.action_resolve()
        complaint.resolution_kind = "developer"
        with self.assertRaisesRegex(UserError, "developer"):
            complaint.action_resolve()
        complaint.resolution_kind = "loss"
        with self.assertRaisesRegex(UserError, "compensated or repaired"):
            complaint.action_resolve()
        complaint.loss_remedy = "repair"
        with self.assertRaisesRegex(UserError, "nonconformity"):
            complaint.action_resolve()
        self.assertEqual(complaint.state, "handling")
        complaint.write(
            {
                "resolution_kind": "other_resident",
                "mediation_note": "已找楼上业主协商,同意修复防水",
            }
        )
        complaint.action_resolve()
        self.assertEqual(complaint.state, "resolved")

    def test_developer_kind(self):
        complaint = self._bring_to_handling(self._complaint())
        complaint.write(
            {
                "resolution_kind": "developer",
                "resolution": "外墙渗水属开发商遗留问题",
                "developer_contact": "开发商售后 张经理 020-12345678",
                "coordination_note": "已函告开发商,约定下周维修",
            }
        )
        complaint.action_resolve()
        self.assertEqual(complaint.state, "resolved")

    def test_duty_log_creates_complaint(self):
        duty = self.users["t_duty"]
        entry = (
            self.env["hanling.duty.log"]
            .with_user(duty)
            .create(
                {
                    "unit_id": self.unit.id,
                    "kind": "complaint",
                    "request": "保安态度恶劣",
                    "date_received": self.night_time,
                }
            )
        )
        action = entry.action_create_complaint()
        complaint = self.env["hanling.complaint"].browse(action["res_id"])
        self.assertEqual(entry.state, "converted")
        self.assertEqual(complaint.duty_log_id, entry)
        self.assertEqual(complaint.content, "保安态度恶劣")
        self.assertEqual(complaint.first_responder_id, duty)
        self.assertEqual(complaint.partner_id, self.owner)
        self.assertEqual(complaint.date_received, self.night_time)
        self.assertEqual(complaint.shift, "night")
        with self.assertRaises(UserError):
            entry.action_create_complaint()

    def test_form_for_superior(self):
        form = Form(self.env["hanling.complaint"].with_user(self.users["t_staff"]))
        form.unit_id = self.unit
        form.content = "垃圾清运不及时"
        form.category = "cleaning"
        form.channel = "superior"
        form.superior_id = self.users["t_manager"]
        form.superior_instruction = "核实后处理"
        complaint = form.save()
        self.assertEqual(complaint.partner_id, self.owner)
        self.assertEqual(complaint.first_responder_id, self.users["t_staff"])

    def test_analysis_durations_and_share(self):
        now = fields.Datetime.now()
        complaints = self.env["hanling.complaint"]
        for satisfaction in ("5", "2"):
            complaint = self._complaint(date_received=now - timedelta(hours=3))
            self._bring_to_handling(complaint)
            complaint.write({"resolution_kind": "service", "resolution": "道歉"})
            complaint.action_resolve()
            self._finish_callback(complaint, satisfaction)
            complaint.action_report_result()
            complaint.action_close()
            complaints |= complaint
        open_one = self._complaint(date_received=now)
        first = complaints[0]
        self.assertAlmostEqual(first.hours_to_first_response, 3.0, delta=0.05)
        self.assertAlmostEqual(first.hours_to_close, 3.0, delta=0.05)
        self.assertEqual(complaints.mapped("is_satisfied"), [True, False])
        self.assertEqual(open_one.hours_to_close, 0.0)
        domain = [("id", "in", (complaints | open_one).ids)]
        self.assertEqual(self.env["hanling.complaint"]._get_satisfied_share(domain), 50.0)
        groups = self.env["hanling.complaint"]._read_group(
            domain + [("state", "=", "closed")],
            groupby=[
                "category",
                "department_id",
                "escalation_level",
                "resolution_kind",
                "date_received:month",
            ],
            aggregates=["__count", "satisfied_share:avg"],
        )
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0][0], "repair")
        self.assertEqual(groups[0][1], self.department)
        self.assertEqual(groups[0][5], 2)
        self.assertEqual(groups[0][6], 50.0)

    def test_overdue(self):
        complaint = self._complaint(date_deadline=fields.Datetime.now() - timedelta(hours=1))
        self.assertTrue(complaint.is_overdue)
        self.assertIn(complaint, self.env["hanling.complaint"].search([("is_overdue", "=", True)]))
        complaint.cancel_reason = "撤回"
        complaint.action_cancel()
        self.assertFalse(complaint.is_overdue)
        self.assertNotIn(
            complaint, self.env["hanling.complaint"].search([("is_overdue", "=", True)])
        )

    def test_list_query_budget(self):
        complaints = self.env["hanling.complaint"]
        for _i in range(10):
            complaints |= self._bring_to_handling(self._complaint())
        fields_list = [
            "name",
            "date_received",
            "unit_id",
            "partner_id",
            "category",
            "department_id",
            "first_responder_id",
            "escalation_level",
            "date_deadline",
            "callback_state",
            "is_overdue",
            "state",
        ]
        as_staff = self.env["hanling.complaint"].with_user(self.users["t_staff"])
        # Warm the access caches, then read cold: one query per model, whatever the number of rows.
        as_staff.search_read([("id", "in", complaints.ids)], fields_list)
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=5):
            records = as_staff.search_read([("id", "in", complaints.ids)], fields_list)
        self.assertEqual(len(records), 10)
