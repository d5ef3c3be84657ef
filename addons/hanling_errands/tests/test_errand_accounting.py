from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ErrandCase


@tagged("post_install", "-at_install")
class TestErrandAccounting(ErrandCase):
    def _payments(self, errand, role):
        return errand.sudo().payment_ids.filtered(lambda p: p.hanling_errand_role == role)

    def test_prepayment_through_form(self):
        errand = self._confirmed()
        action = errand.action_register_prepayment()
        form = Form(
            self.env[action["res_model"]].with_user(self.staff).with_context(action["context"])
        )
        self.assertEqual(form.amount, 300.0)
        self.assertEqual(form.journal_id, self.cash_journal)
        form.amount = 320.0
        result = form.save().action_confirm()
        self.assertEqual(result["report_name"], "hanling_errands.report_errand_receipt")
        self.assertEqual(errand.state, "prepaid")
        payment = errand.sudo().prepayment_id
        self.assertEqual(payment.payment_type, "inbound")
        self.assertEqual(payment.partner_type, "customer")
        self.assertEqual(payment.partner_id, self.owner)
        self.assertEqual(payment.amount, 320.0)
        self.assertIn(payment.state, ("in_process", "paid"))
        self.assertTrue(errand.receipt_number.startswith("YS"))
        self.assertEqual(payment.hanling_receipt_number, errand.receipt_number)
        self.assertIn(errand.receipt_number, payment.memo)
        self.assertEqual(errand.amount_prepaid, 320.0)
        self.assertEqual(errand.amount_credit, 320.0)
        self.assertEqual(errand.payment_status, "prepaid")
        # The prepayment is an outstanding credit on the resident's receivable.
        line = payment.move_id.line_ids.filtered(lambda line: line.account_id == self.receivable)
        self.assertEqual(line.balance, -320.0)
        self.assertEqual(line.amount_residual, -320.0)

    def test_prepayment_refusals(self):
        errand = self._confirmed()
        with self.assertRaises(UserError):
            errand._action_register_prepayment(0.0, self.cash_journal)
        with self.assertRaises(UserError):
            errand._action_register_prepayment(-10.0, self.cash_journal)
        self.assertFalse(errand.sudo().payment_ids)
        errand._action_register_prepayment(300.0, self.cash_journal)
        # No second prepayment, neither by the button nor by the method.
        with self.assertRaises(UserError):
            errand._action_register_prepayment(300.0, self.cash_journal)
        with self.assertRaises(UserError):
            errand.action_register_prepayment()
        self.assertEqual(len(errand.sudo().payment_ids), 1)
        draft = self._errand()
        with self.assertRaises(UserError):
            draft.action_register_prepayment()

    def test_settle_refunds_the_difference(self):
        errand = self._settled(prepaid=300.0, cost=268.0)
        invoice = errand.sudo().invoice_id
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.partner_id, self.owner)
        self.assertEqual(invoice.invoice_origin, errand.name)
        self.assertEqual(invoice.amount_total, 268.0)
        self.assertEqual(invoice.amount_tax, 0.0)
        self.assertEqual(
            invoice.invoice_line_ids.product_id,
            self.env.ref("hanling_errands.product_errand_goods"),
        )
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        refund = self._payments(errand, "refund")
        self.assertEqual(len(refund), 1)
        self.assertEqual(refund.payment_type, "outbound")
        self.assertEqual(refund.partner_type, "customer")
        self.assertEqual(refund.amount, 32.0)
        self.assertEqual(refund.journal_id, self.cash_journal)
        self.assertIn(refund.state, ("in_process", "paid"))
        self.assertEqual(errand.amount_prepaid, 300.0)
        self.assertEqual(errand.amount_cost, 268.0)
        self.assertEqual(errand.amount_invoiced, 268.0)
        self.assertEqual(errand.amount_refunded, 32.0)
        self.assertEqual(errand.amount_collected, 0.0)
        self.assertEqual(errand.amount_due, 0.0)
        self.assertEqual(errand.amount_credit, 0.0)
        self.assertEqual(errand.payment_status, "paid")
        # Every receivable line of the errand is reconciled: nothing open on the resident.
        lines = (invoice.line_ids | errand.sudo().payment_ids.move_id.line_ids).filtered(
            lambda line: line.account_id == self.receivable
        )
        self.assertTrue(all(lines.mapped("reconciled")))
        self.assertEqual(sum(lines.mapped("balance")), 0.0)

    def test_settle_exact_cost(self):
        errand = self._settled(prepaid=150.0, cost=150.0)
        self.assertFalse(self._payments(errand, "refund"))
        self.assertEqual(errand.amount_invoiced, 150.0)
        self.assertEqual(errand.amount_due, 0.0)
        self.assertEqual(errand.payment_status, "paid")

    def test_settle_collects_the_top_up(self):
        errand = self._settled(prepaid=200.0, cost=260.0)
        self.assertFalse(self._payments(errand, "refund"))
        self.assertEqual(errand.amount_invoiced, 260.0)
        self.assertEqual(errand.amount_due, 60.0)
        self.assertEqual(errand.amount_credit, 0.0)
        self.assertEqual(errand.payment_status, "to_collect")
        self._sign_off(errand)
        with self.assertRaises(UserError):  # not done while money is owed
            errand.action_done()
        with self.assertRaises(UserError):  # the exact balance is collected
            errand._action_collect_balance(50.0, self.cash_journal)
        action = errand.action_collect_balance()
        form = Form(
            self.env[action["res_model"]].with_user(self.staff).with_context(action["context"])
        )
        self.assertEqual(form.amount, 60.0)
        form.save().action_confirm()
        top_up = self._payments(errand, "balance")
        self.assertEqual(top_up.amount, 60.0)
        self.assertEqual(top_up.payment_type, "inbound")
        self.assertEqual(errand.amount_collected, 60.0)
        self.assertEqual(errand.amount_due, 0.0)
        self.assertEqual(errand.sudo().invoice_id.amount_residual, 0.0)
        self.assertEqual(errand.payment_status, "paid")
        with self.assertRaises(UserError):  # nothing left to collect
            errand._action_collect_balance(60.0, self.cash_journal)
        errand.action_done()
        self.assertEqual(errand.state, "done")

    def test_cancel_refunds_prepayment(self):
        errand = self._ordered(amount=300.0)
        errand.cancel_reason = "业户取消订单"
        errand.action_cancel()
        refund = self._payments(errand, "refund")
        self.assertEqual(refund.amount, 300.0)
        self.assertEqual(refund.payment_type, "outbound")
        self.assertEqual(errand.amount_refunded, 300.0)
        self.assertEqual(errand.amount_credit, 0.0)
        self.assertFalse(errand.invoice_id)
        self.assertEqual(errand.payment_status, "refunded")
        prepayment_line = errand.sudo().prepayment_id.move_id.line_ids.filtered(
            lambda line: line.account_id == self.receivable
        )
        self.assertTrue(prepayment_line.reconciled)

    def test_cancel_without_prepayment_moves_no_money(self):
        errand = self._confirmed(cancel_reason="不需要了")
        errand.action_cancel()
        self.assertFalse(errand.sudo().payment_ids)
        self.assertEqual(errand.payment_status, "none")

    def test_supplier_bill_as_voucher(self):
        errand = self._delivered(300.0)
        errand.voucher_amount = 280.0
        with self.assertRaises(UserError):  # only the accountant records bills
            errand.action_create_purchase_bill()
        errand_acc = errand.with_user(self.accountant)
        errand_acc.action_create_purchase_bill()
        bill = errand.sudo().purchase_bill_id
        self.assertEqual(bill.move_type, "in_invoice")
        self.assertEqual(bill.partner_id, self.supplier)
        self.assertEqual(bill.amount_total, 280.0)
        with self.assertRaises(UserError):  # one bill per errand
            errand_acc.action_create_purchase_bill()
        with self.assertRaises(UserError):  # the bill must be posted first
            errand.action_settle()
        bill.action_post()
        errand.action_settle()
        self.assertEqual(errand.amount_cost, 280.0)
        self.assertEqual(errand.amount_invoiced, 280.0)
        self.assertEqual(errand.amount_refunded, 20.0)
        self.assertEqual(errand.payment_status, "paid")

    def test_accountant_books_finished_errands(self):
        errand = self._settled()
        with self.assertRaises(UserError):  # not done yet
            errand.with_user(self.accountant).action_book()
        self._sign_off(errand)
        errand.action_done()
        with self.assertRaises(UserError):  # AccessError is a UserError: staff do not book
            errand.action_book()
        errand.with_user(self.accountant).action_book()
        self.assertEqual(errand.booked_by_id, self.accountant)
        self.assertTrue(errand.date_booked)
        with self.assertRaises(UserError):
            errand.with_user(self.accountant).action_book()
        listed = (
            self.env["hanling.errand"]
            .with_user(self.accountant)
            .search([("payment_status", "=", "paid"), ("date_booked", "!=", False)])
        )
        self.assertEqual(listed, errand)

    def test_payment_status_query_budget(self):
        errand = self._prepaid()
        errand.invalidate_recordset()
        with self.assertQueryCount(__system__=12):
            errand.sudo()._compute_amounts()

    def test_accountant_list_does_not_grow_with_errands(self):
        # The amounts are read from the journal in batch: the list costs the same for 2 or 6 rows.
        fields_ = [
            "name",
            "amount_prepaid",
            "amount_invoiced",
            "amount_refunded",
            "amount_due",
            "amount_credit",
            "payment_status",
            "receipt_number",
        ]
        few = self.env["hanling.errand"]
        for _i in range(2):
            few |= self._settled()
        many = few
        for _i in range(4):
            many |= self._settled()
        counts = []
        for errands in (few, many):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            errands.with_user(self.accountant).read(fields_)
            counts.append(self.env.cr.sql_log_count - before)
        self.assertGreater(counts[0], 0)
        self.assertEqual(counts[0], counts[1])
