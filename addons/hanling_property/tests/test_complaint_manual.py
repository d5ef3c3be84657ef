"""Issue 15, items 6 and 11: complaints and the duty log as 篇3 asks them."""

import base64
import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from ..tools.workflow import WorkflowGuardError
from .complaint_common import ComplaintCase

CS_SUPERVISOR = "hanling_property.group_cs_supervisor"
MANAGER = "hanling_property.group_manager"
COMPANY_REP = "hanling_property.group_company_rep"
LETTER = base64.b64encode(b"%PDF-1.4 resident letter")


class ComplaintManualCase(ComplaintCase):
    def _todos(self, record, summary):
        return self._activities(record).filtered(lambda a: summary in (a.summary or ""))

    def _told(self, record, user, text):
        """Messages on ``record`` that notified ``user`` (inbox) and say ``text``."""
        return record.message_ids.filtered(
            lambda m: user.partner_id in m.notified_partner_ids and text in str(m.body)
        )

    def _to_resolved(self, complaint, kind="service"):
        if complaint.state in ("received", "assessing"):
            if not complaint.department_id:
                complaint.department_id = self.department
            if complaint.state == "received":
                complaint.action_assess()
            complaint.action_handle()
        complaint.write({"resolution_kind": kind, "resolution": "已上门道歉并重新维修"})
        complaint.action_resolve()
        self._finish_callback(complaint)
        return complaint

    def _done_report(self, complaint):
        report = self.env["hanling.nonconformity"].create(
            {
                "complaint_id": complaint.id,
                "description": complaint.content,
                "cause": "维修工未按时上门",
                "corrective_action": "重新安排维修,对维修工再培训",
                "responsible_id": self.users["t_engsup"].id,
                "date_deadline": fields.Date.today() + timedelta(days=3),
            }
        )
        report.action_submit()
        approver = "t_rep" if report.approval_level == "company" else "t_manager"
        report.with_user(self.users[approver]).action_approve()
        return report


