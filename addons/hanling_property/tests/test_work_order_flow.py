from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.hanling_property.tools.workflow import WorkflowGuardError

from .work_order_common import WorkOrderCase


@tagged("post_install", "-at_install")
class TestWorkOrderFlow(WorkOrderCase):
    def test_create_from_duty_log(self):
        entry = (
            self.env["hanling.duty.log"]
            .with_user(self.duty)
            .create(
                {
                    "unit_id": self.unit.id,
                    "request": "卫生间水龙头漏水",
                    "channel": "phone",
                }
            )
        )
        action = entry.action_create_work_order()
        order = self.env["hanling.work.order"].browse(action["res_id"])
        self.assertEqual(action["res_model"], "hanling.work.order")
        self.assertEqual(entry.state, "converted")
        self.assertEqual((entry.res_model, entry.res_id), ("hanling.work.order", order.id))
        self.assertEqual(order.duty_log_id, entry)
        self.assertEqual(order.description, "卫生间水龙头漏水")
        self.assertEqual(order.partner_id, self.owner)
        self.assertEqual(order.contact_phone, "13812345678")
        self.assertEqual(order.date_received, entry.date_received)
        self.assertEqual(order.received_by_id, self.duty)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.urgency, "immediate")
        self.assertEqual(order.date_arrival_deadline, entry.date_received + timedelta(minutes=15))
        with self.assertRaises(UserError):
            entry.action_create_work_order()

    def test_duty_log_appointment_carried_over(self):
        when = fields.Datetime.now() + timedelta(days=1)
        entry = (
            self.env["hanling.duty.log"]
            .with_user(self.duty)
            .create(
                {
                    "unit_id": self.unit.id,
                    "request": "安装吊灯",
                    "urgency": "appointment",
                    "appointment_date": when,
                }
            )
        )
        order = self.env["hanling.work.order"].browse(entry.action_create_work_order()["res_id"])
        self.assertEqual(order.urgency, "appointment")
        self.assertEqual(order.date_arrival_deadline, when)

    def test_sequence_without_gaps(self):
        sequence = self.env.ref("hanling_property.seq_hanling_work_order")
        self.assertEqual(sequence.implementation, "no_gap")
        first, second = self._order(), self._order()
        self.assertTrue(first.name.startswith("WX"))
        self.assertEqual(int(second.name.split("-")[-1]), int(first.name.split("-")[-1]) + 1)

    def test_immediate_deadline_across_midnight(self):
        # 23:55 in Shanghai is 15:55 UTC; the technician must be there by 00:10 the next day.
        received = datetime(2026, 3, 1, 15, 55)
        order = self._order(date_received=received)
        self.assertEqual(order.date_arrival_deadline, datetime(2026, 3, 1, 16, 10))
        local = fields.Datetime.context_timestamp(
            order.with_context(tz="Asia/Shanghai"), order.date_arrival_deadline
        )
        self.assertEqual((local.day, local.hour, local.minute), (2, 0, 10))
        # And across UTC midnight too.
        order = self._order(date_received=datetime(2026, 3, 1, 23, 50))
        self.assertEqual(order.date_arrival_deadline, datetime(2026, 3, 2, 0, 5))

    def test_full_flow_with_times(self):
        with freeze_time("2027-03-02 02:00:00"):
            order = self._order()
        with freeze_time("2027-03-02 02:05:00"):
            order = self._assign(order)
        self.assertEqual(order.state, "assigned")
        self.assertEqual(order.supervisor_id, self.engsup)
        self.assertEqual(order.response_minutes, 5.0)
        # At the appointment time the supervisor phones the resident (篇2 二 六) 1).
        check = order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("hanling_property.mail_activity_type_work_order_punctuality")
            )
        )
        self.assertEqual(check.user_id, self.engsup)
        self.assertEqual(check.date_deadline, fields.Date.to_date("2027-03-02"))
        with freeze_time("2027-03-02 02:12:00"):
            order.with_user(self.tech).action_arrive_scan(order.unit_id._hanling_portal_url())
        self.assertEqual(order.state, "in_progress")
        self.assertEqual(order.date_arrived, datetime(2027, 3, 2, 2, 12))
        self.assertTrue(order.arrived_on_time)
        self.assertEqual(order.on_time_rate, 100.0)
        self.assertEqual(order.arrival_delay_minutes, 0.0)
        order.with_user(self.engsup).punctuality = "on_time"
        self.assertFalse(check.exists())  # the punctuality call is done
        with freeze_time("2027-03-02 03:42:00"):
            tech_order = order.with_user(self.tech)
            with self.assertRaises(UserError):
                tech_order.action_finish()  # no inspection recorded yet
            tech_order.write({"inspection_note": "阀芯老化", "work_note": "更换阀芯"})
            tech_order.action_finish()
        self.assertEqual(order.state, "done")
        self.assertEqual(order.duration_hours, 1.5)
        # 篇2 二 六) 3 "维修结束24小时内": the callback is planned at the end of the repair, due
        # 24 hours after it, by the engineering supervisor.
        self.assertEqual(order.callback_state, "planned")
        self.assertEqual(order.callback_date_due, datetime(2027, 3, 3, 3, 42))
        self.assertEqual(order.callback_ids.user_id, self.engsup)
        with self.assertRaises(UserError):
            order.with_user(self.tech).action_accept()  # not signed yet
        with freeze_time("2027-03-02 03:45:00"):
            self._accept(order)
        self.assertEqual(order.state, "accepted")
        self.assertEqual(order.date_accepted, datetime(2027, 3, 2, 3, 45))
        self.assertEqual(order.resident_signed_on, datetime(2027, 3, 2, 3, 45))
        # Acceptance does not move the clock.
        self.assertEqual(order.callback_date_due, datetime(2027, 3, 3, 3, 42))
        self.assertEqual(len(order.sudo().callback_ids), 1)
        with self.assertRaises(UserError):
            order.with_user(self.engsup).action_close()  # callback not done
        self._callback_done(order, satisfaction="4")
        self.assertEqual(order.callback_state, "done")
        self.assertEqual(order.satisfaction_score, 4.0)
        with freeze_time("2027-03-02 09:00:00"):
            order.with_user(self.engsup).action_close()
        self.assertEqual(order.state, "closed")
        self.assertEqual(order.date_closed, datetime(2027, 3, 2, 9, 0))

    def test_refused_transitions(self):
        order = self._order()
        engsup_order = order.with_user(self.engsup)
        for action in (
            "action_start",
            "action_resident_absent",
            "action_finish",
            "action_accept",
            "action_close",
            "action_create_invoice",
        ):
            with self.assertRaises(UserError, msg=action):
                getattr(engsup_order, action)()
        with self.assertRaises(UserError):
            engsup_order.action_assign()  # no technician
        engsup_order.technician_id = self.tech
        engsup_order.service_id = False
        with self.assertRaises(UserError):
            engsup_order.action_assign()  # no catalogue service
        engsup_order.service_id = self.paid_service
        engsup_order.write({"urgency": "appointment", "appointment_date": False})
        with self.assertRaises(UserError):
            engsup_order.action_assign()  # appointment without a time
        engsup_order.write({"urgency": "immediate"})
        engsup_order.action_assign()
        with self.assertRaises(UserError):
            engsup_order.action_assign()
        with self.assertRaises(UserError):
            engsup_order.action_cancel()  # no reason
        self.assertEqual(order.state, "assigned")
        self._finish(order)
        with self.assertRaises(UserError):
            engsup_order.action_arrive_scan(engsup_order.unit_id._hanling_portal_url())
        with self.assertRaises(UserError):
            engsup_order.action_cancel()
        with self.assertRaises(UserError):
            engsup_order.action_refer()
        with self.assertRaises(UserError):
            engsup_order.action_set_fee()  # fee not uncertain
        self._accept(order)
        with self.assertRaises(UserError):
            engsup_order.action_finish()
        with self.assertRaises(UserError):
            order.with_user(self.users["t_manager"]).unlink()
        self._callback_done(order)
        engsup_order.action_close()
        for action in (
            "action_assign",
            "action_start",
            "action_finish",
            "action_accept",
            "action_close",
            "action_cancel",
            "action_refer",
        ):
            with self.assertRaises(UserError, msg=action):
                getattr(engsup_order, action)()

    def test_cancel_and_refer_with_reason(self):
        order = self._assign(self._order())
        order.cancel_reason = "业户自行修好"
        order.action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertTrue(order.date_cancelled)
        self.assertFalse(order.activity_ids)
        order.with_user(self.users["t_manager"]).unlink()

        order = self._order(user=self.duty)
        with self.assertRaises(UserError):
            order.action_refer()
        order.referral_note = "某某空调公司,空调维修,0571-88886666"
        order.action_refer()
        self.assertEqual(order.state, "referred")
        self.assertEqual(order.invoice_status, "none")

    def test_resident_absent_keeps_every_missed_visit(self):
        order = self._assign(self._order())
        first_deadline = order.date_arrival_deadline
        new_time = fields.Datetime.now() + timedelta(days=1)
        action = order.with_user(self.tech).action_resident_absent()
        self.assertEqual(action["res_model"], "hanling.work.order.visit")
        visit_form = Form(
            self.env["hanling.work.order.visit"]
            .with_user(self.tech)
            .with_context(action["context"])
        )
        visit_form.note = "门上留言条:请致电管理处重新预约"
        visit_form.new_appointment = new_time
        visit_form.save()
        self.assertEqual(order.state, "assigned")
        self.assertEqual(order.missed_visit_count, 1)
        self.assertEqual(order.visit_ids.date_planned, first_deadline)
        self.assertEqual(order.urgency, "appointment")
        self.assertEqual(order.date_arrival_deadline, new_time)
        # The office is told; the supervisor re-checks at the new time.
        self.assertIn("留言条", order.message_ids[0].body)
        self.assertIn(self.engsup.partner_id, order.message_ids[0].partner_ids)
        checks = order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("hanling_property.mail_activity_type_work_order_punctuality")
            )
        )
        self.assertEqual(len(checks), 1)
        self.assertEqual(
            checks.date_deadline,
            fields.Datetime.context_timestamp(checks, new_time).date(),
        )
        # Missed again: both visits are kept.
        self.env["hanling.work.order.visit"].with_user(self.tech).create(
            {"order_id": order.id, "note": "第二次不在家"}
        )
        self.assertEqual(order.missed_visit_count, 2)
        self.assertFalse(order.appointment_date)
        with self.assertRaises(UserError):
            self.env["hanling.work.order.visit"].create({"order_id": order.id, "note": "  "})
        order.with_user(self.tech).action_arrive_scan(order.unit_id._hanling_portal_url())
        with self.assertRaises(UserError):
            self.env["hanling.work.order.visit"].create({"order_id": order.id, "note": "x"})

    def test_missed_visit_time_and_author_are_the_servers(self):
        """The order's punctuality is judged by when the technician stood at the door: the
        visit's time and author are stamped at the record, never sent, never changed after."""
        order = self._assign(self._order())
        other = self._assign(self._order())
        Visit = self.env["hanling.work.order.visit"].with_user(self.tech)
        before = order.date_arrival_deadline - timedelta(minutes=5)
        with self.assertRaisesRegex(WorkflowGuardError, "Visited On"):
            Visit.create({"order_id": order.id, "note": "不在家", "date": before})
        with self.assertRaisesRegex(WorkflowGuardError, "Recorded By"):
            Visit.create({"order_id": order.id, "note": "不在家", "user_id": self.env.uid})
        self.assertFalse(order.visit_ids, "nothing recorded by the refused calls")
        with freeze_time("2026-03-02 08:00:00"):
            visit = Visit.create({"order_id": order.id, "note": "不在家"})
        self.assertEqual(visit.date, datetime(2026, 3, 2, 8, 0))
        self.assertEqual(visit.user_id, self.tech)
        # A context default is the client's too: the visit gets the server's time.
        with freeze_time("2026-03-02 08:05:00"):
            defaulted = Visit.with_context(default_date=fields.Datetime.to_string(before)).create(
                {"order_id": order.id, "note": "第二次不在家"}
            )
        self.assertEqual(defaulted.date, datetime(2026, 3, 2, 8, 5))
        duty = visit.with_user(self.users["t_duty"])
        with self.assertRaisesRegex(WorkflowGuardError, "Visited On"):
            duty.write({"date": before})
        with self.assertRaisesRegex(UserError, "stays on the work order"):
            duty.write({"order_id": other.id})
        self.assertEqual((visit.date, visit.order_id), (datetime(2026, 3, 2, 8, 0), order))
        # The office agrees the next visit with the resident afterwards: that it may write.
        duty.write({"new_appointment": datetime(2026, 3, 3, 9, 0)})
        self.assertEqual(visit.new_appointment, datetime(2026, 3, 3, 9, 0))

    def test_change_of_judgement_told_to_resident(self):
        order = self._assign(self._order())
        tech_order = order.with_user(self.tech)
        tech_order.action_arrive_scan(tech_order.unit_id._hanling_portal_url())
        tech_order.write({"inspection_note": "以为是阀芯", "change_note": "实为水管破裂"})
        with self.assertRaises(UserError):
            tech_order.action_finish()
        tech_order.resident_informed = True
        tech_order.action_finish()
        self.assertEqual(order.state, "done")

    def test_late_arrival_and_overdue_filter(self):
        order = self._order(date_received=self._ago(minutes=40))
        self.assertTrue(order.is_arrival_overdue)
        Order = self.env["hanling.work.order"]
        self.assertIn(order, Order.search([("is_arrival_overdue", "=", True)]))
        self.assertNotIn(order, Order.search([("is_arrival_overdue", "=", False)]))
        fresh = self._order()
        self.assertFalse(fresh.is_arrival_overdue)
        self.assertIn(fresh, Order.search([("is_arrival_overdue", "!=", True)]))
        self._assign(order)
        order.with_user(self.tech).action_arrive_scan(order.unit_id._hanling_portal_url())
        self.assertFalse(order.is_arrival_overdue)
        self.assertFalse(order.arrived_on_time)
        self.assertEqual(order.on_time_rate, 0.0)
        self.assertAlmostEqual(order.arrival_delay_minutes, 25.0, delta=0.1)

    def test_cron_reports_overdue_once(self):
        order = self._assign(self._order(date_received=self._ago(minutes=30)))
        late_type = self.env.ref("hanling_property.mail_activity_type_work_order_late")
        Order = self.env["hanling.work.order"]
        Deadlines = self.env["hanling.deadline.mixin"]
        Deadlines._cron_check_deadlines()
        Deadlines._cron_check_deadlines()
        late = order.activity_ids.filtered(lambda a: a.activity_type_id == late_type)
        self.assertEqual(len(late), 1)
        self.assertEqual(late.user_id, self.engsup)
        # Overdue callbacks are reminded once as well.
        done = self._finish(self._assign(self._order()))
        self._accept(done)
        callback = done.sudo().callback_ids
        callback.date_due = self._ago(hours=1)
        self.assertTrue(done.is_callback_overdue)
        self.assertIn(done, Order.search([("is_callback_overdue", "=", True)]))
        self.assertNotIn(done, Order.search([("is_callback_overdue", "=", False)]))
        Deadlines._cron_check_deadlines()
        Deadlines._cron_check_deadlines()
        calls = callback.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(len(calls), 1)
        cron = self.env.ref("hanling_property.ir_cron_deadlines")
        self.assertEqual(cron.code, "model._cron_check_deadlines()")

    def test_print_three_copies(self):
        order = self._accept(
            self._finish(
                self._assign(self._order()),
                [
                    {"name": "阀芯", "quantity": 1, "price_unit": 15.0},
                ],
            )
        )
        html = (
            self.env["ir.actions.report"]
            .with_context(lang="en_US")
            ._render_qweb_html("hanling_property.action_report_work_order", order.ids)[0]
            .decode()
        )
        for label in ("Resident Copy", "Finance Copy", "Stub (Filed)"):
            self.assertEqual(html.count(label), 1, label)
        self.assertEqual(html.count(order.name), 3 + html.count(f"维修单 {order.name}"))
        self.assertIn("阀芯", html)
        self.assertIn("王伟", html)

    def test_query_budget_create_and_finish(self):
        Order = self.env["hanling.work.order"].with_user(self.duty)
        vals = {
            "unit_id": self.unit.id,
            "description": "漏水",
            "service_id": self.paid_service.id,
        }
        Order.create(vals)  # warm the caches
        self.env.invalidate_all()
        # 18: before, the warm-up create left its number in ``vals`` and this one drew none
        # (two orders with one number, now refused by the database).
        with self.assertQueryCount(__system__=18):
            order = Order.create(vals)
        self._assign(order)
        tech_order = order.with_user(self.tech)
        tech_order.action_arrive_scan(tech_order.unit_id._hanling_portal_url())
        tech_order.inspection_note = "阀芯老化"
        self.env.flush_all()
        self.env.invalidate_all()
        # 9, and the row lock every action takes first (tools/locking.py); and the callback the
        # end of the repair plans (篇2 二 六) 3, moved here from the acceptance): the callback,
        # its creation note and the supervisor's phone-call to-do, which makes them a follower
        # (35 measured; 73 when the to-do also mailed the supervisor and the technician followed
        # the callback).
        with self.assertQueryCount(__system__=38):
            tech_order.action_finish()
            self.env.flush_all()
        self.assertEqual(order.state, "done")
