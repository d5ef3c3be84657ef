from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import ErrandCase


@tagged("post_install", "-at_install")
class TestErrandAccess(ErrandCase):
    def test_duty_officer_records_but_handles_no_money(self):
        errand = self._errand(user=self.duty)
        self._sign_commission(errand)
        errand.action_confirm()
        self.assertEqual(errand.state, "confirmed")
        self.assertEqual(errand.amount_prepaid, 0.0)  # amounts readable without accounting rights
        with self.assertRaises(AccessError):
            errand.action_register_prepayment()
        with self.assertRaises(AccessError):
            errand._action_register_prepayment(300.0, self.cash_journal)
        self.assertFalse(errand.sudo().payment_ids)
        with self.assertRaises(AccessError):
            errand.unlink()

    def test_duty_officer_cannot_refund_on_cancel(self):
        errand = self._prepaid()
        errand.cancel_reason = "取消"
        with self.assertRaises(AccessError):
            errand.with_user(self.duty).action_cancel()
        self.assertEqual(errand.state, "prepaid")

    def test_duty_officer_cannot_settle(self):
        errand = self._delivered()
        self._attach_voucher(errand, 268.0)
        with self.assertRaises(AccessError):
            errand.with_user(self.duty).action_settle()
        self.assertEqual(errand.state, "delivered")

    def test_staff_reads_money_without_accounting_rights(self):
        errand = self._settled()
        self.assertFalse(self.staff.has_group("account.group_account_invoice"))
        self.assertEqual(errand.with_user(self.staff).amount_refunded, 32.0)
        self.assertTrue(errand.with_user(self.staff).receipt_number)
        with self.assertRaises(AccessError):
            errand.with_user(self.staff).sudo(False).invoice_id.check_access("read")

    def test_supervisor_deletes_drafts(self):
        errand = self._errand()
        errand.with_user(self.supervisor).unlink()
        self.assertFalse(errand.exists())

    def test_technician_and_plain_user_see_nothing(self):
        errand = self._errand()
        for user in (self.users["t_tech"], self.plain_user):
            with self.assertRaises(AccessError):
                errand.with_user(user).read(["name"])
            with self.assertRaises(AccessError):
                self.env["hanling.errand"].with_user(user).create({"description": "x"})

    def test_accountant_reads_and_books(self):
        errand = self._errand()
        errand.with_user(self.accountant).read(["name", "payment_status", "amount_prepaid"])
        with self.assertRaises(AccessError):
            self.env["hanling.errand"].with_user(self.accountant).create({"description": "x"})

    def test_company_rule(self):
        other = self.env["res.company"].create({"name": "另一管理处"})
        errand = self.env["hanling.errand"].create(
            {"description": "代订报刊", "company_id": other.id}
        )
        self.assertFalse(
            self.env["hanling.errand"].with_user(self.staff).search([("id", "=", errand.id)])
        )
        with self.assertRaises(AccessError):
            errand.with_user(self.staff).read(["name"])

    def test_form_opens_for_each_role(self):
        # The form reads amounts, invoice and receipt: no accounting right is needed to open it.
        errand = self._settled()
        for user in (self.duty, self.staff, self.supervisor, self.manager, self.accountant):
            form = Form(errand.with_user(user))
            self.assertEqual(form.amount_refunded, 32.0)
            self.assertEqual(form.payment_status, "paid")
        list_view = self.env.ref("hanling_errands.hanling_errand_view_list_accounting")
        records = (
            self.env["hanling.errand"].with_user(self.accountant).search([("id", "=", errand.id)])
        )
        fields_ = [f for f in records.fields_get() if f in list_view.arch]
        records.read(fields_)
