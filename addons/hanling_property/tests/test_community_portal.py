from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import HanlingCase


class PortalSetup:
    @classmethod
    def _setup_portal(cls):
        cls.env["hanling.occupancy"].create(
            {"unit_id": cls.unit.id, "partner_id": cls.owner.id, "role": "owner"}
        )
        cls.resident_user = new_test_user(
            cls.env, login="t_resident", groups="base.group_portal", partner_id=cls.owner.id
        )
        other_community = cls.env["hanling.community"].create({"name": "别处", "code": "ELS"})
        start = fields.Datetime.now() + timedelta(days=7)
        cls.dance, cls.elsewhere = cls.env["event.event"].create(
            [
                {
                    "name": "舞蹈班",
                    "hanling_community_id": cls.community.id,
                    "hanling_kind": "interest",
                    "date_begin": start,
                    "date_end": start + timedelta(hours=2),
                    "seats_limited": True,
                    "seats_max": 1,
                },
                {
                    "name": "别处的郊游",
                    "hanling_community_id": other_community.id,
                    "hanling_kind": "outing",
                    "date_begin": start,
                    "date_end": start + timedelta(hours=5),
                },
            ]
        )
        cls.provider = cls.env["hanling.directory.provider"].create(
            {"name": "快捷家政", "category": "housekeeping", "phone": "13612345678"}
        )
        cls.provider.action_vet()


@tagged("post_install", "-at_install")
class TestActivityPortal(PortalSetup, HanlingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_portal()

    def test_resident_sees_own_community_and_signs_up(self):
        Event = self.env["event.event"]
        self.assertEqual(Event._hanling_portal_events(self.owner), self.dance)
        self.assertFalse(
            Event._hanling_portal_events(self.env["res.partner"].create({"name": "路人"}))
        )
        with self.assertRaises(UserError):
            self.elsewhere._hanling_portal_register(self.owner, {})
        me = self.dance._hanling_portal_register(self.owner, {"kind": "resident"})
        self.assertEqual(
            (me.name, me.state, me.hanling_unit_id), (self.owner.name, "open", self.unit)
        )
        child = self.dance._hanling_portal_register(
            self.owner,
            {
                "kind": "child",
                "name": "王小明",
                "age": "8",
                "pickup_contact": "奶奶",
                "pickup_phone": "13700001111",
            },
        )
        # The only seat is taken: the child waits.
        self.assertTrue(child.hanling_waiting)
        self.assertEqual(child.hanling_guardian_id, self.owner)
        self.assertEqual(child.hanling_pickup_phone, "13700001111")