@tagged("post_install", "-at_install")
class TestFirstResponderDuty(ComplaintManualCase):
    def test_technician_records_a_complaint_routed_and_followed(self):
        """篇3 4.1.3 / 3.6 首问责任制: other staff record any complaint at once, pass it on to the
        responsible department and follow its handling and result.

        A technician records the complaint; it goes to the customer-service supervisor to be
        routed; the technician follows it, reads its progress and is told when it closes.
        """
        tech = self.users["t_tech"]
        complaint = (
            self.env["hanling.complaint"]
            .with_user(tech)
            .create({"unit_id": self.unit.id, "content": "业主在电梯里投诉保洁不及时"})
        )
        self.assertEqual(complaint.received_by_id, tech)
        self.assertEqual(complaint.first_responder_id, tech)
        self.assertIn(tech.partner_id, complaint.message_partner_ids)
        # Routed: one to-do for a customer-service supervisor proper (not the manager).
        todo = self._todos(complaint, "assign the responsible department")
        self.assertEqual(len(todo), 1)
        self.assertTrue(todo.user_id.has_group(CS_SUPERVISOR))
        self.assertFalse(todo.user_id.has_group(MANAGER))
        self.assertIn(todo.user_id.partner_id, complaint.message_partner_ids)
        # The technician reads the complaints they took or follow, not the others.
        other = self._complaint()
        found = self.env["hanling.complaint"].with_user(tech).search([])
        self.assertIn(complaint, found)
        self.assertNotIn(other, found)
        with self.assertRaises(AccessError):
            other.with_user(tech).read(["content"])
        # The office routes and handles it; the technician sees the progress...
        desk = complaint.with_user(self.users["t_staff"])
        desk.department_id = self.department
        self.assertTrue(self._activities(complaint, self.users["t_engsup"]))
        self._to_resolved(desk)
        self.assertEqual(complaint.with_user(tech).state, "resolved")
        desk.action_report_result()
        desk.action_close()
        # ...and is told when it closes.
        self.assertEqual(complaint.with_user(tech).state, "closed")
        self.assertTrue(self._told(complaint, tech, "you received is closed"))

    def test_technician_cannot_move_the_complaint_on(self):
        """篇3 4.1.3: the first responder passes the complaint on to the responsible department;
        handling, escalating and approving stay with the office (3.1, 3.5, 4.2)."""
        tech = self.users["t_tech"]
        complaint = (
            self.env["hanling.complaint"]
            .with_user(tech)
            .create(
                {
                    "unit_id": self.unit.id,
                    "content": "楼下装修噪音",
                    "department_id": self.department.id,
                    "escalation_note": "x",
                    "cancel_reason": "x",
                }
            )
        )
        as_tech = complaint.with_user(tech)
        for action in ("action_assess", "action_escalate", "action_cancel", "action_defer"):
            with self.assertRaisesRegex(AccessError, "first responder"):
                getattr(as_tech, action)()
        with self.assertRaisesRegex(AccessError, "first responder"):
            as_tech.action_create_nonconformity()
        with self.assertRaises(AccessError):
            as_tech.write({"content": "改写"})
        with self.assertRaisesRegex(AccessError, "first responder"):
            self.env["hanling.complaint"].with_user(tech).browse(complaint.ids).action_hand_over()
        complaint.invalidate_recordset()
        self.assertEqual((complaint.state, complaint.escalation_level), ("received", "department"))
        # Once the office moved it on, the technician cannot close it either.
        self._to_resolved(complaint.with_user(self.users["t_staff"]))
        with self.assertRaisesRegex(AccessError, "first responder"):
            as_tech.action_report_result()
        with self.assertRaisesRegex(AccessError, "first responder"):
            as_tech.action_close()
        self.assertFalse(complaint.date_result_reported)

    def test_technician_records_a_duty_log_entry(self):
        """篇2 一 三 and 篇3 4.1.3: a request another employee receives is written down in the duty
        log and passed to the front desk; the employee follows what became of it."""
        tech = self.users["t_tech"]
        entry = (
            self.env["hanling.duty.log"]
            .with_user(tech)
            .create(
                {
                    "unit_id": self.unit.id,
                    "request": "业主投诉楼道灯坏了三天",
                    "kind": "complaint",
                    "channel": "relayed",
                }
            )
        )
        self.assertEqual(entry.received_by_id, tech)
        self.assertIn(tech.partner_id, entry.message_partner_ids)
        todo = self._todos(entry, "Request recorded by")
        self.assertEqual(len(todo), 1)
        self.assertTrue(todo.user_id.has_group(CS_SUPERVISOR))
        self.assertFalse(todo.user_id.has_group(MANAGER))
        others = self.env["hanling.duty.log"].create(
            {"request": "别人的记录", "unit_id": self.unit.id}
        )
        found = self.env["hanling.duty.log"].with_user(tech).search([])
        self.assertIn(entry, found)
        self.assertNotIn(others, found)
        # The front desk deals with it, not the technician.
        with self.assertRaisesRegex(AccessError, "front desk"):
            entry.with_user(tech).action_create_complaint()
        with self.assertRaisesRegex(AccessError, "front desk"):
            entry.with_user(tech).action_close()
        self.assertEqual(entry.state, "open")
        self.assertFalse(self.env["hanling.complaint"].search([("duty_log_id", "=", entry.id)]))
        # The desk turns it into a complaint: the technician stays its first responder, is told.
        entry.with_user(self.users["t_duty"]).action_create_complaint()
        complaint = self.env["hanling.complaint"].search([("duty_log_id", "=", entry.id)])
        self.assertEqual(complaint.first_responder_id, tech)
        self.assertEqual(complaint.with_user(tech).content, "业主投诉楼道灯坏了三天")
        self.assertTrue(self._told(entry, tech, "you recorded is dealt with"))

    def test_technician_menus_and_views(self):
        """篇3 4.1.3: the technician finds where to record a complaint and a duty-log entry."""
        tech = self.users["t_tech"]
        for model in ("hanling.complaint", "hanling.duty.log"):
            views = self.env[model].with_user(tech).get_views([(False, "form"), (False, "list")])
            form = views["views"]["form"]["arch"]
            self.assertNotIn('name="action_assess"', form)
            self.assertNotIn('name="action_close"', form)
        menus = self.env["ir.ui.menu"].with_user(tech)._visible_menu_ids()
        for xmlid in ("hanling_complaint_menu", "hanling_duty_log_menu"):
            self.assertIn(self.env.ref(f"hanling_property.{xmlid}").id, menus)
        self.assertNotIn(self.env.ref("hanling_property.hanling_complaint_menu_handover").id, menus)


