from ast import literal_eval
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SIGNATURE, ErrandCase


@tagged("post_install", "-at_install")
class TestErrandFlow(ErrandCase):
    def test_intake_defaults_and_number(self):
        errand = self._errand()
        self.assertEqual(errand.state, "draft")
        self.assertTrue(errand.name.startswith("WT"))
        self.assertEqual(errand.partner_id, self.owner)
        self.assertEqual(errand.contact_phone, "13812345678")
        self.assertEqual(errand.community_id, self.community)
        self.assertEqual(errand.received_by_id, self.staff)
        self.assertEqual(errand.payment_status, "none")

    def test_form_records_a_cake(self):
        form = Form(self.env["hanling.errand"].with_user(self.staff))
        form.unit_id = self.unit
        form.kind = "cake"
        form.description = "生日蛋糕"
        form.cake_size = "8寸"
        form.cake_text = "生日快乐"
        form.with_card = True
        form.card_text = "祝妈妈身体健康"
        form.occasion = "birthday"
        form.recipient_phone = "13900001111"
        errand = form.save()
        self.assertEqual(errand.partner_id, self.owner)
        # The greeting is in the user's language and signed by the office.
        self.assertIn(self.env.company.name, errand.greeting)

    def test_bad_recipient_phone_refused(self):
        with self.assertRaises(ValidationError):
            self._errand(recipient_phone="12")

    def test_negative_amount_refused(self):
        with self.assertRaises(ValidationError):
            self._errand(estimated_amount=-5.0)

    def test_confirm_requires_signature(self):
        errand = self._errand()
        with self.assertRaisesRegex(UserError, "must sign the commission form"):
            errand.action_confirm()
        self.assertEqual(errand.state, "draft")
        errand.commission_signed_by = "王伟"
        with self.assertRaisesRegex(UserError, "must sign the commission form"):
            errand.action_confirm()
        errand.commission_signature = SIGNATURE
        errand.action_confirm()
        self.assertEqual(errand.state, "confirmed")
        self.assertTrue(errand.date_confirmed)
        with self.assertRaisesRegex(UserError, "Commissioning is not possible"):
            errand.action_confirm()

    def test_confirm_requires_resident(self):
        errand = (
            self.env["hanling.errand"].with_user(self.staff).create({"description": "代订牛奶"})
        )
        self._sign_commission(errand)
        with self.assertRaisesRegex(UserError, "Record the resident, their phone"):
            errand.action_confirm()

    def test_full_flow_timestamps(self):
        errand = self._settled()
        self.assertEqual(errand.state, "settled")
        for field in (
            "date_confirmed",
            "date_prepaid",
            "date_ordered",
            "date_delivered",
            "date_settled",
        ):
            self.assertTrue(errand[field], field)
        self.assertEqual(errand.delivered_by_id, self.staff)
        self._sign_off(errand)
        errand.action_done()
        self.assertEqual(errand.state, "done")
        self.assertTrue(errand.date_done)
        self.assertTrue(errand.resident_signed_on)
        action = self.env.ref("hanling_errands.hanling_errand_action_archive")
        archive = self.env["hanling.errand"].search(literal_eval(action.domain))
        self.assertIn(errand, archive)

    def test_order_refusals(self):
        errand = self._confirmed()
        errand.write({"supplier_id": self.supplier.id, "supervisor_id": self.supervisor.id})
        # A purchase errand is prepaid before ordering.
        with self.assertRaisesRegex(UserError, "Ordering is not possible"):
            errand.action_order()
        errand._action_register_prepayment(300.0, self.cash_journal)
        errand.supplier_id = False
        with self.assertRaisesRegex(UserError, "Choose the supplier and the duty supervisor"):
            errand.action_order()
        self.assertEqual(errand.state, "prepaid")

    def test_order_notifies_supervisor(self):
        errand = self._ordered()
        self.assertEqual(errand.state, "ordered")
        activity = errand.activity_ids.filtered(lambda a: a.user_id == self.supervisor)
        self.assertEqual(len(activity), 1)
        errand.write({"received_by_name": "王伟", "recipient_signature": SIGNATURE})
        errand.action_deliver()
        self.assertFalse(errand.activity_ids)

    def test_deliver_before_ordering_refused(self):
        errand = self._prepaid()
        errand.write({"received_by_name": "王伟", "recipient_signature": SIGNATURE})
        with self.assertRaisesRegex(UserError, "Delivering is not possible"):
            errand.action_deliver()
        self.assertEqual(errand.state, "prepaid")

    def test_deliver_requires_recipient_and_signature(self):
        errand = self._ordered()
        with self.assertRaisesRegex(UserError, "Record who received the delivery"):
            errand.action_deliver()
        errand.received_by_name = "王伟"
        with self.assertRaisesRegex(UserError, "The recipient must sign for the delivery"):
            errand.action_deliver()
        errand.recipient_must_sign = False
        errand.action_deliver()
        self.assertEqual(errand.state, "delivered")

    def test_settle_without_voucher_refused(self):
        errand = self._delivered()
        with self.assertRaisesRegex(UserError, "Record the supplier's purchase voucher"):
            errand.action_settle()
        errand.voucher_amount = 268.0
        with self.assertRaisesRegex(
            UserError, "Record the supplier's purchase voucher"
        ):  # the voucher itself must be attached
            errand.action_settle()
        self.assertEqual(errand.state, "delivered")
        self.assertFalse(errand.invoice_id)

    def test_settle_before_delivery_refused(self):
        errand = self._ordered()
        self._attach_voucher(errand, 268.0)
        with self.assertRaisesRegex(UserError, "Settling is not possible"):
            errand.action_settle()

    def test_settle_twice_refused(self):
        errand = self._settled()
        with self.assertRaisesRegex(UserError, "Settling is not possible"):
            errand.action_settle()
        self.assertEqual(
            len(errand.sudo().payment_ids.filtered(lambda p: p.hanling_errand_role == "refund")), 1
        )

    def test_done_refusals(self):
        errand = self._settled()
        with self.assertRaisesRegex(
            UserError, "Record the resident's opinion"
        ):  # no opinion, no signature
            errand.action_done()
        errand.resident_opinion = "满意"
        with self.assertRaisesRegex(
            UserError, r"The resident must sign \(signature and name\)"
        ):  # no signature
            errand.action_done()
        errand.write({"resident_signature": SIGNATURE, "resident_signed_by": "王伟"})
        errand.write({"fapiao_requested": True, "fapiao_title": "王伟"})
        with self.assertRaisesRegex(
            UserError, "asked for a fapiao"
        ):  # fapiao asked for and not issued
            errand.action_done()
        errand.fapiao_number = "04400123"
        errand.action_done()
        self.assertEqual(errand.state, "done")
        with self.assertRaisesRegex(UserError, "Completing is not possible"):
            errand.action_done()

    def test_done_before_settlement_refused(self):
        errand = self._delivered()
        self._sign_off(errand)
        with self.assertRaisesRegex(UserError, "Completing is not possible"):
            errand.action_done()

    def test_cancel_rules(self):
        errand = self._ordered()
        with self.assertRaisesRegex(
            UserError, "Record why the errand is cancelled"
        ):  # a reason is required
            errand.action_cancel()
        errand.cancel_reason = "业户改变主意"
        errand.action_cancel()
        self.assertEqual(errand.state, "cancel")
        self.assertTrue(errand.date_cancelled)
        self.assertFalse(errand.activity_ids)
        with self.assertRaisesRegex(
            UserError, "moved money cannot be reset"
        ):  # money moved: no reset
            errand.action_draft()

    def test_cancel_after_delivery_refused(self):
        errand = self._delivered()
        errand.cancel_reason = "太晚了"
        with self.assertRaisesRegex(UserError, "Cancelling is not possible"):
            errand.action_cancel()
        self.assertEqual(errand.state, "delivered")
        self.assertEqual(errand.amount_refunded, 0.0)

    def test_cancel_draft_and_reset(self):
        errand = self._errand(cancel_reason="重复登记")
        errand.action_cancel()
        self.assertEqual(errand.payment_status, "none")
        errand.action_draft()
        self.assertEqual(errand.state, "draft")
        errand.with_user(self.supervisor).unlink()
        self.assertFalse(errand.exists())

    def test_unlink_started_refused(self):
        errand = self._confirmed()
        with self.assertRaisesRegex(UserError, "Only draft or cancelled errands can be deleted"):
            errand.sudo().unlink()

    def test_errand_without_purchase(self):
        # 代寄邮件: nothing is bought, no prepayment, settled without voucher or invoice.
        errand = self._confirmed(kind="mail", involves_purchase=False, description="代寄快递")
        with self.assertRaisesRegex(
            UserError, "No prepayment is collected for an errand without purchase"
        ):
            errand._action_register_prepayment(20.0, self.cash_journal)
        errand.write({"supplier_id": self.supplier.id, "supervisor_id": self.supervisor.id})
        errand.action_order()
        errand.write({"received_by_name": "快递员", "recipient_must_sign": False})
        errand.action_deliver()
        errand.action_settle()
        self.assertFalse(errand.invoice_id)
        self.assertEqual(errand.payment_status, "none")
        self._sign_off(errand)
        errand.action_done()
        self.assertEqual(errand.state, "done")

    def test_birthday_vip_project_manager(self):
        errand = self._prepaid(
            occasion="birthday",
            is_vip=True,
            delivery_date=fields.Datetime.now() + timedelta(days=2),
            gift_description="鲜花一束",
        )
        self.assertTrue(errand.greeting)
        errand.write({"supplier_id": self.supplier.id, "supervisor_id": self.supervisor.id})
        with self.assertRaisesRegex(UserError, "project manager must go along"):
            errand.action_order()
        errand.project_manager_id = self.manager
        errand.action_order()
        manager_activity = errand.activity_ids.filtered(lambda a: a.user_id == self.manager)
        self.assertEqual(len(manager_activity), 1)
        self.assertEqual(
            manager_activity.date_deadline,
            fields.Date.to_date(fields.Datetime.context_timestamp(errand, errand.delivery_date)),
        )

    def test_birthday_not_vip_no_project_manager(self):
        errand = self._ordered(occasion="birthday")
        self.assertFalse(errand.activity_ids.filtered(lambda a: a.user_id == self.manager))
        self.assertEqual(len(errand.activity_ids), 1)

    def test_vip_hook(self):
        errand = self._errand(is_vip=True)
        self.assertTrue(errand._is_vip())
        errand.is_vip = False
        self.assertFalse(errand._is_vip())

    def test_greeting_kept_when_edited(self):
        errand = self._errand(occasion="birthday", greeting="王伟生日快乐!翰岭院管理处敬贺")
        self.assertEqual(errand.greeting, "王伟生日快乐!翰岭院管理处敬贺")

    def test_create_from_duty_log(self):
        entry = (
            self.env["hanling.duty.log"]
            .with_user(self.duty)
            .create(
                {
                    "unit_id": self.unit.id,
                    "request": "帮忙订一个生日蛋糕",
                    "kind": "errand",
                    "channel": "visit",
                }
            )
        )
        action = entry.action_create_errand()
        errand = self.env["hanling.errand"].browse(action["res_id"])
        self.assertEqual(action["res_model"], "hanling.errand")
        self.assertEqual(errand.duty_log_id, entry)
        self.assertEqual(errand.description, "帮忙订一个生日蛋糕")
        self.assertEqual(errand.partner_id, self.owner)
        self.assertEqual(errand.channel, "visit")
        self.assertEqual(errand.received_by_id, self.duty)
        self.assertEqual(entry.state, "converted")
        with self.assertRaisesRegex(UserError, "Creating a document is not possible"):
            entry.action_create_errand()

    def test_reports_render(self):
        errand = self._prepaid(amount=300.0)
        html = str(
            self.env["ir.actions.report"]
            ._render_qweb_html("hanling_errands.action_report_errand_receipt", errand.ids)[0]
            .decode()
        )
        self.assertIn(errand.receipt_number, html)
        self.assertIn("叁佰元整", html)
        html = str(
            self.env["ir.actions.report"]
            ._render_qweb_html("hanling_errands.action_report_errand_commission", errand.ids)[0]
            .decode()
        )
        self.assertIn(errand.name, html)
        self.assertIn("8寸水果蛋糕", html)

    def test_amount_in_chinese(self):
        errand = self.env["hanling.errand"]
        self.assertEqual(errand._amount_in_chinese(300), "叁佰元整")
        self.assertEqual(errand._amount_in_chinese(268.5), "贰佰陆拾捌元伍角整")
        self.assertEqual(errand._amount_in_chinese(1005.07), "壹仟零伍元零柒分")
        self.assertEqual(errand._amount_in_chinese(10010), "壹万零壹拾元整")
        # The forms of the 人民银行 rules for filling in vouchers (正确填写票据和结算凭证的基本规定).
        for amount, words in [
            (0, "零元整"),
            (0.07, "柒分"),
            (325.04, "叁佰贰拾伍元零肆分"),
            (6007.14, "陆仟零柒元壹角肆分"),
            (107000.53, "壹拾万零柒仟元伍角叁分"),
            (1009440.93, "壹佰万零玖仟肆佰肆拾元玖角叁分"),
            (20000000.2, "贰仟万元贰角整"),
            (100000001, "壹亿零壹元整"),
        ]:
            with self.subTest(amount=amount):
                self.assertEqual(errand._amount_in_chinese(amount), words)


@tagged("post_install", "-at_install")
class TestErrandVip(ErrandCase):
    def test_vip_from_flag_or_resident_record(self):
        errand = self._errand()
        self.assertFalse(errand._is_vip())
        errand.is_vip = True
        self.assertTrue(errand._is_vip())
        errand.is_vip = False
        # Whatever knows the resident (the archive, when installed) can answer through the hook.
        with patch.object(type(self.owner), "_hanling_is_vip", lambda partner: True):
            self.assertTrue(errand._is_vip())
