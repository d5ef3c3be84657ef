from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import HanlingCase


@tagged("post_install", "-at_install")
class TestDutyLog(HanlingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["hanling.occupancy"].create({"unit_id": cls.unit.id, "partner_id": cls.owner.id})
        cls.company.write({"hanling_day_shift_start": 8.0, "hanling_day_shift_end": 18.0})
        cls.duty = cls.users["t_duty"]

    def _log(self, **vals):
        return (
            self.env["hanling.duty.log"]
            .with_user(self.duty)
            .create({"unit_id": self.unit.id, "request": "厨房水龙头漏水", **vals})
        )

    def test_intake_defaults_from_unit(self):
        entry = self._log()
        self.assertTrue(entry.name.startswith("DL"))
        self.assertEqual(entry.partner_id, self.owner)
        self.assertEqual(entry.contact_phone, "13812345678")
        self.assertEqual(entry.community_id, self.community)
        self.assertEqual(entry.received_by_id, self.duty)
        self.assertEqual(entry.state, "open")

    def test_form_records_a_call(self):
        form = Form(self.env["hanling.duty.log"].with_user(self.duty))
        form.unit_id = self.unit
        form.request = "门铃不响"
        form.urgency = "appointment"
        form.appointment_date = fields.Datetime.now() + timedelta(days=1)
        entry = form.save()
        self.assertEqual(entry.partner_id, self.owner)
        self.assertEqual(entry.urgency, "appointment")

    def test_bad_phone_refused(self):
        with self.assertRaises(ValidationError):
            self._log(contact_phone="1234")
        self.assertFalse(self.env["hanling.duty.log"].search([("contact_phone", "=", "1234")]))

    def test_shift_follows_company_hours(self):
        # Asia/Shanghai is UTC+8: 02:00 UTC is 10:00 local (day), 12:00 UTC is 20:00 (night).
        self.duty.tz = "Asia/Shanghai"
        self.company.partner_id.tz = "Asia/Shanghai"
        day = self._log(date_received=datetime(2026, 3, 2, 2, 0))
        night = self._log(date_received=datetime(2026, 3, 2, 12, 0))
        self.assertEqual(day.shift, "day")
        self.assertEqual(night.shift, "night")
        self.company.hanling_day_shift_end = 21.0
        self.assertEqual(night.shift, "day")
        with self.assertRaises(ValidationError):
            self.company.hanling_day_shift_start = 22.0

    def test_refer_and_close(self):
        entry = self._log(kind="service", request="想找人清洗地毯")
        with self.assertRaises(UserError):
            entry.action_refer()
        entry.referral_note = "洁美地毯清洗 020-12345678"
        entry.action_refer()
        self.assertEqual(entry.state, "referred")
        with self.assertRaises(UserError):
            entry.action_close()
        other = self._log(kind="inquiry", request="物业费缴费时间?")
        with self.assertRaises(UserError):
            other.action_close()
        other.outcome = "已告知每月 1-10 日"
        other.action_close()
        self.assertEqual(other.state, "closed")

    def test_daily_report_renders(self):
        self._log()
        self._log(request="楼道灯不亮")
        entries = self.env["hanling.duty.log"].search([])
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "hanling_property.report_duty_log", entries.ids
        )
        self.assertIn("楼道灯不亮", html.decode())

    def test_refer_to_a_specialist_from_the_directory(self):
        provider = self.env["hanling.directory.provider"].create(
            {
                "name": "洁美家居清洗",
                "category": "housekeeping",
                "trades": "地毯清洗, 沙发护理",
                "phone": "020-83456789",
                "is_specialist_supplier": True,
            }
        )
        entry = self._log(kind="service", request="真皮沙发清洗")
        entry.referral_provider_id = provider
        self.assertEqual(entry.referral_note, "洁美家居清洗 · 地毯清洗, 沙发护理 · 020-83456789")
        entry.action_refer()
        self.assertEqual(entry.state, "referred")

    def test_wrong_state_is_refused_with_a_clear_message(self):
        entry = self._log(kind="inquiry", outcome="已答复", referral_note="某供应商")
        entry.action_close()
        with self.assertRaises(UserError) as caught:
            entry.with_context(lang="zh_CN").action_refer()
        message = str(caught.exception)
        self.assertIn("值班记录", message)
        self.assertIn("已关闭", message)
        self.assertIn(entry.name, message)
        self.assertEqual(entry.state, "closed")
