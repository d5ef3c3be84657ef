"""Issue 15 item 15: the archive room's key and every accompanied entry (篇5 4.2.2, 4.2.5), and
the monthly update of the VIP records with its contact records (篇5 4.1.3 2)."""

from datetime import date

from freezegun import freeze_time
from psycopg2.errors import UniqueViolation

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.hanling_property.tests.guard_common import GUARD, LOCKED, GuardAssertions
from odoo.addons.hanling_property.tools.workflow import (
    EditLockError,
    WorkflowGuardError,
    workflow_grant,
)

from .common import ArchiveCase

ACTIVITY = "hanling_archive.mail_activity_type_vip_update"


@tagged("post_install", "-at_install")
class TestArchiveRoom(GuardAssertions, ArchiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users["t_keeper"] = cls.keeper
        cls.Key = cls.env["hanling.archive.key.handover"]
        cls.Entry = cls.env["hanling.archive.room.entry"]
        # Set-up: the key registered by the demo data is out of the way (the test registers it).
        with workflow_grant("hanling.archive.key.handover"):
            cls.Key.search([("state", "in", ("draft", "held"))]).write({"state": "cancel"})

    def _hand(self, to, by="t_keeper", **values):
        return self.Key.with_user(self.users[by]).create(
            {"to_user_id": self.users[to].id, **values}
        )

    # ------------------------------------------------------------------ the key (4.2.2)

    def test_key_custody_is_registered_hand_over_by_hand_over(self):
        """篇5 4.2.2: "业户资料档案室钥匙由客户服务中心前台保管" — who holds the key, handed over
        to whom and when: the receiver confirms, the previous holder's hand-over is closed, one
        holder at a time."""
        first = self._hand("t_keeper")
        self.assertFalse(first.from_user_id, "the first registration comes from nobody")
        first.with_user(self.keeper).action_receive()
        self.assertEqual(first.state, "held")
        self.assertTrue(first.date_received)
        # Handed to the front desk: the holder is proposed as the giver.
        second = self._hand("t_staff")
        self.assertEqual(second.from_user_id, self.keeper)
        with self.assertRaisesRegex(AccessError, "who receives the key"):
            second.with_user(self.users["t_cssup"]).action_receive()
        second.with_user(self.users["t_staff"]).action_receive()
        self.assertEqual((first.state, second.state), ("passed", "held"))
        self.assertEqual(
            self.Key.search([("company_id", "=", self.company.id), ("state", "=", "held")]), second
        )
        # Only the holder hands it on.
        wrong = self._hand("t_cssup", from_user_id=self.keeper.id)
        with self.assertRaisesRegex(UserError, "held by"):
            wrong.with_user(self.users["t_cssup"]).action_receive()
        self.assertEqual(wrong.state, "draft")
        with self.assertRaisesRegex(EditLockError, LOCKED):
            second.with_user(self.users["t_staff"]).to_user_id = self.users["t_cssup"]

    def test_key_stays_with_customer_service(self):
        """篇5 4.2.2: "非客户服务中心工作人员严禁擅自进入" — the key goes to customer-service staff
        only; nobody writes a hand-over confirmed."""
        with self.assertRaisesRegex(ValidationError, "not a member of it"):
            self._hand("t_tech")
        handover = self._hand("t_staff")
        self._expect_guard(
            handover,
            ("t_keeper", "t_staff", "t_manager"),
            {"state": "held", "date_received": fields.Datetime.now()},
        )
        with self.assertRaisesRegex(WorkflowGuardError, GUARD):
            self._hand("t_cssup", state="held")
        with self.assertRaises(AccessError):
            self.Key.with_user(self.users["t_tech"]).search([])
        handover.with_user(self.users["t_staff"]).action_cancel()
        self.assertEqual(handover.state, "cancel")

    # ------------------------------------------------------------------ entries (4.2.5)

    def test_every_entry_accompanied_with_purpose_and_times(self):
        """篇5 4.2.5: "进入业主资料档案室必须由客户服务中心工作人员全程陪同" (and 4.2.3) — each
        entry says who came, accompanied by whom, why, when they came in and went out."""
        tech = self.users["t_tech"]
        entry = self.Entry.with_user(self.keeper).create(
            {
                "visitor_user_id": tech.id,
                "department": "工程部",
                "companion_id": self.keeper.id,
                "purpose": "查阅装修图纸",
            }
        )
        self.assertEqual(entry.visitor_name, tech.name)
        self.assertEqual(entry.state, "inside")
        self.assertTrue(entry.date_in)
        with self.assertRaisesRegex(AccessError, "who accompanied the visit"):
            entry.with_user(self.users["t_staff"]).action_leave()
        entry.with_user(self.keeper).action_leave()
        self.assertEqual(entry.state, "left")
        self.assertGreaterEqual(entry.date_out, entry.date_in)
        with self.assertRaisesRegex(UserError, "already over"):
            entry.action_leave()
        with self.assertRaisesRegex(EditLockError, "Purpose"):
            entry.with_user(self.keeper).purpose = "别的目的"
        with self.assertRaisesRegex(UserError, "stays in the register"):
            entry.with_user(self.users["t_manager"]).unlink()
        # An outside person, accompanied by the front desk, who ends the visit.
        outside = self.Entry.with_user(self.users["t_staff"]).create(
            {"visitor_name": "李律师", "purpose": "查阅入伙资料(经理书面批准)"}
        )
        self.assertEqual(outside.companion_id, self.users["t_staff"])
        outside.with_user(self.users["t_staff"]).action_leave()

    def test_entry_refused_without_customer_service_companion(self):
        """篇5 4.2.5: the companion is customer-service staff; a visitor does not accompany
        themselves; the times in and out are the register's."""
        tech = self.users["t_tech"]
        with self.assertRaisesRegex(ValidationError, "not of the customer-service centre"):
            self.Entry.create(
                {"visitor_user_id": tech.id, "companion_id": tech.id, "purpose": "取资料"}
            )
        with self.assertRaisesRegex(ValidationError, "not of the customer-service centre"):
            self.Entry.create(
                {
                    "visitor_name": "张三",
                    "companion_id": self.users["t_engsup"].id,
                    "purpose": "取资料",
                }
            )
        with self.assertRaisesRegex(WorkflowGuardError, GUARD):
            self.Entry.with_user(self.keeper).create(
                {"visitor_name": "张三", "purpose": "x", "date_out": fields.Datetime.now()}
            )
        entry = self.Entry.with_user(self.keeper).create({"visitor_name": "张三", "purpose": "x"})
        self._expect_guard(
            entry,
            ("t_keeper", "t_staff", "t_manager"),
            {"state": "left", "date_out": fields.Datetime.now()},
        )
        with self.assertRaises(AccessError):
            self.Entry.with_user(tech).create({"visitor_name": "自己", "purpose": "x"})

    # ------------------------------------------------------------------ VIP update (4.1.3)

    def _vip(self):
        self.resident.is_vip = True
        return self.resident

    def _updates(self):
        return self.env["hanling.archive.vip.update"].search([("company_id", "=", self.company.id)])

    def test_monthly_vip_update_is_one_task_a_month(self):
        """篇5 4.1.3 2): "客户服务管理员每月收集前台工作人员有关业户信息资料并及时补充、更新" —
        a scheduled action makes one update a month for the archive keeper, with one activity;
        running it again the same month makes nothing, the next month makes the next one."""
        self._vip()
        Update = self.env["hanling.archive.vip.update"]
        Update.search([("company_id", "=", self.company.id)]).unlink()
        with freeze_time("2031-03-05 02:00:00"):
            created = Update._cron_monthly_vip_update()
            update = created.filtered(lambda u: u.company_id == self.company)
            self.assertEqual(len(update), 1)
            self.assertEqual(update.month, date(2031, 3, 1))
            self.assertEqual(update.date_due, date(2031, 3, 31))
            keeper = update.user_id
            self.assertTrue(keeper.has_group("hanling_archive.group_archive_keeper"))
            self.assertFalse(keeper.has_group("hanling_property.group_manager"))
            activity = update.activity_ids
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.activity_type_id, self.env.ref(ACTIVITY))
            self.assertEqual(activity.user_id, keeper)
            self.assertEqual(activity.date_deadline, date(2031, 3, 31))
            # Idempotent within the month.
            self.assertFalse(Update._cron_monthly_vip_update() & update)
            self.assertEqual(len(self._updates()), 1)
            self.assertEqual(len(update.activity_ids), 1)
        with freeze_time("2031-04-01 03:00:00"):
            overdue = self.env["hanling.deadline.mixin"]._cron_check_deadlines()
            self.assertIn(update, overdue["hanling.archive.vip.update"])
            april = Update._cron_monthly_vip_update().filtered(
                lambda u: u.company_id == self.company
            )
            self.assertEqual(april.month, date(2031, 4, 1))
            self.assertEqual(len(self._updates()), 2)
            self.assertTrue(update.is_overdue)
            self.assertEqual(len(update.activity_ids), 1, "the overdue reminder is the task")

    def test_contacts_recorded_and_update_done(self):
        """篇5 4.1.3 2): "保存好重点客户沟通、跟踪服务记录" — each contact says who was contacted,
        when, by whom and what changed; it counts in its month's update, which is done with its
        contacts (or a summary saying nothing came in) and is then fixed."""
        resident = self._vip()
        Update = self.env["hanling.archive.vip.update"]
        self._updates().unlink()
        update = Update.with_user(self.keeper).create({"month": fields.Date.today()})
        self.assertEqual(update.month.day, 1)
        with self.assertRaisesRegex(UserError, "nothing new came in"):
            update.with_user(self.keeper).action_done()
        contact = (
            self.env["hanling.archive.vip.contact"]
            .with_user(self.keeper)
            .create(
                {
                    "resident_id": resident.id,
                    "channel": "front_desk",
                    "changes": "生日改为农历;喜欢周末上午上门",
                }
            )
        )
        self.assertEqual(contact.update_id, update)
        self.assertEqual(contact.user_id, self.keeper)
        self.assertEqual(contact.dossier_id, self.dossier)
        self.assertEqual(resident.vip_contact_ids, contact)
        self._expect_guard(
            update,
            ("t_keeper", "t_manager"),
            {"state": "done", "date_done": fields.Datetime.now(), "done_by_id": self.keeper.id},
        )
        update.with_user(self.keeper).action_done()
        self.assertEqual((update.state, update.done_by_id), ("done", self.keeper))
        with self.assertRaisesRegex(EditLockError, "can no longer be changed"):
            contact.with_user(self.keeper).changes = "改写"
        with self.assertRaisesRegex(EditLockError, "can no longer be changed"):
            contact.with_user(self.users["t_manager"]).unlink()
        with self.assertRaisesRegex(UserError, "already done"):
            update.action_done()
        # Front-desk staff read the contacts; only the keeper writes them; others see nothing.
        self.assertEqual(
            contact.with_user(self.users["t_staff"]).changes, "生日改为农历;喜欢周末上午上门"
        )
        with self.assertRaises(AccessError):
            self.env["hanling.archive.vip.contact"].with_user(self.users["t_staff"]).create(
                {"resident_id": resident.id, "changes": "x"}
            )
        with self.assertRaises(AccessError):
            contact.with_user(self.users["t_tech"]).read(["changes"])

    def test_one_update_per_month(self):
        """篇5 4.1.3 2): one update per company and month."""
        self._updates().unlink()
        Update = self.env["hanling.archive.vip.update"].with_user(self.keeper)
        Update.create({"month": "2031-05-01"})
        with self.assertRaisesRegex(UniqueViolation, "month_unique"):
            with self.env.cr.savepoint():
                Update.create({"month": "2031-05-20"})
        self.assertEqual(len(self._updates()), 1)
