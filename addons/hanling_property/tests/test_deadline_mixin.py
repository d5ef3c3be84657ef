from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.hanling_property.tools.workflow import WorkflowGuardError

from .complaint_common import ComplaintCase
from .decoration_common import DecorationCase
from .work_order_common import WorkOrderCase

LATE = "hanling_property.mail_activity_type_work_order_late"
DEADLINE = "hanling_property.mail_activity_type_deadline"
CALL = "mail.mail_activity_data_call"


class DeadlineMixinCase:
    """Helpers shared by the deadline tests (mixed into each procedure's test case)."""

    def _check(self):
        return self.env["hanling.deadline.mixin"]._cron_check_deadlines()

    def _reminders(self, record, xmlid):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )

    def _done_messages(self, record, xmlid):
        """Messages of reminders marked done (the chatter keeps what was done)."""
        return self.env["mail.message"].search(
            [
                ("model", "=", record._name),
                ("res_id", "=", record.id),
                ("mail_activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )

    def _snapshot(self):
        """What a run of the check may change: activities, messages, every flag."""
        self.env.invalidate_all()
        flags = {}
        for name in self.env["hanling.deadline.mixin"]._deadline_models():
            Model = self.env[name]
            for spec in Model._deadline_specs().values():
                flags[name, spec["flag"]] = Model.search([(spec["flag"], "=", True)]).ids
        return {
            "activities": self.env["mail.activity"].search([]).ids,
            "messages": self.env["mail.message"].search_count([]),
            "flags": flags,
        }


@tagged("post_install", "-at_install")
class TestDeadlineDeclarations(WorkOrderCase):
    def test_every_deadline_is_declared_soundly(self):
        Mixin = self.env["hanling.deadline.mixin"]
        models = set(Mixin._deadline_models())
        expected = {
            "hanling.work.order",
            "hanling.callback",
            "hanling.complaint",
            "hanling.nonconformity",
            "hanling.decoration.permit",
        }
        self.assertLessEqual(expected, models)
        if "hanling.archive.borrow" in self.env:
            self.assertIn("hanling.archive.borrow", models)
        for name in models:
            Model = self.env[name]
            activities = []
            for key, spec in Model._deadline_specs().items():
                with self.subTest(model=name, deadline=key):
                    flag = Model._fields[spec["flag"]]
                    self.assertEqual(flag.type, "boolean")
                    self.assertTrue(flag.store and flag.index and flag.readonly)
                    self.assertEqual(flag.compute, "_compute_deadline_flags")
                    self.assertIn(Model._fields[spec["due"]].type, ("date", "datetime"))
                    if spec["done"]:
                        self.assertIn(spec["done"], Model._fields)
                    if spec["open_states"]:
                        states = dict(Model._fields[spec["state_field"]].selection)
                        self.assertLessEqual(set(spec["open_states"]), set(states))
                    for user_field in spec["user"]:
                        self.assertEqual(Model._fields[user_field].comodel_name, "res.users")
                    if spec["activity"]:
                        self.assertTrue(self.env.ref(spec["activity"]))
                        activities.append(spec["activity"])
            # One reminder type per deadline of a model: the reminder of each is told apart.
            self.assertEqual(len(activities), len(set(activities)), name)
        cron = self.env.ref("hanling_property.ir_cron_deadlines")
        self.assertEqual(cron.model_id.model, "hanling.deadline.mixin")
        self.assertEqual(cron.code, "model._cron_check_deadlines()")
        # The per-model reminders are gone: one scheduled action for every deadline.
        codes = self.env["ir.cron"].with_context(active_test=False).search([]).mapped("code")
        self.assertEqual([c for c in codes if "overdue" in c], [])

    def test_flags_are_the_servers(self):
        order = self._order(date_received=self._ago(hours=1))
        self.assertTrue(order.is_arrival_overdue)
        for name in self.env["hanling.deadline.mixin"]._deadline_models():
            Model = self.env[name]
            for spec in Model._deadline_specs().values():
                self.assertIn(spec["flag"], Model._workflow_owned_fields(), name)
        with self.assertRaises(WorkflowGuardError):
            order.with_user(self.engsup).write({"is_arrival_overdue": False})
        with self.assertRaises(WorkflowGuardError):
            self._order(is_arrival_overdue=True)
        self.assertTrue(order.is_arrival_overdue)


@tagged("post_install", "-at_install")
class TestWorkOrderDeadlines(DeadlineMixinCase, WorkOrderCase):
    def test_arrival_flag_follows_time_and_one_reminder(self):
        order = self._assign(self._order())
        Order = self.env["hanling.work.order"]
        self.assertFalse(order.is_arrival_overdue)
        self._check()
        self.assertFalse(self._reminders(order, LATE))
        with freeze_time(fields.Datetime.now() + timedelta(minutes=20)):
            # Stored: until the check runs, time passing changes nothing in the database.
            self.assertNotIn(order, Order.search([("is_arrival_overdue", "=", True)]))
            self.assertIn(order, self._check()["hanling.work.order"])
            self.assertTrue(order.is_arrival_overdue)
            self.assertIn(order, Order.search([("is_arrival_overdue", "=", True)]))
            self.assertNotIn(order, Order.search([("is_arrival_overdue", "=", False)]))
            reminder = self._reminders(order, LATE)
            self.assertEqual(len(reminder), 1)
            self.assertEqual(reminder.user_id, self.engsup)
            self.assertIn(order.name, reminder.summary)
            before = self._snapshot()
            self._check()
            self.assertEqual(self._snapshot(), before, "a second run changes nothing")
            # The technician arrives: the flag clears at once, the reminder is done.
            order.with_user(self.tech).action_arrive_scan(order.unit_id._hanling_portal_url())
            self.assertFalse(order.is_arrival_overdue)
            self.assertNotIn(order, Order.search([("is_arrival_overdue", "=", True)]))
            self.assertFalse(self._reminders(order, LATE))
            self.assertEqual(len(self._done_messages(order, LATE)), 1)
            self._check()
            self.assertFalse(self._reminders(order, LATE))

    def test_late_check_catches_up(self):
        orders = self._order(urgency="appointment", appointment_date=self._ago(hours=-2))
        orders |= self._order()
        for order in orders:
            self._assign(order)
        # The check did not run for three days: one run puts everything right, once.
        with freeze_time(fields.Datetime.now() + timedelta(days=3)):
            self._check()
            self.assertEqual(orders.mapped("is_arrival_overdue"), [True, True])
            for order in orders:
                self.assertEqual(len(self._reminders(order, LATE)), 1)
            before = self._snapshot()
            self._check()
            self.assertEqual(self._snapshot(), before)

    def test_stale_flag_is_corrected(self):
        # What a migration or a clock change may leave: a flag true that is not overdue.
        order = self._assign(self._order())
        self.env.flush_all()
        self.env.cr.execute(
            SQL("UPDATE hanling_work_order SET is_arrival_overdue = true WHERE id = %s", order.id)
        )
        self.env.invalidate_all()
        self.assertTrue(order.is_arrival_overdue)
        self._check()
        self.assertFalse(order.is_arrival_overdue)
        self.assertFalse(self._reminders(order, LATE))

    def test_abandoned_deadline_drops_its_reminder(self):
        order = self._assign(self._order(date_received=self._ago(hours=1)))
        self._check()
        self.assertEqual(len(self._reminders(order, LATE)), 1)
        order.write({"cancel_reason": "业主自行修好"})
        order.with_user(self.engsup).action_cancel()
        self.assertFalse(order.is_arrival_overdue)
        self.assertFalse(self._reminders(order, LATE))
        self.assertFalse(self._done_messages(order, LATE), "cancelled, not done")

    def test_callback_deadline(self):
        order = self._accept(self._finish(self._assign(self._order())))
        callback = order.sudo().callback_ids
        Order = self.env["hanling.work.order"]
        self.assertFalse(order.is_callback_overdue)
        self.assertEqual(len(self._reminders(callback, CALL)), 1, "the planned call")
        with freeze_time(fields.Datetime.now() + timedelta(hours=25)):
            self._check()
            self.assertTrue(callback.is_overdue)
            self.assertTrue(order.is_callback_overdue)
            self.assertIn(order, Order.search([("is_callback_overdue", "=", True)]))
            # The planned call is the reminder: no second one.
            self.assertEqual(len(self._reminders(callback, CALL)), 1)
            # Dismissed while still overdue: it comes back, once.
            self._reminders(callback, CALL).unlink()
            self._check()
            self._check()
            self.assertEqual(len(self._reminders(callback, CALL)), 1)
            self._callback_done(order)
            self.assertFalse(callback.is_overdue)
            self.assertFalse(order.is_callback_overdue)
            self.assertNotIn(order, Order.search([("is_callback_overdue", "=", True)]))
            self.assertFalse(self._reminders(callback, CALL))


@tagged("post_install", "-at_install")
class TestComplaintDeadlines(DeadlineMixinCase, ComplaintCase):
    def _approved_report(self, deadline):
        complaint = self._bring_to_handling(self._complaint())
        action = complaint.action_create_nonconformity()
        report = self.env["hanling.nonconformity"].browse(action["res_id"])
        report.write(
            {
                "cause": "维修工未按规程关闭水阀",
                "corrective_action": "对维修工再培训",
                "responsible_id": self.users["t_engsup"].id,
                "date_deadline": deadline,
            }
        )
        report.action_submit()
        report.with_user(self.users["t_manager"]).action_approve()
        return report

    def test_handling_deadline(self):
        complaint = self._complaint(date_deadline=fields.Datetime.now() + timedelta(hours=4))
        self._bring_to_handling(complaint)
        Complaint = self.env["hanling.complaint"]
        with freeze_time(fields.Datetime.now() + timedelta(hours=5)):
            self._check()
            self.assertTrue(complaint.is_overdue)
            self.assertIn(complaint, Complaint.search([("is_overdue", "=", True)]))
            reminder = self._reminders(complaint, DEADLINE)
            self.assertEqual(len(reminder), 1)
            self.assertEqual(reminder.user_id, self.department.head_id)
            self._check()
            self.assertEqual(self._reminders(complaint, DEADLINE), reminder)
            # A later deadline: no longer overdue; the reminder stays until the complaint is
            # dealt with, and goes with it (cancelled: removed, not done) at the next check.
            complaint.date_deadline = fields.Datetime.now() + timedelta(days=2)
            self.assertFalse(complaint.is_overdue)
            self._check()
            self.assertEqual(self._reminders(complaint, DEADLINE), reminder)
            complaint.cancel_reason = "业主撤回"
            complaint.action_cancel()
            self._check()
            self.assertFalse(self._reminders(complaint, DEADLINE))
            self.assertFalse(self._done_messages(complaint, DEADLINE))

    def test_nonconformity_deadline(self):
        report = self._approved_report(fields.Date.today())
        self.assertFalse(report.is_overdue)
        with freeze_time(fields.Datetime.now() + timedelta(days=2)):
            self._check()
            self.assertTrue(report.is_overdue)
            reminder = self._reminders(report, DEADLINE)
            self.assertEqual(len(reminder), 1)
            self.assertEqual(reminder.user_id, self.users["t_engsup"])
            self._check()
            self.assertEqual(len(self._reminders(report, DEADLINE)), 1)
            report.result = "已再培训"
            report.with_user(self.users["t_manager"]).action_done()
            self.assertFalse(report.is_overdue)
            self.assertFalse(self._reminders(report, DEADLINE))
            self.assertEqual(len(self._done_messages(report, DEADLINE)), 1)

    def test_draft_report_runs_no_deadline(self):
        complaint = self._bring_to_handling(self._complaint())
        action = complaint.action_create_nonconformity()
        report = self.env["hanling.nonconformity"].browse(action["res_id"])
        report.date_deadline = fields.Date.today() - timedelta(days=3)
        self._check()
        self.assertFalse(report.is_overdue)
        self.assertFalse(self._reminders(report, DEADLINE))


@tagged("post_install", "-at_install")
class TestDecorationDeadlines(DeadlineMixinCase, DecorationCase):
    def test_completion_deadline(self):
        permit = self.approved_permit(deposit=0.0)
        Permit = self.env["hanling.decoration.permit"]
        permit.action_start()
        self.env.flush_all()
        end = permit.date_end_effective
        with freeze_time(end + timedelta(days=1)):
            self.assertNotIn(permit, Permit.search([("is_completion_overdue", "=", True)]))
            self._check()
            self.assertTrue(permit.is_completion_overdue)
            reminder = self._reminders(permit, DEADLINE)
            self.assertEqual(len(reminder), 1)
            self.assertEqual(reminder.user_id, self.users["t_cssup"])
            self._check()
            self.assertEqual(len(self._reminders(permit, DEADLINE)), 1)
            permit.action_request_completion()
            self.assertFalse(permit.is_completion_overdue)
            self.assertFalse(self._reminders(permit, DEADLINE))
            # Inspection failed: back to the works, past the end: overdue again, one reminder.
            permit.inspection_note = "卫生间防水未做闭水试验"
            permit.with_user(self.users["t_engsup"]).action_inspection_failed()
            self.assertTrue(permit.is_completion_overdue)
            self._check()
            self._check()
            self.assertEqual(len(self._reminders(permit, DEADLINE)), 1)

    def test_extension_moves_the_deadline(self):
        permit = self.approved_permit(deposit=0.0)
        with freeze_time(permit.date_end_effective + timedelta(days=1)):
            self._check()
            self.assertTrue(permit.is_completion_overdue)
            self.env["hanling.decoration.extension"].create(
                {
                    "permit_id": permit.id,
                    "date_end_new": permit.date_end_effective + timedelta(days=10),
                    "reason": "材料延误",
                }
            ).with_user(self.users["t_cssup"]).action_approve()
            self.assertFalse(permit.is_completion_overdue)
            self.assertNotIn(
                permit,
                self.env["hanling.decoration.permit"].search(
                    [("is_completion_overdue", "=", True)]
                ),
            )

    def test_stored_dependant_follows_the_flag(self):
        """A stored field computed from a deadline's flag follows the scheduled check: the
        move-in's utilities_overdue (stored) turns true when time makes its line overdue and
        false when the line is activated, in the database, not only in the cache."""
        move_in = self.make_move_in()
        MoveIn = self.env["hanling.move.in"]
        self.assertTrue(MoveIn._fields["utilities_overdue"].store)
        gas = move_in.utility_ids.filtered(lambda u: u.utility == "gas")
        gas.with_user(self.users["t_staff"]).action_request()
        self.env.flush_all()
        self.assertFalse(move_in.utilities_overdue)
        with freeze_time(fields.Datetime.now() + timedelta(days=4)):
            self._check()
            self.env.flush_all()
            self.env.cr.execute(
                SQL("SELECT utilities_overdue FROM hanling_move_in WHERE id = %s", move_in.id)
            )
            self.assertEqual(self.env.cr.fetchone(), (True,), "stored by the check")
            self.env.invalidate_all()
            self.assertTrue(gas.is_overdue)
            self.assertTrue(move_in.utilities_overdue)
            self.assertIn(move_in, MoveIn.search([("utilities_overdue", "=", True)]))
            gas.with_user(self.users["t_staff"]).action_activate()
            self.env.invalidate_all()
            self.assertFalse(move_in.utilities_overdue)
            self.assertNotIn(move_in, MoveIn.search([("utilities_overdue", "=", True)]))
