import base64

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..tools.workflow import EditLockError, WorkflowGuardError
from .common import HanlingCase

GUARD = "change through the document's buttons only"
LOCKED = "can no longer be changed"
# A 1x1 PNG: what the signature widget stores.
SIGNATURE = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
)


@tagged("post_install", "-at_install")
class TestCustodyRegister(HanlingCase):
    """The free services that keep something: 篇1 四 (一) 1、无偿服务 #1 居家守护,
    #10 临时代为保管小件物品, #12 电话留言服务, #25 提供屋室临时性特约安全护卫."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["hanling.occupancy"].create({"unit_id": cls.unit.id, "partner_id": cls.owner.id})
        cls.duty = cls.users["t_duty"]
        cls.staff = cls.users["t_staff"]

    def _entry(self, kind, user=None, **values):
        return (
            self.env["hanling.custody"]
            .with_user(user or self.duty)
            .create({"kind": kind, "unit_id": self.unit.id, "description": "测试", **values})
        )

    def test_small_items_handed_back_against_signature(self):
        """篇1 四 #10 临时代为保管小件物品: taken in, handed back to someone who signs for them."""
        entry = self._entry("small_items", description="快递包裹一件，外包装完好", item_count=1)
        self.assertEqual(entry.state, "received")
        self.assertTrue(entry.name.startswith("FS/"), entry.name)
        self.assertEqual(entry.service_id, self.env.ref("hanling_property.service_free_10"))
        self.assertEqual(entry.partner_id, self.owner)
        self.assertEqual(entry.received_by_id, self.duty)
        # Without the signature the items stay with the office.
        with self.assertRaisesRegex(UserError, "The resident must sign"):
            entry.with_user(self.staff).action_return()
        entry.with_user(self.staff).write({"resident_signed_by": "王伟"})
        with self.assertRaisesRegex(UserError, "The resident must sign"):
            entry.with_user(self.staff).action_return()
        self.assertEqual(entry.state, "received")
        entry.with_user(self.staff).write({"resident_signature": SIGNATURE})
        entry.with_user(self.staff).action_return()
        self.assertEqual(entry.state, "returned")
        self.assertEqual(entry.closed_by_id, self.staff)
        self.assertTrue(entry.date_closed and entry.resident_signed_on)
        self.assertEqual(entry.resident_signed_by, "王伟")
        # What was handed back, to whom, is kept as signed.
        for values in ({"resident_signed_by": "李四"}, {"description": "x"}, {"unit_id": False}):
            with self.subTest(values=values), self.assertRaisesRegex(EditLockError, LOCKED):
                entry.with_user(self.users["t_manager"]).write(values)
        with self.assertRaisesRegex(UserError, "not possible"):
            entry.with_user(self.staff).action_return()

    def test_phone_message_delivered_to_someone(self):
        """篇1 四 #12 电话留言服务: the message is taken down and given to the person it is for."""
        entry = self._entry("phone_message", description="快递员下午三点再来", recipient="王伟")
        self.assertEqual(entry.service_id, self.env.ref("hanling_property.service_free_12"))
        with self.assertRaisesRegex(UserError, "to whom the message was given"):
            entry.action_deliver()
        entry.delivered_to = "王伟的妻子"
        entry.action_deliver()
        self.assertEqual(entry.state, "delivered")
        self.assertEqual(entry.closed_by_id, self.duty)
        with self.assertRaisesRegex(UserError, "does not apply to Phone Message"):
            self._entry("phone_message").action_return()

    def test_escort_and_home_watch_done_by_someone(self):
        """篇1 四 #25 临时性特约安全护卫 and #1 居家守护: who did it, from when to when, from where."""
        now = fields.Datetime.now()
        escort = self._entry("escort", description="护送业户至停车场")
        self.assertEqual(escort.service_id, self.env.ref("hanling_property.service_free_25"))
        with self.assertRaisesRegex(UserError, "who did"):
            escort.action_done()
        escort.write({"performed_by_id": self.staff.id, "date_from": now, "date_to": now})
        with self.assertRaisesRegex(UserError, "went from and to"):
            escort.action_done()
        escort.write({"place_from": "1栋301", "place_to": "地下停车场"})
        escort.action_done()
        self.assertEqual(escort.state, "done")
        watch = self._entry("home_watch", description="业户外出一周，每日巡查门窗")
        self.assertEqual(watch.service_id, self.env.ref("hanling_property.service_free_01"))
        watch.write({"performed_by_id": self.duty.id, "date_from": now, "date_to": now})
        watch.action_done()
        self.assertEqual((watch.state, watch.closed_by_id), ("done", self.duty))
        with self.assertRaisesRegex(UserError, "end of"):
            self._entry("home_watch", date_from=now, date_to=now.replace(year=now.year - 1))

    def test_cancel_needs_a_reason(self):
        entry = self._entry("small_items")
        with self.assertRaisesRegex(UserError, "why"):
            entry.action_cancel()
        entry.cancel_reason = "业户已自行取走"
        entry.action_cancel()
        self.assertEqual(entry.state, "cancel")
        with self.assertRaisesRegex(UserError, "not possible"):
            entry.action_done()

    def test_state_and_stamps_not_forged(self):
        """The state, who closed it and when, and the signature time come from the steps only."""
        entry = self._entry("small_items")
        forged = {
            "state": "returned",
            "closed_by_id": self.staff.id,
            "date_closed": fields.Datetime.now(),
            "resident_signed_on": fields.Datetime.now(),
        }
        for login in ("t_duty", "t_staff", "t_cssup", "t_manager"):
            for name, value in forged.items():
                for context in ({}, {"tracking_disable": True, "install_mode": True}):
                    with self.subTest(user=login, field=name, ctx=context):
                        with self.assertRaisesRegex(WorkflowGuardError, GUARD):
                            entry.with_user(self.users[login]).with_context(**context).write(
                                {name: value}
                            )
                        with self.assertRaisesRegex(WorkflowGuardError, GUARD):
                            entry.with_user(self.users[login]).sudo().write({name: value})
        for name, value in forged.items():
            with self.subTest(create=name), self.assertRaisesRegex(WorkflowGuardError, GUARD):
                self._entry("small_items", **{name: value})
        entry.invalidate_recordset()
        self.assertEqual(entry.state, "received")
        self.assertFalse(entry.closed_by_id)

    def test_access(self):
        """Duty officers and customer-service staff act; technicians and residents see nothing."""
        portal = new_test_user(
            self.env, login="t_portal_custody", groups="base.group_portal", partner_id=self.owner.id
        )
        entry = self._entry("small_items")
        for user in (self.users["t_tech"], portal, self.plain_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["hanling.custody"].with_user(user).browse(entry.id).read(["name"])
        with self.assertRaisesRegex(AccessError, "not allowed to delete"):
            entry.with_user(self.staff).unlink()
        entry.cancel_reason = "x"
        entry.action_cancel()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            entry.with_user(self.users["t_cssup"]).unlink()
        other = self.env["res.company"].create({"name": "另一管理处"})
        foreign = self.env["hanling.custody"].create(
            {"kind": "phone_message", "description": "x", "company_id": other.id}
        )
        self.assertFalse(
            self.env["hanling.custody"]
            .with_user(self.users["t_manager"])
            .search([("id", "=", foreign.id)])
        )

    def test_zh_cn(self):
        """The register speaks Chinese to the office (zh_CN)."""
        self.env["res.lang"]._activate_lang("zh_CN")
        kinds = dict(
            self.env["hanling.custody"]
            .with_context(lang="zh_CN")
            ._fields["kind"]
            ._description_selection(self.env(context={"lang": "zh_CN"}))
        )
        self.assertEqual(kinds["small_items"], "临时代为保管小件物品")
        self.assertEqual(kinds["phone_message"], "电话留言服务")
        entry = self._entry("small_items")
        with self.assertRaisesRegex(UserError, "签"):
            entry.with_context(lang="zh_CN").action_return()
