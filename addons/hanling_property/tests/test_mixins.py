from datetime import timedelta

from odoo_test_helper import FakeModelLoader

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import HanlingCase


@tagged("post_install", "-at_install")
class TestRequestMixins(HanlingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from .fake_models import HanlingFakeRequest

        cls.loader.update_registry((HanlingFakeRequest,))
        cls.env["ir.model.access"].create(
            {
                "name": "fake request",
                "model_id": cls.env["ir.model"]._get_id("hanling.fake.request"),
                "group_id": cls.env.ref("base.group_user").id,
                "perm_read": True,
                "perm_write": True,
                "perm_create": True,
            }
        )
        cls.env["hanling.occupancy"].create({"unit_id": cls.unit.id, "partner_id": cls.owner.id})

    @classmethod
    def tearDownClass(cls):
        cls.loader.restore_registry()
        super().tearDownClass()

    def test_convert_duty_log_entry(self):
        entry = self.env["hanling.duty.log"].create(
            {"unit_id": self.unit.id, "request": "空调不制冷", "channel": "visit"}
        )
        action = entry._action_convert("hanling.fake.request", {"what": entry.request})
        request = self.env["hanling.fake.request"].browse(action["res_id"])
        self.assertEqual(request.duty_log_id, entry)
        self.assertEqual(request.what, "空调不制冷")
        self.assertEqual(
            (request.unit_id, request.partner_id, request.channel, request.contact_phone),
            (self.unit, self.owner, "visit", "13812345678"),
        )
        self.assertEqual(request.date_received, entry.date_received)
        self.assertEqual(
            (entry.state, entry.res_model, entry.res_id),
            ("converted", "hanling.fake.request", request.id),
        )
        self.assertEqual(entry.document_name, request.display_name)
        self.assertEqual(entry.action_open_document()["res_id"], request.id)
        # A converted entry cannot be converted again.
        with self.assertRaises(UserError):
            entry._action_convert("hanling.fake.request")
        self.assertEqual(self.env["hanling.fake.request"].search_count([]), 1)

    def test_callback_flow(self):
        request = self.env["hanling.fake.request"].create({"unit_id": self.unit.id})
        self.assertEqual(request.callback_state, "none")
        with self.assertRaises(UserError):
            request._check_callback_done()
        due = fields.Datetime.now() + timedelta(hours=24)
        callback = request._schedule_callback(due, user=self.users["t_engsup"])
        self.assertEqual(request.callback_state, "planned")
        self.assertEqual(request.callback_date_due, due)
        self.assertEqual(callback.partner_id, self.owner)
        self.assertEqual(len(callback.activity_ids), 1)
        self.assertEqual(callback.activity_ids.user_id, self.users["t_engsup"])
        engsup_callback = callback.with_user(self.users["t_engsup"])
        engsup_callback.action_unreachable()
        engsup_callback.action_unreachable()
        self.assertEqual(callback.attempt_count, 2)
        self.assertEqual(callback.state, "planned")
        with self.assertRaisesRegex(UserError, "Record Satisfaction before completing"):
            engsup_callback.action_done()  # no satisfaction yet
        engsup_callback.write({"satisfaction": "4", "comment": "师傅很专业"})
        engsup_callback.action_done()
        self.assertEqual(callback.state, "done")
        self.assertEqual(callback.attempt_count, 3)
        self.assertFalse(callback.activity_ids)
        self.assertEqual(request.callback_state, "done")
        self.assertEqual(request.callback_satisfaction, "4")
        self.assertEqual(request.callbacks_seen, 1)
        request._check_callback_done()
        with self.assertRaises(UserError):
            callback.action_done()

    def test_overdue_callbacks_reported_once(self):
        request = self.env["hanling.fake.request"].create({"unit_id": self.unit.id})
        callback = request._schedule_callback(fields.Datetime.now() - timedelta(hours=1))
        callback.activity_ids.unlink()
        Callback = self.env["hanling.callback"]
        self.assertIn(callback, Callback.search([("is_overdue", "=", True)]))
        self.assertNotIn(callback, Callback.search([("is_overdue", "=", False)]))
        self.env["hanling.deadline.mixin"]._cron_check_deadlines()
        self.env["hanling.deadline.mixin"]._cron_check_deadlines()
        self.assertEqual(len(callback.activity_ids), 1)
        callback.write({"satisfaction": "5"})
        callback.action_done()
        self.assertNotIn(callback, Callback.search([("is_overdue", "=", True)]))

    def test_signature_required(self):
        request = self.env["hanling.fake.request"].create({"unit_id": self.unit.id})
        with self.assertRaises(UserError):
            request._stamp_resident_signature()
        request.write({"resident_signature": "iVBORw0KGgo=", "resident_signed_by": "王伟"})
        request._stamp_resident_signature()
        self.assertTrue(request.resident_signed_on)

    def test_contact_phone_validated(self):
        with self.assertRaises(ValidationError):
            self.env["hanling.fake.request"].create(
                {"unit_id": self.unit.id, "contact_phone": "555-1234"}
            )