@tagged("post_install", "-at_install")
class TestComplaintClosing(ComplaintManualCase):
    def test_escalated_complaint_closes_only_with_its_report(self):
        """篇3 4.2.2-4.2.5: a complaint the department cannot solve goes to the manager (or the
        company), who has the 《不合格品/服务记录处理单》 approved; it is carried out (4.3)
        and only then is the complaint closed."""
        complaint = self._bring_to_handling(self._complaint())
        complaint.escalation_note = "涉及工程部和保安部"
        complaint.action_escalate()
        self.assertEqual(complaint.escalation_level, "manager")
        self._to_resolved(complaint)
        complaint.action_report_result()
        with self.assertRaisesRegex(UserError, "closes only with its nonconformity report"):
            complaint.action_close()
        report = self._done_report(complaint)
        with self.assertRaisesRegex(UserError, "Close the nonconformity reports first"):
            complaint.action_close()
        report.result = "已重新维修,业主认可"
        report.action_done()
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")

    def test_company_complaint_needs_its_report_too(self):
        """篇3 4.2.4: beyond the office, the company's management representative fills in the
        《不合格品/服务记录处理单》; the complaint closes with it."""
        complaint = self._bring_to_handling(self._complaint())
        complaint.escalation_note = "需公司协调开发商"
        complaint.action_escalate()
        complaint.with_user(self.users["t_manager"]).action_escalate()
        self.assertEqual(complaint.escalation_level, "company")
        self._to_resolved(complaint)
        complaint.action_report_result()
        cancelled = self._done_report(complaint)
        cancelled.action_cancel()
        with self.assertRaisesRegex(UserError, "went up to Company"):
            complaint.action_close()
        report = self._done_report(complaint)
        self.assertEqual(report.approved_by_id, self.users["t_rep"])
        report.result = "已协调开发商维修"
        report.action_done()
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")

    def test_department_complaint_closes_without_a_report(self):
        """篇3 4.2.1: explained and apologised for by the department itself, no report needed."""
        complaint = self._to_resolved(self._complaint())
        complaint.action_report_result()
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")

    def test_result_reported_to_the_office_manager(self):
        """篇3 4.4: 处理完投诉,管理处责任部门应迅速将处理结果报管理处经理 (and 3.2: the manager
        checks the effect of the handling)."""
        staff = self.users["t_staff"]
        complaint = self._to_resolved(self._complaint().with_user(staff))
        with self.assertRaisesRegex(UserError, "Report the result .* to the office manager"):
            complaint.action_close()
        with self.assertRaisesRegex(WorkflowGuardError, "Result Reported"):
            complaint.write({"date_result_reported": fields.Datetime.now()})
        complaint.action_report_result()
        self.assertTrue(complaint.date_result_reported)
        self.assertEqual(complaint.result_reported_by_id, staff)
        todo = self._todos(complaint, "Check the result of complaint")
        self.assertEqual(len(todo), 1)
        self.assertTrue(todo.user_id.has_group(MANAGER))
        self.assertFalse(todo.user_id.has_group(COMPANY_REP))
        self.assertTrue(self._told(complaint, todo.user_id, "reported to the office manager"))
        # Reported once: the step is not offered again, the complaint closes.
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")
        with self.assertRaisesRegex(UserError, "Reporting the result"):
            complaint.action_report_result()

    def test_corrective_action_deadline_chased(self):
        """篇3 4.3: 根据《不合格品/服务记录处理单》,在限定的时间内抓紧处理: the responsible is
        reminded of the deadline, the report is flagged once it is past, and the dashboard
        counts it."""
        complaint = self._bring_to_handling(self._complaint())
        report = self._done_report(complaint)
        engsup = self.users["t_engsup"]
        todo = self._todos(report, "Carry out the corrective action")
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, engsup)
        self.assertEqual(todo.date_deadline, report.date_deadline)
        self.assertFalse(report.is_overdue)
        report.date_deadline = fields.Date.today() - timedelta(days=1)
        self.env["hanling.deadline.mixin"]._cron_check_deadlines()
        self.assertTrue(report.is_overdue)
        deadline_type = "hanling_property.mail_activity_type_deadline"
        self.assertEqual(len(self._activities(report, engsup, deadline_type)), 1)
        manager = self.users["t_manager"]
        community = self.community.with_user(manager)
        self.assertEqual(community.dash_nonconformity_late, 1)
        action = community.with_context(
            hanling_figure="dash_nonconformity_late"
        ).action_open_dashboard_figure()
        self.assertEqual(
            self.env["hanling.nonconformity"].with_user(manager).search(action["domain"]), report
        )
        report.result = "已完成整改"
        report.action_done()
        self.assertFalse(report.is_overdue)
        self.assertFalse(self._activities(report, engsup))
        self.community.invalidate_recordset()
        self.assertEqual(community.dash_nonconformity_late, 0)


