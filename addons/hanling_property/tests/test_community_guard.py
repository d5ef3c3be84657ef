"""The workflow guard on counter sales, room bookings, registrations and roll calls.

A paid sale becomes refunded by the refund only (credit note and money given back), a booking
is cancelled by its button only, a registration's waiting place and money links are the
server's, and a roll call line moves on by its buttons.
"""

from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..tools.workflow import EditLockError, WorkflowGuardError
from .common import HanlingCase
from .test_community_events import CommunityEventCase
from .test_work_order_guard import FORGED_CONTEXT


@tagged("post_install", "-at_install")
class TestCounterSaleGuard(HanlingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.duty, cls.cssup = cls.users["t_duty"], cls.users["t_cssup"]
        cls.copying = cls.env.ref("hanling_property.service_paid_57")
        cls.fax = cls.env.ref("hanling_property.service_paid_55")
        cls.move = cls.env["account.move"].create(
            {"move_type": "out_refund", "partner_id": cls.owner.id}
        )

    def _sale(self, **vals):
        with Form(self.env["hanling.counter.sale"].with_user(self.duty)) as form:
            form.community_id = self.community
            form.partner_id = self.owner
            with form.line_ids.new() as line:
                line.service_id = self.copying
                line.quantity = 10
        sale = form.save()
        if vals:
            sale.write(vals)
        return sale

    def test_create_refuses_forged_state_and_money(self):
        Sale = self.env["hanling.counter.sale"].with_context(**FORGED_CONTEXT)
        for name, value in [
            ("state", "paid"),
            ("state", "refunded"),
            ("cashier_id", self.duty.id),
            ("date_paid", fields.Datetime.now()),
            ("invoice_id", self.move.id),
            ("refund_id", self.move.id),
            ("name", "BC/2026/99999"),
        ]:
            for user in (self.duty, self.cssup):
                with (
                    self.subTest(field=name, user=user.login),
                    self.assertRaisesRegex(WorkflowGuardError, "of Business Centre Sale change"),
                ):
                    Sale.with_user(user).create({"community_id": self.community.id, name: value})
        self.assertTrue(self._sale().name.startswith("BC/"))

    def test_paid_sale_is_refunded_by_the_refund_only(self):
        sale = self._sale()
        sale.action_pay()
        self.assertEqual((sale.state, sale.cashier_id), ("paid", self.duty))
        for user in (self.duty, self.cssup):
            for vals in (
                {"state": "refunded"},
                {"state": "refunded", "date_refunded": fields.Datetime.now()},
                {"refund_id": self.move.id},
                {"cashier_id": self.cssup.id},
            ):
                with (
                    self.subTest(user=user.login, vals=vals),
                    self.assertRaisesRegex(WorkflowGuardError, "change through the document"),
                ):
                    sale.with_user(user).with_context(**FORGED_CONTEXT).sudo().write(vals)
        sale.invalidate_recordset()
        self.assertEqual(sale.state, "paid")
        self.assertFalse(sale.sudo().refund_id)
        # What was charged is frozen, on the sale and on its lines.
        with self.assertRaisesRegex(EditLockError, "is Paid: Lines can no longer be changed"):
            sale.line_ids.with_user(self.duty).price_unit = 0.01
        with self.assertRaisesRegex(EditLockError, "is Paid: Lines"):
            sale.line_ids.with_user(self.duty).unlink()
        with self.assertRaisesRegex(EditLockError, "is Paid: Lines"):
            self.env["hanling.counter.sale.line"].with_user(self.duty).create(
                {"sale_id": sale.id, "service_id": self.fax.id}
            )
        with self.assertRaisesRegex(EditLockError, "is Paid: Customer"):
            sale.with_user(self.duty).partner_id = self.env.ref(
                "hanling_property.partner_counter_walk_in"
            )
        self.assertEqual(sale.amount_total, 5.0)
        # The supervisor's refund: credit note and money given back.
        cssup_sale = sale.with_user(self.cssup)
        cssup_sale.refund_reason = "复印件作废"
        cssup_sale.action_refund()
        self.assertEqual(sale.state, "refunded")
        self.assertEqual(sale.sudo().refund_id.move_type, "out_refund")
        sale.invalidate_recordset()  # the amounts are read from the journal, not stored
        self.assertEqual(sale.amount_refunded, 5.0)
        with self.assertRaisesRegex(EditLockError, "is Refunded: Refund Reason"):
            cssup_sale.refund_reason = "改写"
        with self.assertRaisesRegex(UserError, "in the books"):
            sale.sudo().unlink()

    def test_cancel_by_the_button(self):
        sale = self._sale()
        with self.assertRaisesRegex(WorkflowGuardError, "State of Business Centre Sale"):
            sale.write({"state": "cancel"})
        sale.action_cancel()
        self.assertEqual(sale.state, "cancel")
        with self.assertRaisesRegex(UserError, "Only a draft sale can be charged"):
            sale.action_pay()
        with self.assertRaisesRegex(EditLockError, "is Cancelled: Lines"):
            sale.line_ids.quantity = 3


@tagged("post_install", "-at_install")
class TestRoomBookingGuard(HanlingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.duty = cls.users["t_duty"]
        cls.room = cls.env["hanling.room"].create(
            {"name": "棋牌室", "community_id": cls.community.id, "room_type": "chess"}
        )

    def _book(self, user=None, **vals):
        return (
            self.env["hanling.room.booking"]
            .with_user(user or self.duty)
            .create(
                {
                    "room_id": self.room.id,
                    "purpose": "象棋比赛",
                    "date_start": datetime(2026, 5, 1, 1, 0),
                    "date_stop": datetime(2026, 5, 1, 3, 0),
                    **vals,
                }
            )
        )

    def test_booking_cancelled_by_the_button_only(self):
        for vals in (
            {"state": "cancel"},
            {"date_cancelled": fields.Datetime.now()},
            {"booked_by_id": self.users["t_cssup"].id},
        ):
            with self.assertRaisesRegex(WorkflowGuardError, "of Room Booking change"):
                self._book(**vals).unlink()
        booking = self._book(booked_by_id=self.duty.id)  # the default a form sends
        self.assertEqual(booking.booked_by_id, self.duty)
        for user in (self.duty, self.users["t_cssup"]):
            with self.assertRaisesRegex(WorkflowGuardError, "State of Room Booking"):
                booking.with_user(user).with_context(**FORGED_CONTEXT).write({"state": "cancel"})
        booking.invalidate_recordset()
        self.assertEqual(booking.state, "confirmed")
        booking.with_user(self.duty).action_cancel()
        self.assertEqual(booking.state, "cancel")
        self.assertTrue(booking.date_cancelled)
        with self.assertRaisesRegex(EditLockError, "is Cancelled: From"):
            booking.with_user(self.users["t_cssup"]).date_start = datetime(2026, 5, 2, 1, 0)
        with self.assertRaisesRegex(UserError, "Only confirmed bookings can be cancelled"):
            booking.action_cancel()

    def test_session_keeps_its_own_booking(self):
        event = self.env["event.event"].create(
            {
                "name": "象棋兴趣班",
                "hanling_community_id": self.community.id,
                "hanling_room_id": self.room.id,
                "date_begin": datetime(2026, 5, 4, 1, 0),
                "date_end": datetime(2026, 5, 4, 3, 0),
            }
        )
        session = self.env["hanling.event.session"].create(
            {
                "event_id": event.id,
                "date_begin": datetime(2026, 5, 4, 1, 0),
                "date_end": datetime(2026, 5, 4, 3, 0),
            }
        )
        resident = self._book()
        # Pointing the session at a resident's booking would delete it with the session.
        with self.assertRaisesRegex(WorkflowGuardError, "Room Booking of Activity Session"):
            session.with_user(self.duty).booking_id = resident
        with self.assertRaisesRegex(WorkflowGuardError, "Roll Call Taken"):
            session.with_user(self.duty).date_roll_call = fields.Datetime.now()
        # A cancelled session booking keeps the times it freed when the session moves.
        booking = session.booking_id
        booking.action_cancel()
        session.write(
            {"date_begin": datetime(2026, 5, 6, 1, 0), "date_end": datetime(2026, 5, 6, 3, 0)}
        )
        self.assertEqual(booking.date_start, datetime(2026, 5, 4, 1, 0))
        session.unlink()
        self.assertTrue(resident.exists())


@tagged("post_install", "-at_install")
class TestRegistrationGuard(CommunityEventCase):
    def test_registration_money_and_waiting_list_are_the_servers(self):
        duty = self.users["t_duty"]
        Registration = self.env["event.registration"].with_user(duty).with_context(**FORGED_CONTEXT)
        invoice = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.owner.id}
        )
        for name, value in [
            ("hanling_invoice_id", invoice.id),
            ("hanling_refund_id", invoice.id),
            ("hanling_waiting", True),
            ("hanling_date_confirmed", fields.Datetime.now()),
        ]:
            with (
                self.subTest(field=name),
                self.assertRaisesRegex(WorkflowGuardError, "of Event Registration change"),
            ):
                Registration.create(
                    {"event_id": self.paid_class.id, "partner_id": self.owner.id, name: value}
                )
        first = self._register(self.paid_class, self.owner, user=duty)
        second = self._register(self.paid_class, self.parent, user=duty)
        waiting = self._register(self.paid_class, self.neighbour, user=duty)
        self.assertTrue(waiting.hanling_waiting)
        self.assertEqual(waiting.hanling_payment_state, "none")
        # Jumping the queue, or swapping the invoice for another, is refused.
        for record, vals in (
            (waiting, {"hanling_waiting": False}),
            (waiting, {"hanling_waiting_since": datetime(2020, 1, 1)}),
            (first, {"hanling_invoice_id": invoice.id}),
            (first, {"hanling_refund_id": invoice.id}),
        ):
            with self.assertRaisesRegex(WorkflowGuardError, "of Event Registration change"):
                record.with_user(duty).with_context(**FORGED_CONTEXT).sudo().write(vals)
        self.assertTrue(waiting.hanling_waiting)
        self.assertNotEqual(first.sudo().hanling_invoice_id, invoice)
        # The desk's buttons move them on: a cancellation frees the seat for the queue.
        first.with_user(duty).action_cancel()
        self.assertTrue(first.sudo().hanling_refund_id)
        self.assertEqual(waiting.state, "open")
        self.assertFalse(waiting.hanling_waiting)
        self.assertEqual(waiting.hanling_amount_invoiced, 200.0)
        # Odoo's own state is left to Odoo's event code.
        second.with_user(duty).action_set_done()
        self.assertEqual(second.state, "done")
        with self.assertRaisesRegex(EditLockError, "Guardian"):
            second.with_user(duty).hanling_guardian_id = self.neighbour


