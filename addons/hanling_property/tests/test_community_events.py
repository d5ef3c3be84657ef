from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import HanlingCase

# Budgets for 20 children: they must not grow with the number of children.
QUERIES_ROLL_CALL = 12
QUERIES_ALERT = 20


class CommunityEventCase(HanlingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parent = cls.env["res.partner"].create({"name": "李娜", "mobile": "13900001111"})
        cls.neighbour = cls.env["res.partner"].create({"name": "赵敏"})
        cls.fee = cls.env["hanling.service"].create(
            {"name": "书画班", "fee_type": "paid", "list_price": 200.0}
        )
        start = fields.Datetime.now() + timedelta(days=10)
        cls.paid_class = cls.env["event.event"].create(
            {
                "name": "书画兴趣班",
                "hanling_community_id": cls.community.id,
                "hanling_kind": "interest",
                "hanling_service_id": cls.fee.id,
                "hanling_refund_days": 3,
                "date_begin": start,
                "date_end": start + timedelta(days=30),
                "seats_limited": True,
                "seats_max": 2,
            }
        )

    def _register(self, event, partner, user=None, **values):
        registrations = self.env["event.registration"]
        if user:
            registrations = registrations.with_user(user)
        return registrations.create(
            {"event_id": event.id, "partner_id": partner.id, "name": partner.name, **values}
        )


@tagged("post_install", "-at_install")
class TestCommunityEvents(CommunityEventCase):
    def test_staff_publish_activity_and_duty_registers(self):
        staff, duty = self.users["t_staff"], self.users["t_duty"]
        with Form(self.env["event.event"].with_user(staff)) as form:
            form.name = "老年课堂"
            form.hanling_community_id = self.community
            form.hanling_kind = "elderly"
            form.date_begin = fields.Datetime.now() + timedelta(days=1)
            form.date_end = fields.Datetime.now() + timedelta(days=2)
        event = form.save()
        self.assertFalse(event.hanling_is_paid)
        self.assertEqual(event.hanling_refund_rule, "Free activity: nothing to refund.")
        registration = self._register(event, self.owner, user=duty)
        self.assertEqual(registration.state, "open")
        self.assertEqual(registration.hanling_payment_state, "none")
        self.assertEqual(registration.hanling_community_id, self.community)
        # The duty officer registers but does not organise activities.
        with self.assertRaises(AccessError):
            event.with_user(duty).name = "改名"
        with self.assertRaises(AccessError):
            self.env["event.event"].with_user(self.plain_user).search([])

    def test_seats_limit_and_waiting_list(self):
        first = self._register(self.paid_class, self.owner)
        second = self._register(self.paid_class, self.parent)
        third, fourth = self.env["event.registration"].create(
            [
                {"event_id": self.paid_class.id, "partner_id": self.neighbour.id, "name": "赵敏"},
                {"event_id": self.paid_class.id, "partner_id": self.owner.id, "name": "王小明"},
            ]
        )
        self.assertEqual((first | second).mapped("state"), ["open", "open"])
        self.assertEqual(self.paid_class.seats_available, 0)
        self.assertEqual((third | fourth).mapped("state"), ["draft", "draft"])
        self.assertTrue(third.hanling_waiting and fourth.hanling_waiting)
        self.assertEqual(self.paid_class.hanling_waiting_count, 2)
        # Waiting people are not invoiced.
        self.assertEqual(third.hanling_payment_state, "none")
        # A full class refuses a manual confirmation.
        with self.assertRaises(UserError):
            third.action_confirm()
        # A seat freed goes to the first in the queue, who is then invoiced.
        first.action_cancel()
        self.assertEqual(first.state, "cancel")
        self.assertEqual(third.state, "open")
        self.assertFalse(third.hanling_waiting)
        self.assertTrue(third.hanling_date_confirmed)
        self.assertEqual(third.hanling_amount_invoiced, 200.0)
        self.assertEqual(fourth.state, "draft")
        self.assertTrue(fourth.hanling_waiting)
        # More seats: the waiting list moves up at once.
        self.paid_class.seats_max = 3
        self.assertEqual(fourth.state, "open")
        self.assertFalse(fourth.hanling_waiting)
        self.assertEqual(fourth.hanling_amount_invoiced, 200.0)
        # Someone waiting may also give up their place.
        fifth = self._register(self.paid_class, self.neighbour)
        self.assertTrue(fifth.hanling_waiting)
        fifth.action_cancel()
        self.assertEqual(fifth.state, "cancel")
        self.assertFalse(fifth.hanling_waiting)
        self.assertEqual(fifth.hanling_payment_state, "none")
        with self.assertRaises(UserError):
            fifth.action_cancel()

    def test_paid_registration_invoiced(self):
        registration = self._register(self.paid_class, self.owner, user=self.users["t_duty"])
        invoice = registration.sudo().hanling_invoice_id
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.partner_id, self.owner)
        self.assertEqual(invoice.amount_total, 200.0)
        self.assertEqual(invoice.invoice_line_ids.product_id, self.fee.product_id)
        self.assertEqual(registration.hanling_amount_invoiced, 200.0)
        self.assertEqual(registration.hanling_payment_state, "not_paid")
        self.assertEqual(registration.hanling_invoice_ref, invoice.name)
        # The desk cannot see the invoice record itself, only its number and amounts.
        with self.assertRaises(AccessError):
            invoice.with_user(self.users["t_duty"]).read(["amount_total"])

    def test_child_invoice_goes_to_guardian(self):
        registration = self.env["event.registration"].create(
            {
                "event_id": self.paid_class.id,
                "name": "李小宝",
                "hanling_attendee_kind": "child",
                "hanling_age": 8,
                "hanling_guardian_id": self.parent.id,
                "hanling_pickup_contact": "外婆",
                "hanling_pickup_phone": "139 0000 2222",
            }
        )
        self.assertEqual(registration.hanling_pickup_phone, "13900002222")
        self.assertEqual(registration.sudo().hanling_invoice_id.partner_id, self.parent)
        with self.assertRaises(ValidationError):
            registration.hanling_pickup_phone = "12345"
        with self.assertRaises(ValidationError):
            registration.hanling_guardian_id = False
        with self.assertRaises(ValidationError):
            registration.hanling_age = 0

    def test_paid_registration_without_payer_refused(self):
        with self.assertRaises(UserError):
            self.env["event.registration"].create({"event_id": self.paid_class.id, "name": "无名"})
        self.assertFalse(self.paid_class.registration_ids)

    def test_refund_in_time_by_credit_note(self):
        registration = self._register(self.paid_class, self.owner)
        invoice = registration.sudo().hanling_invoice_id
        registration.with_user(self.users["t_duty"]).action_cancel()
        refund = registration.sudo().hanling_refund_id
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.amount_total, 200.0)
        self.assertEqual(refund.reversed_entry_id, invoice)
        # The unpaid invoice is settled by its credit note: nothing left to pay.
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(registration.hanling_amount_refunded, 200.0)
        self.assertEqual(registration.hanling_payment_state, "reversed")

    def test_refund_of_paid_invoice_leaves_credit(self):
        registration = self._register(self.paid_class, self.owner)
        invoice = registration.sudo().hanling_invoice_id
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        registration.action_cancel()
        refund = registration.sudo().hanling_refund_id
        self.assertEqual(refund.state, "posted")
        # The money is still to be returned to the resident: the credit note stays open.
        self.assertEqual(refund.amount_residual, 200.0)

    def test_late_cancellation_not_refunded(self):
        registration = self._register(self.paid_class, self.owner)
        self.assertTrue(registration._hanling_refund_due())
        late = self.paid_class.date_begin - timedelta(days=2)
        self.assertFalse(registration._hanling_refund_due(late))
        with freeze_time(late):
            registration.action_cancel()
        self.assertEqual(registration.state, "cancel")
        self.assertFalse(registration.sudo().hanling_refund_id)
        self.assertEqual(registration.hanling_amount_refunded, 0.0)
        self.assertEqual(registration.sudo().hanling_invoice_id.payment_state, "not_paid")

    def test_attended_registration_cannot_be_cancelled(self):
        registration = self._register(self.paid_class, self.owner)
        registration.action_set_done()
        with self.assertRaises(UserError):
            registration.action_cancel()
        self.assertFalse(registration.sudo().hanling_refund_id)

    def test_refund_rule_published(self):
        self.assertEqual(
            self.paid_class.hanling_refund_rule,
            "Full refund when cancelled at least 3 day(s) before the start; no refund after that.",
        )
        with self.assertRaises(ValidationError):
            self.paid_class.hanling_refund_days = -1

    def test_children_data_hidden_from_technicians(self):
        start = datetime(2026, 3, 2, 8, 30)
        session = self.env["hanling.event.session"].create(
            {
                "event_id": self.paid_class.id,
                "date_begin": start,
                "date_end": start + timedelta(hours=1),
            }
        )
        with self.assertRaises(AccessError):
            session.with_user(self.users["t_tech"]).read(["name"])
        with self.assertRaises(AccessError):
            self.env["hanling.event.attendance"].with_user(self.users["t_tech"]).search([])