@tagged("post_install", "-at_install")
class TestNightHandover(ComplaintManualCase):
    def test_night_complaints_handed_over_in_one_list(self):
        """篇3 4.1.5 / 4.1.1: the fire-control centre records the night's complaints and passes
        them to the customer-service centre for the normal working hours."""
        duty = self.users["t_duty"]
        night = self._complaint(user="t_duty", date_received=self.night_time)
        night2 = self._complaint(
            user="t_duty", date_received=self.night_time + timedelta(hours=2), content="水压太低"
        )
        day = self._complaint(user="t_duty")
        Complaint = self.env["hanling.complaint"].with_user(duty)
        with self.assertRaisesRegex(UserError, "Only complaints received at night"):
            Complaint.browse((night | day).ids).action_hand_over()
        self.assertFalse(night.handover_id)
        pending = Complaint.search(
            [
                ("id", "in", (night | night2 | day).ids),
                ("shift", "=", "night"),
                ("handover_id", "=", False),
            ]
        )
        self.assertEqual(pending, night | night2)
        action = pending.action_hand_over()
        handover = self.env["hanling.complaint.handover"].browse(action["res_id"])
        self.assertEqual(handover.complaint_ids, night | night2)
        self.assertEqual(handover.state, "handed")
        self.assertEqual(handover.handed_by_id, duty)
        # One reminder for the whole list, for a customer-service supervisor proper.
        todos = self._activities(handover)
        self.assertEqual(len(todos), 1)
        self.assertTrue(todos.user_id.has_group(CS_SUPERVISOR))
        self.assertFalse(todos.user_id.has_group(MANAGER))
        self.assertIn("2", todos.summary)
        self.assertIn(night2.name, str(todos.note))
        self.assertFalse(self._activities(night).filtered(lambda a: "Take over" in a.summary))
        with self.assertRaisesRegex(UserError, "Already handed over"):
            Complaint.browse(night.ids).action_hand_over()
        with self.assertRaisesRegex(WorkflowGuardError, "Morning Hand-over"):
            day.with_user(duty).write({"handover_id": handover.id})
        with self.assertRaisesRegex(AccessError, "customer-service centre takes"):
            handover.with_user(duty).action_acknowledge()
        supervisor = todos.user_id
        handover.with_user(supervisor).action_acknowledge()
        self.assertEqual(handover.state, "received")
        self.assertEqual(handover.acknowledged_by_id, supervisor)
        self.assertEqual(todos.exists(), self.env["mail.activity"])
        # The technician neither sees the lists nor hands over.
        with self.assertRaises(AccessError):
            handover.with_user(self.users["t_tech"]).read(["name"])

    def test_handover_screens_load(self):
        """篇3 4.1.5: the hand-over list and the lists of hand-overs open for the desk."""
        for login in ("t_duty", "t_cssup"):
            user = self.users[login]
            self.env["hanling.complaint"].with_user(user).get_views(
                [(self.env.ref("hanling_property.hanling_complaint_view_list_handover").id, "list")]
            )
            self.env["hanling.complaint.handover"].with_user(user).get_views(
                [(False, "list"), (False, "form")]
            )