@tagged("post_install", "-at_install")
class TestAttendanceGuard(CommunityEventCase):
    def test_roll_call_moves_on_by_its_buttons(self):
        duty = self.users["t_duty"]
        centre = self.env["event.event"].create(
            {
                "name": "四点半学校",
                "hanling_community_id": self.community.id,
                "hanling_kind": "after_school",
                "date_begin": datetime(2026, 3, 2, 8, 30),
                "date_end": datetime(2026, 3, 2, 10, 0),
            }
        )
        child = self._register(
            centre,
            self.parent,
            name="李小宝",
            hanling_attendee_kind="child",
            hanling_age=7,
            hanling_guardian_id=self.parent.id,
        )
        session = self.env["hanling.event.session"].create(
            {"event_id": centre.id, "date_begin": centre.date_begin, "date_end": centre.date_end}
        )
        Attendance = self.env["hanling.event.attendance"].with_user(duty)
        with self.assertRaisesRegex(WorkflowGuardError, "State of Session Attendance"):
            Attendance.create(
                {"session_id": session.id, "registration_id": child.id, "state": "left"}
            )
        session.with_user(duty).action_roll_call()
        self.assertTrue(session.date_roll_call)
        line = session.attendance_ids.with_user(duty)
        for vals in (
            {"state": "present"},
            {"date_collected": fields.Datetime.now()},
            {"date_alerted": fields.Datetime.now() - timedelta(days=1)},
        ):
            with self.assertRaisesRegex(WorkflowGuardError, "of Session Attendance change"):
                line.with_context(**FORGED_CONTEXT).write(vals)
        self.assertEqual(line.state, "pending")
        line.action_present()
        with self.assertRaisesRegex(EditLockError, "Participant"):
            line.registration_id = self._register(centre, self.owner)
        line.collected_by = "妈妈"
        line.action_collected()
        self.assertEqual((line.state, line.collected_by), ("left", "妈妈"))
        with self.assertRaisesRegex(EditLockError, "is Left / Collected: Collected By"):
            line.collected_by = "别人"
        with self.assertRaisesRegex(UserError, "Only participants who are present"):
            line.action_collected()
