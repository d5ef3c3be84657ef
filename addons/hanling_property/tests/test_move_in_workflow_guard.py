"""Move-ins, their utilities and keys, ownership transfers: no client forges a step."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..tools.workflow import EditLockError, WorkflowGuardError
from .decoration_common import DecorationCase
from .guard_common import CONTEXTS, GUARD, LOCKED, GuardAssertions


@tagged("post_install", "-at_install")
class TestMoveInWorkflowGuard(GuardAssertions, DecorationCase):
    # ------------------------------------------------------------------ move-in

    def test_move_in_created_done_is_refused(self):
        occupancy = self.env["hanling.occupancy"].create(
            {"unit_id": self.unit2.id, "partner_id": self.owner.id}
        )
        now = fields.Datetime.now()
        MoveIn = self.env["hanling.move.in"]
        before = MoveIn.search_count([])
        for name, value in {
            "state": "done",
            "date_started": now,
            "date_done": now,
            "occupancy_id": occupancy.id,
            "name": "RH-0001",
        }.items():
            for context in CONTEXTS:
                with self.subTest(field=name, ctx=context):
                    with self.assertRaisesRegex(WorkflowGuardError, GUARD):
                        self.make_move_in(context=context, **{name: value})
        self.assertEqual(MoveIn.search_count([]), before)
        self.assertEqual(self.make_move_in().state, "draft")

    def test_move_in_steps_not_written(self):
        move_in = self.make_move_in()
        self._expect_guard(
            move_in,
            ("t_staff", "t_manager"),
            {"state": "done", "date_done": fields.Datetime.now(), "occupancy_id": False},
        )
        move_in.invalidate_recordset()
        self.assertEqual(move_in.state, "draft")
        self.assertEqual(self.unit.state, "vacant")

    def test_completed_move_in_is_locked(self):
        staff = self.users["t_staff"]
        move_in = self.done_move_in().with_user(staff)
        self.assertEqual(move_in.state, "done")
        for values in (
            {"partner_id": self.contractor.id},
            {"identity_checked": False},
            {"unit_id": self.unit2.id},
            {"key_ids": [Command.create({"key_type": "mailbox", "quantity": 1})]},
        ):
            with self.subTest(values=values), self.assertRaisesRegex(EditLockError, LOCKED):
                move_in.write(values)
        # The lines themselves, changed on their own.
        key = move_in.key_ids
        with self.assertRaisesRegex(EditLockError, "Keys"):
            key.quantity = 5
        with self.assertRaisesRegex(EditLockError, "Keys"):
            key.unlink()
        with self.assertRaisesRegex(EditLockError, "Keys"):
            self.env["hanling.move.in.key"].with_user(staff).create(
                {"move_in_id": move_in.id, "key_type": "mailbox"}
            )
        line = move_in.document_line_ids.filtered("received")[:1]
        with self.assertRaisesRegex(EditLockError, "Documents"):
            line.write({"received": False, "file": False})
        self.assertEqual(key.quantity, 2)
        self.assertTrue(line.received)
        # What follows the move-in stays open: defects are rectified, notes written.
        move_in.defect_ids = [Command.create({"description": "窗框开裂"})]
        move_in.defect_ids.date_rectified = self.today
        move_in.note = "<p>业主要求下周上门看窗</p>"

    def test_started_move_in_keeps_its_unit(self):
        move_in = self.make_move_in()
        move_in.mode = "home_visit"  # a scheduled reception can still be rearranged
        move_in.action_start()
        with self.assertRaisesRegex(EditLockError, "Unit"):
            move_in.unit_id = self.unit2
        move_in.identity_checked = True  # what the reception itself records

    def test_cancel_spelling_and_reset(self):
        move_in = self.make_move_in()
        move_in.action_cancel()
        self.assertEqual(move_in.state, "cancel")
        move_in.cancel_reason = "业主改期"
        move_in.action_reset()
        self.assertEqual(move_in.state, "draft")

    # ------------------------------------------------------------------ utilities

    def test_utilities_move_through_their_buttons(self):
        move_in = self.make_move_in()
        by_kind = {utility.utility: utility for utility in move_in.utility_ids}
        water, gas = by_kind["water"], by_kind["gas"]
        self._expect_guard(water, ("t_staff", "t_manager"), {"state": "done"})
        with self.assertRaisesRegex(WorkflowGuardError, GUARD):
            move_in.write({"utility_ids": [Command.update(water.id, {"state": "done"})]})
        with self.assertRaisesRegex(WorkflowGuardError, GUARD):
            self.env["hanling.move.in.utility"].with_user(self.users["t_staff"]).create(
                {"move_in_id": move_in.id, "utility": "water", "state": "done"}
            )
        water.with_user(self.users["t_staff"]).action_request()
        self.assertEqual(water.state, "requested")
        water.action_not_needed()
        self.assertEqual(water.state, "not_needed")
        water.action_request()
        water.action_activate()
        self.assertEqual((water.state, water.date_done), ("done", self.today))
        gas.date_done = self.today - timedelta(days=3)  # activated earlier, recorded now
        gas.action_activate()
        self.assertEqual(gas.date_done, self.today - timedelta(days=3))
        with self.assertRaisesRegex(UserError, "already activated"):
            water.action_activate()
        with self.assertRaisesRegex(EditLockError, "Utility"):
            water.utility = "gas"

    # ------------------------------------------------------------------ ownership transfer

    def test_transfer_created_done_is_refused(self):
        self.env["hanling.occupancy"].create({"unit_id": self.unit.id, "partner_id": self.owner.id})
        buyer = self.env["res.partner"].create({"name": "周强"})
        Transfer = self.env["hanling.ownership.transfer"].with_user(self.users["t_staff"])
        before = Transfer.search_count([])
        occupancy = self.env["hanling.occupancy"].search([("unit_id", "=", self.unit.id)])
        for name, value in {
            "state": "done",
            "date_done": fields.Datetime.now(),
            "occupancy_id": occupancy.id,
            "ended_occupancy_ids": [Command.set(occupancy.ids)],
            "name": "GH-0001",
        }.items():
            with self.subTest(field=name), self.assertRaisesRegex(WorkflowGuardError, GUARD):
                Transfer.create({"unit_id": self.unit.id, "partner_id": buyer.id, name: value})
        self.assertEqual(Transfer.search_count([]), before)
        transfer = Transfer.create({"unit_id": self.unit.id, "partner_id": buyer.id})
        self._expect_guard(
            transfer,
            ("t_staff", "t_manager"),
            {"state": "done", "occupancy_id": occupancy.id, "date_done": fields.Datetime.now()},
        )
        self.assertEqual(self.unit.owner_names, self.owner.name)
        # Done through the button, the parties are fixed.
        self.receive(transfer.document_line_ids)
        transfer.action_done()
        for values in (
            {"partner_id": self.contractor.id},
            {"previous_owner_ids": [Command.clear()]},
            {"date_transfer": self.today - timedelta(days=30)},
            {"unit_id": self.unit2.id},
        ):
            with self.subTest(values=values), self.assertRaisesRegex(EditLockError, LOCKED):
                transfer.write(values)
        with self.assertRaisesRegex(EditLockError, "Documents"):
            transfer.document_line_ids[:1].received = False
        self.assertEqual(transfer.partner_id, buyer)

    def test_transfer_cancel_spelling(self):
        self.env["hanling.occupancy"].create({"unit_id": self.unit.id, "partner_id": self.owner.id})
        buyer = self.env["res.partner"].create({"name": "周强"})
        transfer = self.env["hanling.ownership.transfer"].create(
            {"unit_id": self.unit.id, "partner_id": buyer.id}
        )
        transfer.action_cancel()
        self.assertEqual(transfer.state, "cancel")
        with self.assertRaisesRegex(EditLockError, "New Owner"):
            transfer.partner_id = self.contractor
