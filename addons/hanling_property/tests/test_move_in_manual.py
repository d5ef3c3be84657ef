"""Issue 15 item 14: the move-in as 篇1 一 writes it — utilities followed to done, the new-home
cleaning offered and booked, the moving service, the decoration warranty follow-up."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..tools.workflow import EditLockError, WorkflowGuardError, workflow_grant
from .decoration_common import DecorationCase
from .guard_common import GUARD, LOCKED, GuardAssertions


@tagged("post_install", "-at_install")
class TestMoveInManual(GuardAssertions, DecorationCase):
    def _cron(self):
        return self.env["hanling.deadline.mixin"]._cron_check_deadlines()

    def _reminders(self, records, xmlid):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )

    # ------------------------------------------------------------------ utilities

    def test_requested_utility_is_chased_until_activated(self):
        """篇1 (一) 1) 4: "在业户收楼入伙办理时可以及时开通或办理以上各类服务项目" — water,
        power, gas, telephone and cable TV asked for at the move-in are followed to done: an
        expected date, an overdue flag and one reminder for the clerk, closed by the activation."""
        staff = self.users["t_staff"]
        move_in = self.make_move_in()
        self.assertEqual(
            sorted(move_in.utility_ids.mapped("utility")),
            ["cable_tv", "electricity", "gas", "phone", "water"],
        )
        by_kind = {u.utility: u.with_user(staff) for u in move_in.utility_ids}
        gas, water = by_kind["gas"], by_kind["water"]
        gas.action_request()
        water.action_request()
        self.assertEqual(gas.date_requested, self.today)
        self.assertEqual(gas.date_due, self.today + timedelta(days=3))
        self.assertFalse(gas.is_overdue)
        self.assertFalse(self._cron()["hanling.move.in.utility"])
        with freeze_time(datetime.now() + timedelta(days=4)):
            overdue = self._cron()["hanling.move.in.utility"]
            self.assertEqual(overdue, gas | water)
            self.assertTrue(gas.is_overdue)
            self.assertTrue(move_in.utilities_overdue)
            reminders = self._reminders(gas | water, "hanling_property.mail_activity_type_utility")
            self.assertEqual(len(reminders), 2)
            self.assertEqual(reminders.user_id, staff)
            self.assertIn(move_in.name, reminders[0].summary)
            # Idempotent: a second run makes no second reminder.
            self._cron()
            xmlid = "hanling_property.mail_activity_type_utility"
            self.assertEqual(self._reminders(gas | water, xmlid), reminders)
            gas.action_activate()
            self.assertEqual(gas.state, "done")
            self.assertTrue(gas.date_activated)
            self.assertFalse(gas.is_overdue)
            self.assertFalse(
                self._reminders(gas, "hanling_property.mail_activity_type_utility"),
                "the reminder of an activated utility is done",
            )
            activity_type = self.env.ref("hanling_property.mail_activity_type_utility")
            self.assertTrue(
                gas.message_ids.filtered(lambda m: m.mail_activity_type_id == activity_type),
                "the reminder was marked done in the chatter",
            )
            # Taken back: the deadline stops, its reminder goes.
            water.action_not_needed()
            self.assertFalse(water.is_overdue)
            self.assertFalse(water.date_due)
            self.assertFalse(self._reminders(water, "hanling_property.mail_activity_type_utility"))
            self.assertFalse(move_in.utilities_overdue)

    def test_utility_activation_is_the_buttons(self):
        """篇1 (一) 1) 4: the request and the activation dates are the buttons' — nobody writes a
        utility requested or activated, and an activated utility keeps its expected date."""
        move_in = self.make_move_in()
        phone = move_in.utility_ids.filtered(lambda u: u.utility == "phone")
        self._expect_guard(
            phone,
            ("t_staff", "t_manager"),
            {"date_requested": self.today, "date_activated": fields.Datetime.now()},
        )
        phone.date_due = self.today + timedelta(days=10)  # the clerk may set it before asking
        phone.with_user(self.users["t_staff"]).action_request()
        self.assertEqual(phone.date_due, self.today + timedelta(days=10))
        phone.action_activate()
        with self.assertRaisesRegex(EditLockError, "Expected By"):
            phone.with_user(self.users["t_staff"]).date_due = self.today

    # ------------------------------------------------------------------ cleaning

    def test_cleaning_offered_before_completion(self):
        """篇1 (一) 5): "业户入住时,将对新居进行必要的清洁" — the cleaning is offered at every
        move-in: the move-in is not completed before the owner's answer is recorded."""
        move_in = self.make_move_in(identity_checked=True)
        move_in.key_ids = [fields.Command.create({"key_type": "unit_door"})]
        self.receive(move_in.document_line_ids)
        move_in.action_start()
        with self.assertRaisesRegex(UserError, "Offer the new-home cleaning"):
            move_in.action_done()
        self.assertEqual(move_in.state, "in_progress")
        move_in.cleaning_answer = "declined"
        move_in.action_done()
        self.assertEqual(move_in.state, "done")
        with self.assertRaisesRegex(UserError, "has not asked for the new-home cleaning"):
            move_in.action_book_cleaning()
        self.assertFalse(move_in.cleaning_work_order_id)

    def test_cleaning_wanted_is_booked_as_a_work_order(self):
        """篇1 (一) 5): "由业户视需要时段预约上门提供专业家居清洁服务" — the cleaning the owner
        wants is booked at the chosen time as a work order of the catalogue's cleaning service,
        linked to the move-in."""
        staff = self.users["t_staff"]
        move_in = self.make_move_in(cleaning_answer="wanted").with_user(staff)
        cleaning = self.env.ref("hanling_property.service_paid_34")
        self.assertEqual(move_in.cleaning_service_id, cleaning)
        with self.assertRaisesRegex(UserError, "during or after the reception"):
            move_in.action_book_cleaning()
        move_in.action_start()
        with self.assertRaisesRegex(UserError, "time the owner chose"):
            move_in.action_book_cleaning()
        when = fields.Datetime.now().replace(microsecond=0) + timedelta(days=2)
        move_in.cleaning_date = when
        move_in.action_book_cleaning()
        order = move_in.cleaning_work_order_id
        self.assertTrue(order)
        self.assertEqual(order.service_id, cleaning)
        self.assertEqual((order.unit_id, order.partner_id), (self.unit, self.owner))
        self.assertEqual((order.urgency, order.appointment_date), ("appointment", when))
        self.assertEqual(order.state, "draft")
        self.assertIn(move_in.name, order.description)
        with self.assertRaisesRegex(UserError, "already booked"):
            move_in.action_book_cleaning()
        self.assertEqual(
            self.env["hanling.work.order"].search_count([("description", "ilike", move_in.name)]),
            1,
        )
        # The link is the button's: no one points the move-in at another order.
        self._expect_guard(move_in, ("t_staff", "t_manager"), {"cleaning_work_order_id": False})

    # ------------------------------------------------------------------ moving

    def _booking(self, user="t_staff", **values):
        start = fields.Datetime.now().replace(microsecond=0) + timedelta(days=1)
        return (
            self.env["hanling.moving.booking"]
            .with_user(self.users[user])
            .create(
                {
                    "unit_id": self.unit.id,
                    "partner_id": self.owner.id,
                    "date_start": start,
                    "date_end": start + timedelta(hours=3),
                    "unloading_zone": "1栋东侧落货区",
                    "guard_id": self.users["t_duty"].id,
                    "team": "office",
                    "team_leader_id": self.users["t_tech"].id,
                    "crew_size": 4,
                    **values,
                }
            )
        )

    def test_moving_booked_with_zone_guard_and_team(self):
        """篇1 (一) 3): "管理处将临时划出部分区域作为落货区,派专人看护;且组建以员工为主、社会搬运工
        为辅的搬运队" — a moving is booked for a time with its unloading zone, the guard who
        watches it and the office's moving team; the guard and the team leader are told."""
        move_in = self.make_move_in()
        action = move_in.action_book_moving()
        self.assertEqual(action["context"]["default_move_in_id"], move_in.id)
        booking = self._booking(move_in_id=move_in.id)
        self.assertTrue(booking.name.startswith("BJ"))
        self.assertEqual(move_in.moving_ids, booking)
        booking.action_confirm()
        self.assertEqual(booking.state, "confirmed")
        self.assertEqual(booking.confirmed_by_id, self.users["t_staff"])
        todo = booking.activity_ids
        self.assertEqual(todo.user_id, self.users["t_duty"] | self.users["t_tech"])
        self.assertIn("1栋东侧落货区", todo[0].summary)
        with self.assertRaisesRegex(EditLockError, "Unloading Zone"):
            booking.unloading_zone = "地下车库"
        booking.action_done()
        self.assertEqual(booking.state, "done")
        self.assertFalse(booking.activity_ids)

    def test_moving_needs_zone_guard_and_no_clash(self):
        """篇1 (一) 3): no booking without the zone and its guard (and the team leader when the
        office moves); a zone or a guard is not booked twice at the same time."""
        for values, reason in (
            ({"unloading_zone": " "}, "unloading zone"),
            ({"guard_id": False}, "guard"),
            ({"team_leader_id": False}, "leader of the office's moving team"),
        ):
            with self.subTest(reason=reason):
                booking = self._booking(**values)
                with self.assertRaisesRegex(UserError, reason):
                    booking.action_confirm()
                self.assertEqual(booking.state, "draft")
        # The resident's own movers need no team leader.
        own = self._booking(team="own", team_leader_id=False, guard_id=self.users["t_staff"].id)
        own.action_confirm()
        first = self._booking(unloading_zone="2栋北侧", guard_id=self.users["t_cssup"].id)
        first.action_confirm()
        same_zone = self._booking(
            unit_id=self.unit2.id,
            unloading_zone=" 2栋北侧 ",
            guard_id=self.users["t_engsup"].id,
            date_start=first.date_start + timedelta(hours=1),
            date_end=first.date_end + timedelta(hours=1),
        )
        with self.assertRaisesRegex(UserError, "is booked at that time"):
            same_zone.action_confirm()
        same_guard = self._booking(
            unit_id=self.unit2.id,
            unloading_zone="3栋",
            guard_id=self.users["t_cssup"].id,
            date_start=first.date_start + timedelta(hours=2),
        )
        with self.assertRaisesRegex(UserError, "already guards"):
            same_guard.action_confirm()
        later = self._booking(
            unit_id=self.unit2.id,
            unloading_zone="2栋北侧",
            guard_id=self.users["t_cssup"].id,
            date_start=first.date_end,
            date_end=first.date_end + timedelta(hours=2),
        )
        later.action_confirm()
        self.assertEqual(later.state, "confirmed")
        with self.assertRaisesRegex(ValidationError, "end after it starts"):
            self._booking(date_end=first.date_start - timedelta(days=2))

    def test_moving_booking_is_the_buttons(self):
        """篇1 (一) 3): the booking, who booked it and when it was done are the buttons'."""
        Booking = self.env["hanling.moving.booking"].with_user(self.users["t_staff"])
        with self.assertRaisesRegex(WorkflowGuardError, GUARD):
            self._booking(state="confirmed")
        booking = self._booking()
        self._expect_guard(
            booking,
            ("t_staff", "t_manager"),
            {
                "state": "confirmed",
                "confirmed_by_id": self.users["t_staff"].id,
                "date_finished": fields.Datetime.now(),
            },
        )
        self.assertEqual(Booking.browse(booking.id).state, "draft")
        with self.assertRaises(AccessError):
            booking.with_user(self.users["t_duty"]).action_confirm()
        booking.action_cancel()
        with self.assertRaisesRegex(EditLockError, LOCKED):
            booking.guard_id = self.users["t_cssup"]
        booking.action_draft()
        booking.guard_id = self.users["t_cssup"]

    # ------------------------------------------------------------------ decoration warranty

    def test_warranty_repairs_followed_up_after_completion(self):
        """篇1 (一) 2) 2: "协助业户跟进家居装饰保修期间的保修项目" — when the works passed
        inspection a follow-up of the warranty repairs is planned for the receiver; it is flagged
        and reminded when overdue, and recorded as done with what came of it."""
        staff = self.users["t_staff"]
        permit = self.completed_permit()
        xmlid = "hanling_property.mail_activity_type_warranty_followup"
        self.assertEqual(permit.date_warranty_due, self.today + timedelta(days=30))
        followup = self._reminders(permit, xmlid)
        self.assertEqual(len(followup), 1)
        self.assertEqual(followup.user_id, permit.received_by_id)
        self.assertEqual(followup.date_deadline, permit.date_warranty_due)
        self.assertFalse(permit.is_warranty_overdue)
        with freeze_time(datetime.now() + timedelta(days=31)):
            self.assertIn(permit, self._cron()["hanling.decoration.permit"])
            self.assertTrue(permit.is_warranty_overdue)
            self.assertEqual(self._reminders(permit, xmlid), followup, "still the one follow-up")
            followup.unlink()  # dismissed while overdue: it comes back
            self._cron()
            followup = self._reminders(permit, xmlid)
            self.assertEqual(len(followup), 1)
            permit = permit.with_user(staff)
            with self.assertRaisesRegex(UserError, "what the owner reported"):
                permit.action_warranty_followed()
            permit.warranty_note = "卫生间防水复查无渗漏;厨房柜门已由装修公司调整"
            permit.action_warranty_followed()
            self.assertFalse(permit.is_warranty_overdue)
            self.assertEqual(permit.warranty_followed_by_id, staff)
            self.assertTrue(permit.date_warranty_followed)
            self.assertFalse(self._reminders(permit, xmlid))
            with self.assertRaisesRegex(UserError, "already recorded"):
                permit.action_warranty_followed()

    def test_warranty_follow_up_is_the_buttons(self):
        """篇1 (一) 2) 2: the follow-up waits for the inspection, and its date and author are the
        button's."""
        permit = self.approved_permit()
        permit.warranty_note = "x"
        with self.assertRaisesRegex(UserError, "once the works passed inspection"):
            permit.action_warranty_followed()
        self._expect_guard(
            permit,
            ("t_staff", "t_cssup", "t_manager"),
            {
                "date_warranty_followed": fields.Datetime.now(),
                "warranty_followed_by_id": self.users["t_staff"].id,
                "date_warranty_due": self.today,
            },
        )
        self.assertFalse(permit.date_warranty_due)

    # ------------------------------------------------------------------ kernel

    def test_violation_opened_by_its_permits_step_only(self):
        """Kernel: a line declares ``_workflow_parent``; the parent's step opens its workflow
        fields, another model's step does not, and the line overrides nothing."""
        Violation = type(self.env["hanling.decoration.violation"])
        self.assertEqual(Violation._workflow_parent, "permit_id")
        self.assertNotIn(
            "_workflow_open",
            {
                name
                for cls in Violation.__mro__
                if getattr(cls, "_name", None) == "hanling.decoration.violation"
                for name in vars(cls)
            },
        )
        permit = self.approved_permit()
        violation = self.env["hanling.decoration.violation"].create(
            {"permit_id": permit.id, "description": "占用公共走道"}
        )
        entry = self.env["account.move"].search([], limit=1)
        with workflow_grant("hanling.move.in"):
            with self.assertRaisesRegex(WorkflowGuardError, GUARD):
                violation.move_id = entry
        with workflow_grant("hanling.decoration.permit"):
            violation.move_id = entry
        self.assertEqual(violation.move_id, entry)
