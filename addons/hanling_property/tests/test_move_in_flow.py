from datetime import datetime, timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from ..tools.workflow import workflow_grant
from .decoration_common import DecorationCase

MOVE_IN_CODES = {
    "property_agreement",
    "move_in_notice",
    "id_copy",
    "owner_covenant",
    "fire_responsibility",
    "handover_confirmation",
    "key_receipt",
    "defect_rectification",
    "bank_collection",
    "resident_register",
}


@tagged("post_install", "-at_install")
class TestMoveInFlow(DecorationCase):
    def _new_move_in(self, user="t_staff", **vals):
        with Form(self.env["hanling.move.in"].with_user(self.users[user])) as form:
            form.unit_id = self.unit
            form.partner_id = self.owner
            for name, value in vals.items():
                setattr(form, name, value)
        return form.record

    def test_checklist_prefilled_with_manual_documents(self):
        move_in = self._new_move_in()
        self.assertTrue(move_in.name.startswith("RH"))
        self.assertEqual(set(move_in.document_line_ids.mapped("code")), MOVE_IN_CODES)
        self.assertEqual(set(move_in.document_line_ids.mapped("document_set")), {"move_in"})
        self.assertEqual(
            sorted(move_in.utility_ids.mapped("utility")),
            ["cable_tv", "electricity", "gas", "phone", "water"],
        )
        self.assertFalse(move_in.documents_complete)

    def test_given_lines_completed_with_the_rest_of_the_checklist(self):
        notice = self.env.ref("hanling_property.document_type_move_in_move_in_notice")
        move_in = self.env["hanling.move.in"].create(
            {
                "unit_id": self.unit.id,
                "partner_id": self.owner.id,
                "document_line_ids": [(0, 0, {"type_id": notice.id, "received": True})],
            }
        )
        self.assertEqual(set(move_in.document_line_ids.mapped("code")), MOVE_IN_CODES)
        self.assertEqual(move_in.document_line_ids.filtered("received").type_id, notice)

    def test_full_move_in_makes_owner_occupant(self):
        staff = self.users["t_staff"]
        move_in = self._new_move_in()
        self.assertEqual(move_in.user_id, staff)
        move_in.action_start()
        self.assertEqual(move_in.state, "in_progress")
        self.assertTrue(move_in.date_started)
        with Form(move_in) as form:
            form.identity_checked = True
            form.bank_agreement = True
            form.cleaning_answer = "declined"
            with form.key_ids.new() as key:
                key.key_type = "unit_door"
                key.quantity = 3
            with form.key_ids.new() as key:
                key.key_type = "mailbox"
                key.quantity = 2
            with form.defect_ids.new() as defect:
                defect.location = "主卧"
                defect.description = "窗框密封胶开裂"
        water = move_in.utility_ids.filtered(lambda u: u.utility == "water")
        water.action_request()
        self.assertEqual(water.state, "requested")
        received = self.receive(move_in.document_line_ids)
        self.assertTrue(all(received.mapped("received")))
        self.assertEqual(set(received.mapped("date_received")), {self.today})
        self.assertTrue(move_in.documents_complete)
        self.assertEqual(self.unit.state, "vacant")

        move_in.action_done()

        self.assertEqual(move_in.state, "done")
        occupancy = move_in.occupancy_id
        self.assertEqual(occupancy.partner_id, self.owner)
        self.assertEqual(occupancy.role, "owner")
        self.assertEqual(occupancy.date_start, self.today)
        self.assertEqual(self.unit.state, "occupied")
        self.assertIn(self.unit, self.owner.hanling_unit_ids)
        self.assertEqual(sum(move_in.key_ids.mapped("quantity")), 5)
        self.assertIn(move_in, self.unit.move_in_ids)

        filed = move_in._hanling_documents_to_file()
        self.assertEqual(len(filed), len(received))
        self.assertEqual({code for code, _att, _set in filed}, set(received.mapped("code")))
        self.assertEqual({set_name for _code, _att, set_name in filed}, {"move_in"})
        for _code, attachment, _set in filed:
            self.assertEqual(attachment.res_model, "hanling.document.line")
            self.assertEqual(attachment.raw, b"%PDF-1.4 scanned document")

    def test_document_received_without_scan_is_filed_without_attachment(self):
        move_in = self._new_move_in()
        line = move_in.document_line_ids.filtered(lambda line: line.code == "move_in_notice")
        line.received = True
        self.assertEqual(
            move_in._hanling_documents_to_file(), [("move_in_notice", False, "move_in")]
        )

    def test_completion_refusals(self):
        move_in = self._new_move_in()
        with self.assertRaisesRegex(UserError, "Start the reception"):
            move_in.action_done()
        move_in.action_start()
        with self.assertRaises(UserError):
            move_in.action_start()
        with self.assertRaisesRegex(UserError, "identity"):
            move_in.action_done()
        move_in.identity_checked = True
        with self.assertRaisesRegex(UserError, "keys"):
            move_in.action_done()
        move_in.key_ids = [(0, 0, {"key_type": "unit_door", "quantity": 2})]
        self.receive(move_in.document_line_ids)
        move_in.document_line_ids.filtered(lambda line: line.code == "owner_covenant").write(
            {"received": False, "file": False}
        )
        with self.assertRaisesRegex(UserError, "Signed Owners' Covenant"):
            move_in.action_done()
        self.assertEqual(move_in.state, "in_progress")
        self.assertFalse(move_in.occupancy_id)
        self.assertEqual(self.unit.state, "vacant")

    def test_cancel_reset_and_delete(self):
        move_in = self._new_move_in()
        with self.assertRaises(UserError):
            move_in.action_reset()
        move_in.action_cancel()
        self.assertEqual(move_in.state, "cancel")
        with self.assertRaises(UserError):
            move_in.action_cancel()
        move_in.action_reset()
        self.assertEqual(move_in.state, "draft")
        done = self._done_move_in(move_in, minutes=10)
        with self.assertRaises(UserError):
            done.action_cancel()
        with self.assertRaises(UserError):
            done.with_user(self.users["t_manager"]).unlink()

    def test_one_open_reception_per_unit(self):
        self._new_move_in()
        with self.assertRaises(ValidationError):
            self.env["hanling.move.in"].create(
                {"unit_id": self.unit.id, "partner_id": self.owner.id}
            )

    def test_home_visit_appointment_scheduled_for_clerk(self):
        staff = self.users["t_staff"]
        when = datetime.now() + timedelta(days=2)
        move_in = self._new_move_in(mode="home_visit", date_appointment=when)
        activity = move_in.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, staff)
        self.assertEqual(activity.date_deadline, when.date())
        self.assertIn("Home visit", activity.summary)

    # ------------------------------------------------------------------ 30-minute target

    def _done_move_in(self, move_in, minutes, user=None, start=None):
        start = start or datetime(2026, 3, 2, 9, 0)
        # Statistics set-up: a reception finished in the past, written as it was (test data
        # only: the state itself changes through the actions).
        with workflow_grant("hanling.move.in"):
            move_in.write(
                {
                    "state": "done",
                    "date_started": start,
                    "date_done": start + timedelta(minutes=minutes),
                    **({"user_id": user.id} if user else {}),
                }
            )
        return move_in

    def test_duration_and_on_time_flag(self):
        move_in = self._new_move_in()
        self._done_move_in(move_in, minutes=30)
        self.assertEqual(move_in.duration, 30.0)
        self.assertTrue(move_in.is_on_time)
        with workflow_grant("hanling.move.in"):
            move_in.date_done = move_in.date_started + timedelta(minutes=31, seconds=30)
        self.assertEqual(move_in.duration, 31.5)
        self.assertFalse(move_in.is_on_time)
        self.assertEqual(move_in.on_time_rate, 0.0)

    def test_statistics_per_clerk_and_month(self):
        staff, cssup = self.users["t_staff"], self.users["t_cssup"]
        units = self.env["hanling.unit"].create(
            [{"building_id": self.building.id, "floor": 5, "room": f"50{i}"} for i in range(4)]
        )
        MoveIn = self.env["hanling.move.in"]
        march, april = datetime(2026, 3, 10, 9, 0), datetime(2026, 4, 7, 14, 0)
        for unit, user, start, minutes in [
            (units[0], staff, march, 20),
            (units[1], staff, march, 40),
            (units[2], staff, april, 25),
            (units[3], cssup, march, 28),
        ]:
            move_in = MoveIn.create({"unit_id": unit.id, "partner_id": self.owner.id})
            self._done_move_in(move_in, minutes, user=user, start=start)
        groups = MoveIn._read_group(
            [("state", "=", "done"), ("unit_id", "in", units.ids)],
            ["user_id", "date_done:month"],
            ["duration:avg", "on_time_rate:avg", "__count"],
        )
        stats = {
            (user.login, month.strftime("%Y-%m")): (avg, rate, n)
            for user, month, avg, rate, n in groups
        }
        self.assertEqual(
            stats,
            {
                ("t_staff", "2026-03"): (30.0, 50.0, 2),
                ("t_staff", "2026-04"): (25.0, 100.0, 1),
                ("t_cssup", "2026-03"): (28.0, 100.0, 1),
            },
        )
        on_time = MoveIn.search_count([("unit_id", "in", units.ids), ("is_on_time", "=", True)])
        self.assertEqual(on_time, 3)

    # ------------------------------------------------------------------ access

    def test_access_per_group(self):
        move_in = self._new_move_in()
        # The duty officer sees receptions but does not run them.
        self.assertEqual(move_in.with_user(self.users["t_duty"]).state, "draft")
        with self.assertRaises(AccessError):
            self.env["hanling.move.in"].with_user(self.users["t_duty"]).create(
                {"unit_id": self.unit2.id, "partner_id": self.owner.id}
            )
        with self.assertRaises(AccessError):
            move_in.with_user(self.users["t_duty"]).action_start()
        with self.assertRaises(AccessError):
            move_in.with_user(self.users["t_tech"]).read(["name"])
        with self.assertRaises(AccessError):
            move_in.with_user(self.plain_user).read(["name"])
        with self.assertRaises(AccessError):
            move_in.with_user(self.users["t_staff"]).unlink()
        move_in.with_user(self.users["t_manager"]).unlink()

    def test_other_company_invisible(self):
        other = self.env["res.company"].create({"name": "另一个管理处"})
        community = self.env["hanling.community"].create(
            {"name": "别的小区", "code": "OTH", "company_id": other.id}
        )
        building = self.env["hanling.building"].create(
            {"name": "A栋", "code": "OA", "community_id": community.id}
        )
        unit = self.env["hanling.unit"].create(
            {"building_id": building.id, "floor": 1, "room": "101"}
        )
        foreign = self.env["hanling.move.in"].create(
            {
                "unit_id": unit.id,
                "partner_id": self.owner.id,
                "company_id": other.id,
                "user_id": self.env.user.id,
            }
        )
        own = self._new_move_in()
        visible = self.env["hanling.move.in"].with_user(self.users["t_manager"]).search([])
        self.assertIn(own, visible)
        self.assertNotIn(foreign, visible)