@tagged("post_install", "-at_install")
class TestAfterSchoolCentre(CommunityEventCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Monday 2026-03-02 to Sunday 2026-03-08, 16:30-18:00 Shanghai (08:30-10:00 UTC).
        cls.centre = cls.env["event.event"].create(
            {
                "name": "四点半学校",
                "hanling_community_id": cls.community.id,
                "hanling_kind": "after_school",
                "date_tz": "Asia/Shanghai",
                "date_begin": datetime(2026, 3, 2, 8, 30),
                "date_end": datetime(2026, 3, 8, 10, 0),
                "hanling_pickup_deadline": 18.5,
                "hanling_duty_user_id": cls.users["t_duty"].id,
            }
        )
        cls.child = cls.env["event.registration"].create(
            {
                "event_id": cls.centre.id,
                "name": "李小宝",
                "hanling_attendee_kind": "child",
                "hanling_age": 7,
                "hanling_guardian_id": cls.parent.id,
                "hanling_pickup_contact": "外婆",
                "hanling_pickup_phone": "13900002222",
            }
        )
        cls.child2 = cls.env["event.registration"].create(
            {
                "event_id": cls.centre.id,
                "name": "王小明",
                "hanling_attendee_kind": "child",
                "hanling_age": 9,
                "hanling_guardian_id": cls.owner.id,
            }
        )

    def test_weekday_sessions_generated_once(self):
        self.centre.action_hanling_generate_sessions()
        sessions = self.centre.hanling_session_ids
        self.assertEqual(len(sessions), 5)
        self.assertEqual(min(sessions.mapped("date_begin")), datetime(2026, 3, 2, 8, 30))
        self.assertEqual(max(sessions.mapped("date_begin")), datetime(2026, 3, 6, 8, 30))
        self.assertEqual(
            sessions[0].date_end - sessions[0].date_begin, timedelta(hours=1, minutes=30)
        )
        self.centre.action_hanling_generate_sessions()
        self.assertEqual(self.centre.hanling_session_count, 5)

    def _session(self):
        return self.env["hanling.event.session"].create(
            {
                "event_id": self.centre.id,
                "date_begin": datetime(2026, 3, 2, 8, 30),
                "date_end": datetime(2026, 3, 2, 10, 0),
            }
        )

    def test_roll_call_and_collection(self):
        session = self._session()
        duty = self.users["t_duty"]
        action = session.with_user(duty).action_roll_call()
        self.assertEqual(action["res_model"], "hanling.event.attendance")
        self.assertTrue(action["view_mode"].startswith("kanban"))
        lines = session.attendance_ids
        self.assertEqual(lines.registration_id, self.child | self.child2)
        # Calling the roll twice does not duplicate the list.
        session._roll_call()
        self.assertEqual(len(session.attendance_ids), 2)
        first = lines.filtered(lambda a: a.registration_id == self.child).with_user(duty)
        second = lines.filtered(lambda a: a.registration_id == self.child2).with_user(duty)
        with self.assertRaises(UserError):
            first.action_collected()
        first.action_present()
        second.action_absent()
        self.assertEqual(first.state, "present")
        self.assertTrue(first.date_arrived)
        self.assertEqual((session.present_count, session.absent_count), (1, 1))
        self.assertEqual(session.uncollected_count, 1)
        with self.assertRaises(UserError):
            second.action_absent()
        first.collected_by = "妈妈 李娜"
        first.action_collected()
        self.assertEqual(first.state, "left")
        self.assertEqual(first.collected_by, "妈妈 李娜")
        self.assertTrue(first.date_collected)
        self.assertEqual(session.uncollected_count, 0)
        # A child absent at first may still arrive.
        second.action_present()
        # No pick-up contact and nobody written down: refused.
        with self.assertRaises(UserError):
            second.action_collected()
        self.assertEqual(second.state, "present")

    def test_collected_by_defaults_to_pickup_contact(self):
        session = self._session()
        session._roll_call()
        line = session.attendance_ids.filtered(lambda a: a.registration_id == self.child)
        line.action_present()
        line.action_collected()
        self.assertEqual(line.collected_by, "外婆")

    def test_uncollected_child_alerts_duty_officer(self):
        session = self._session()
        session._roll_call()
        late, collected = session.attendance_ids.sorted(lambda a: a.registration_id != self.child)
        (late | collected).action_present()
        collected.collected_by = "爸爸 王伟"
        collected.action_collected()
        cron = self.env["hanling.event.attendance"]
        # 18:20 in Shanghai: not yet late.
        with freeze_time(datetime(2026, 3, 2, 10, 20)):
            self.assertFalse(cron._cron_alert_uncollected())
        self.assertFalse(late.activity_ids)
        # 18:31: the duty officer gets one activity for the child still there.
        with freeze_time(datetime(2026, 3, 2, 10, 31)):
            alerted = cron._cron_alert_uncollected()
        self.assertEqual(alerted, late)
        self.assertEqual(late.activity_ids.user_id, self.users["t_duty"])
        self.assertIn("李小宝", late.activity_ids.summary)
        self.assertFalse(collected.activity_ids)
        self.assertTrue(late.date_alerted)
        # Not twice.
        with freeze_time(datetime(2026, 3, 2, 11, 0)):
            self.assertFalse(cron._cron_alert_uncollected())
        self.assertEqual(len(late.activity_ids), 1)
        # Collected at last: the activity is done.
        late.collected_by = "外婆"
        late.action_collected()
        self.assertFalse(late.activity_ids)

    def test_no_collection_alert_outside_after_school(self):
        self.centre.hanling_kind = "tutoring"
        session = self._session()
        session._roll_call()
        session.attendance_ids.action_present()
        with freeze_time(datetime(2026, 3, 2, 12, 0)):
            self.assertFalse(self.env["hanling.event.attendance"]._cron_alert_uncollected())
        self.assertFalse(session.attendance_ids.activity_ids)

    def test_attendance_must_match_event(self):
        session = self._session()
        other = self._register(self.paid_class, self.owner)
        with self.assertRaises(ValidationError):
            self.env["hanling.event.attendance"].create(
                {"session_id": session.id, "registration_id": other.id}
            )

    def test_technician_cannot_take_roll_call(self):
        session = self._session()
        session._roll_call()
        with self.assertRaises(AccessError):
            session.attendance_ids[0].with_user(self.users["t_tech"]).action_present()


@tagged("post_install", "-at_install")
class TestCommunityPerformance(CommunityEventCase):
    def test_roll_call_and_alert_queries_do_not_grow(self):
        start = datetime(2026, 3, 2, 8, 30)
        centre = self.env["event.event"].create(
            {
                "name": "四点半学校",
                "hanling_community_id": self.community.id,
                "hanling_kind": "after_school",
                "date_tz": "Asia/Shanghai",
                "date_begin": start,
                "date_end": start + timedelta(days=4),
            }
        )
        self.env["event.registration"].create(
            [
                {
                    "event_id": centre.id,
                    "name": f"孩子{i}",
                    "hanling_attendee_kind": "child",
                    "hanling_age": 8,
                    "hanling_guardian_id": self.parent.id,
                    "hanling_pickup_contact": "家长",
                }
                for i in range(20)
            ]
        )
        session = self.env["hanling.event.session"].create(
            {"event_id": centre.id, "date_begin": start, "date_end": start + timedelta(hours=2)}
        )
        self.env.flush_all()
        with self.assertQueryCount(__system__=QUERIES_ROLL_CALL):
            session._roll_call()
            self.env.flush_all()
        self.assertEqual(len(session.attendance_ids), 20)
        session.attendance_ids.action_present()
        self.env.flush_all()
        self.env.invalidate_all()
        with (
            freeze_time(datetime(2026, 3, 2, 11, 0)),
            self.assertQueryCount(__system__=QUERIES_ALERT),
        ):
            alerted = self.env["hanling.event.attendance"]._cron_alert_uncollected()
            self.env.flush_all()
        self.assertEqual(len(alerted), 20)
