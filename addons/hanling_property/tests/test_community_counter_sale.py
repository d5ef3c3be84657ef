from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import HanlingCase


@tagged("post_install", "-at_install")
class TestCounterSale(HanlingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.copying = cls.env.ref("hanling_property.service_paid_57")  # 复印 0.5/页
        cls.fax = cls.env.ref("hanling_property.service_paid_55")  # 传真 2/页
        cls.courier = cls.env.ref("hanling_property.service_free_08")  # 代寄邮件: postage at cost
        cls.pass_through = cls.env.ref("hanling_property.product_counter_pass_through")

    def _sale(self, user=None):
        model = self.env["hanling.counter.sale"]
        if user:
            model = model.with_user(user)
        with Form(model) as form:
            form.community_id = self.community
            form.partner_id = self.owner
            with form.line_ids.new() as line:
                line.service_id = self.copying
                line.quantity = 30
            with form.line_ids.new() as line:
                line.service_id = self.fax
                line.quantity = 2
            with form.line_ids.new() as line:
                line.service_id = self.courier
                line.price_unit = 12
        return form.save()

    def test_counter_sale_to_invoice_and_receipt(self):
        duty = self.users["t_duty"]
        sale = self._sale(duty)
        self.assertTrue(sale.name.startswith("BC/"))
        self.assertEqual(sale.amount_estimate, 31.0)
        self.assertEqual(sale.line_ids[0].price_unit, 0.5)
        action = sale.action_pay()
        self.assertEqual(action["report_name"], "hanling_property.report_counter_receipt")
        self.assertEqual(sale.state, "paid")
        self.assertEqual(sale.cashier_id, duty)
        invoice = sale.sudo().invoice_id
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.partner_id, self.owner)
        self.assertEqual(invoice.amount_total, 31.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(
            invoice.invoice_line_ids.mapped("product_id"),
            (self.copying | self.fax).product_id | self.pass_through,
        )
        self.assertEqual(
            invoice.invoice_line_ids.filtered(
                lambda line: line.product_id == self.pass_through
            ).price_subtotal,
            12.0,
        )
        payment = invoice.sudo().matched_payment_ids | invoice._get_reconciled_payments()
        self.assertEqual(payment.journal_id.type, "cash")
        self.assertEqual(payment.amount, 31.0)
        self.assertEqual((sale.amount_total, sale.amount_paid), (31.0, 31.0))
        self.assertEqual(sale.invoice_ref, invoice.name)
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            "hanling_property.report_counter_receipt", sale.ids
        )
        self.assertIn(invoice.name, html.decode())
        self.assertIn("复印", html.decode())
        with self.assertRaises(UserError):
            sale.action_pay()
        with self.assertRaises(UserError):
            sale.action_cancel()
        with self.assertRaises(UserError):
            sale.sudo().unlink()

    def test_walk_in_default_and_bank(self):
        sale = self.env["hanling.counter.sale"].create(
            {
                "community_id": self.community.id,
                "payment_channel": "bank",
                "line_ids": [(0, 0, {"service_id": self.copying.id, "quantity": 4})],
            }
        )
        self.assertEqual(sale.partner_id, self.env.ref("hanling_property.partner_counter_walk_in"))
        sale.action_pay()
        self.assertEqual(sale.amount_paid, 2.0)
        payment = sale.sudo().invoice_id._get_reconciled_payments()
        self.assertEqual(payment.journal_id.type, "bank")

    def test_bad_sales_refused(self):
        Sale = self.env["hanling.counter.sale"]
        empty = Sale.create({"community_id": self.community.id})
        with self.assertRaises(UserError):
            empty.action_pay()
        unpriced = Sale.create(
            {
                "community_id": self.community.id,
                "line_ids": [(0, 0, {"service_id": self.courier.id})],
            }
        )
        with self.assertRaises(UserError):
            unpriced.action_pay()
        self.assertEqual(unpriced.state, "draft")
        self.assertFalse(unpriced.sudo().invoice_id)
        with self.assertRaises(UserError):
            unpriced.action_print_receipt()
        unpriced.action_cancel()
        self.assertEqual(unpriced.state, "cancel")

    def test_access(self):
        with self.assertRaises(AccessError):
            self.env["hanling.counter.sale"].with_user(self.users["t_tech"]).create(
                {"community_id": self.community.id}
            )
        sale = self._sale(self.users["t_staff"])
        with self.assertRaises(AccessError):
            sale.with_user(self.users["t_staff"]).unlink()

    def test_refund_by_supervisor(self):
        sale = self._sale(self.users["t_duty"])
        sale.action_pay()
        with self.assertRaises(AccessError):
            sale.with_user(self.users["t_staff"]).action_refund()
        cssup = sale.with_user(self.users["t_cssup"])
        with self.assertRaises(UserError):
            cssup.action_refund()  # no reason given
        cssup.refund_reason = "传真未发出"
        cssup.action_refund()
        self.assertEqual(sale.state, "refunded")
        self.assertTrue(sale.date_refunded)
        refund = sale.sudo().refund_id
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.amount_total, 31.0)
        self.assertIn(refund.payment_state, ("paid", "in_payment"))
        outbound = refund._get_reconciled_payments()
        self.assertEqual(outbound.payment_type, "outbound")
        self.assertEqual(outbound.amount, 31.0)
        self.assertEqual(sale.amount_refunded, 31.0)
        with self.assertRaises(UserError):
            cssup.action_refund()