@tagged("post_install", "-at_install")
class TestLetterComplaint(ComplaintManualCase):
    def test_letter_complaint_keeps_the_letter(self):
        """篇3 4.1.2: 信函投诉 ... 将投诉函件保存于本部门: a complaint by letter keeps the letter."""
        with self.assertRaisesRegex(ValidationError, "keeps the letter"):
            self._complaint(channel="letter")
        complaint = self._complaint(
            channel="letter", letter_file=LETTER, letter_filename="来信.pdf"
        )
        self.assertEqual(complaint.letter_file, LETTER)
        with self.assertRaisesRegex(ValidationError, "keeps the letter"):
            complaint.letter_file = False
        self.env["res.lang"]._activate_lang("zh_CN")
        with self.assertRaisesRegex(ValidationError, "信函投诉须保存投诉函件"):
            complaint.with_context(lang="zh_CN").write({"letter_file": False})
        complaint.department_id = self.department
        complaint.action_assess()
        self.assertEqual(complaint.state, "assessing")

    def test_letter_from_the_duty_log(self):
        """篇3 4.1.2: a letter logged at the desk becomes a complaint with the letter attached."""
        entry = self.env["hanling.duty.log"].create(
            {
                "unit_id": self.unit.id,
                "request": "来信投诉停车收费",
                "kind": "complaint",
                "channel": "letter",
            }
        )
        with self.assertRaisesRegex(UserError, "attach the letter or its scan to"):
            entry.with_user(self.users["t_duty"]).action_create_complaint()
        self.assertEqual(entry.state, "open")
        self.env["ir.attachment"].create(
            {"name": "来信.pdf", "datas": LETTER, "res_model": entry._name, "res_id": entry.id}
        )
        entry.with_user(self.users["t_duty"]).action_create_complaint()
        complaint = self.env["hanling.complaint"].search([("duty_log_id", "=", entry.id)])
        self.assertEqual(complaint.channel, "letter")
        self.assertEqual(complaint.letter_file, LETTER)
        self.assertEqual(complaint.letter_filename, "来信.pdf")


@tagged("post_install", "-at_install")
class TestFirstResponderOverRpc(HttpCase, ComplaintCase):
    """篇3 4.1.3 over JSON-RPC, as the technician's phone sends it."""

    def _rpc(self, model, method, args, kwargs=None):
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": model,
                        "method": method,
                        "args": args,
                        "kwargs": {"context": {"lang": "en_US"}, **(kwargs or {})},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def test_technician_records_but_cannot_move_on(self):
        """篇3 4.1.3 首问责任制: the technician records the complaint and follows it; the office
        moves it on."""
        self.authenticate("t_tech", "t_tech")
        created = self._rpc(
            "hanling.complaint",
            "create",
            [
                {
                    "unit_id": self.unit.id,
                    "content": "业主反映保安态度差",
                    "department_id": self.department.id,
                }
            ],
        )
        self.assertIn("result", created, created)
        complaint = self.env["hanling.complaint"].browse(created["result"])
        self.assertEqual(complaint.first_responder_id, self.users["t_tech"])
        read = self._rpc("hanling.complaint", "read", [complaint.ids, ["state", "content"]])
        self.assertEqual(read["result"][0]["state"], "received")
        for method, args in (
            ("action_assess", [complaint.ids]),
            ("action_escalate", [complaint.ids]),
            ("write", [complaint.ids, {"state": "assessing"}]),
            ("write", [complaint.ids, {"department_id": self.department_cs.id}]),
        ):
            answer = self._rpc("hanling.complaint", method, args)
            self.assertIn("error", answer, method)
            error = answer["error"]["data"]
            if args[-1] == {"state": "assessing"}:
                self.assertIn("WorkflowGuardError", error["name"])
            else:
                self.assertEqual(error["name"], "odoo.exceptions.AccessError", method)
            if method.startswith("action_"):
                self.assertIn("first responder", error["message"])
        complaint.invalidate_recordset()
        self.assertEqual(complaint.state, "received")
        self.assertEqual(complaint.department_id, self.department)
