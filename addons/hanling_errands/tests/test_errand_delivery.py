from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.hanling_property.tools.workflow import EditLockError

from .common import SIGNATURE, ErrandCase


@tagged("post_install", "-at_install")
class TestErrandDelivery(ErrandCase):
    """Goods delivery (用品配送): phoned order, delivered, signed for and billed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.category = cls.env.ref("hanling_errands.product_category_convenience")
        Product = cls.env["product.product"]
        cls.water = Product.create(
            {"name": "测试矿泉水", "categ_id": cls.category.id, "list_price": 36.0, "taxes_id": []}
        )
        cls.rice = Product.create(
            {"name": "测试大米", "categ_id": cls.category.id, "list_price": 45.0, "taxes_id": []}
        )
        cls.paper = Product.create(
            {"name": "测试卫生纸", "categ_id": cls.category.id, "list_price": 25.9, "taxes_id": []}
        )
        cls.off_list = cls.env.ref("hanling_errands.product_errand_goods")
        cls.technician = cls.users["t_tech"]

    def _delivery(self, user=None, lines=None, **vals):
        lines = lines if lines is not None else [(self.water, 2), (self.rice, 1), (self.paper, 3)]
        return (
            self.env["hanling.errand"]
            .with_user(user or self.duty)
            .create(
                {
                    "kind": "delivery",
                    "unit_id": self.unit.id,
                    "channel": "phone",
                    "delivery_place": "1栋301门口",
                    "line_ids": [
                        (0, 0, {"product_id": product.id, "quantity": quantity})
                        for product, quantity in lines
                    ],
                    **vals,
                }
            )
        )

    def _delivery_ordered(self, **vals):
        errand = self._delivery(**vals)
        errand.action_confirm()
        errand.action_order()
        return errand

    def _delivery_delivered(self, **vals):
        errand = self._delivery_ordered(**vals)
        errand.write({"received_by_name": "王伟", "recipient_signature": SIGNATURE})
        errand.action_deliver()
        return errand

    # ------------------------------------------------------------------ flow

    def test_order_to_invoice_with_exact_amounts(self):
        errand = self._delivery()
        self.assertFalse(errand.involves_purchase)
        self.assertTrue(errand.description)
        self.assertEqual(errand.line_ids.mapped("price_unit"), [36.0, 45.0, 25.9])
        self.assertEqual(errand.line_ids.mapped("price_subtotal"), [72.0, 45.0, 77.7])
        self.assertAlmostEqual(errand.amount_order, 194.7, places=2)

        # Taken by phone: no commission form to sign, no prepayment, no supplier.
        errand.action_confirm()
        self.assertEqual(errand.state, "confirmed")
        self.assertTrue(errand.date_confirmed)
        errand.action_order()
        self.assertEqual(errand.state, "ordered")
        self.assertTrue(errand.date_ordered)
        activity = errand.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("测试大米 × 1", activity.note)

        errand.write({"received_by_name": "王伟", "recipient_signature": SIGNATURE})
        errand.action_deliver()
        self.assertEqual(errand.state, "delivered")
        self.assertTrue(errand.date_delivered)
        self.assertEqual(errand.delivered_by_id, self.duty)
        self.assertFalse(errand.activity_ids)

        errand.with_user(self.staff).action_settle()
        self.assertEqual(errand.state, "settled")
        invoice = errand.sudo().invoice_id
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.partner_id, self.owner)
        self.assertEqual(invoice.invoice_origin, errand.name)
        lines = invoice.invoice_line_ids.sorted("sequence")
        self.assertEqual(lines.product_id, self.water | self.rice | self.paper)
        self.assertEqual(
            sorted((line.product_id.id, line.quantity, line.price_unit) for line in lines),
            sorted(
                [(self.water.id, 2.0, 36.0), (self.rice.id, 1.0, 45.0), (self.paper.id, 3.0, 25.9)]
            ),
        )
        self.assertFalse(lines.tax_ids)
        self.assertEqual(invoice.amount_total, 194.7)
        receivable = invoice.line_ids.filtered(lambda line: line.account_id == self.receivable)
        self.assertEqual(receivable.balance, 194.7)
        # Billed, not paid at the door: no payment at all, the whole invoice is due.
        self.assertFalse(errand.sudo().payment_ids)
        self.assertEqual(errand.amount_invoiced, 194.7)
        self.assertEqual(errand.amount_cost, 194.7)
        self.assertEqual(errand.amount_due, 194.7)
        self.assertEqual(errand.amount_prepaid, 0.0)
        self.assertEqual(errand.payment_status, "to_collect")

        # The recipient's signature is the sign-off: no opinion to record.
        errand.action_done()
        self.assertEqual(errand.state, "done")
        self.assertTrue(errand.date_done)

    def test_invoice_paid_through_accounting_then_booked(self):
        errand = self._delivery_delivered()
        errand.with_user(self.staff).action_settle()
        errand.action_done()
        invoice = errand.sudo().invoice_id
        with self.assertRaisesRegex(UserError, "Money is still open"):
            errand.with_user(self.accountant).action_book()
        # The resident pays the bill at the cashier's: the accountant registers the payment.
        self.env["account.payment.register"].with_user(self.accountant).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"journal_id": self.cash_journal.id}).action_create_payments()
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(errand.payment_status, "paid")
        self.assertEqual(errand.amount_due, 0.0)
        self.assertEqual(errand.amount_invoiced, 194.7)
        errand.with_user(self.accountant).action_book()
        self.assertEqual(errand.booked_by_id, self.accountant)

    def test_taking_an_order_query_count(self):
        # Taking and preparing an order costs the same whatever the number of articles.
        small = self._delivery(lines=[(self.water, 1)])
        large = self._delivery(
            lines=[
                (self.water, 1),
                (self.rice, 2),
                (self.paper, 3),
                (self.water, 4),
                (self.rice, 5),
            ]
        )
        for errand in (small, large):
            errand.env.flush_all()
            errand.env.invalidate_all()
            # 55, and the row lock each of the two actions takes first (tools/locking.py).
            with self.assertQueryCount(__system__=61):
                errand.action_confirm()
                errand.action_order()
                errand.env.flush_all()
            self.assertEqual(errand.state, "ordered")

    def test_cancel_before_delivery_only(self):
        errand = self._delivery_ordered()
        with self.assertRaisesRegex(UserError, "Record why"):
            errand.action_cancel()
        errand.cancel_reason = "业户改天再买"
        errand.action_cancel()
        self.assertEqual(errand.state, "cancel")
        self.assertTrue(errand.date_cancelled)
        self.assertFalse(errand.activity_ids)
        self.assertFalse(errand.sudo().payment_ids)
        delivered = self._delivery_delivered(cancel_reason="送错了")
        with self.assertRaisesRegex(UserError, "Cancelling is not possible"):
            delivered.action_cancel()
        self.assertEqual(delivered.state, "delivered")

    def test_price_taken_when_ordered(self):
        errand = self._delivery(lines=[(self.water, 1)])
        self.water.lst_price = 40.0
        self.assertEqual(errand.line_ids.price_unit, 36.0)
        errand.action_confirm()
        errand.action_order()
        errand.write({"received_by_name": "王伟", "recipient_signature": SIGNATURE})
        errand.action_deliver()
        errand.with_user(self.staff).action_settle()
        self.assertEqual(errand.sudo().invoice_id.amount_total, 36.0)

    def test_articles_editable_until_delivered(self):
        errand = self._delivery_ordered(lines=[(self.water, 1)])
        # Being prepared: the resident calls back to add a bag of rice.
        errand.write({"line_ids": [(0, 0, {"product_id": self.rice.id, "quantity": 1})]})
        errand.line_ids.filtered(lambda line: line.product_id == self.water).quantity = 2
        self.assertEqual(errand.amount_order, 117.0)
        errand.write({"received_by_name": "王伟", "recipient_signature": SIGNATURE})
        errand.action_deliver()
        with self.assertRaisesRegex(EditLockError, "Articles can no longer be changed"):
            errand.line_ids[:1].quantity = 5
        with self.assertRaisesRegex(EditLockError, "Articles can no longer be changed"):
            errand.write({"line_ids": [(0, 0, {"product_id": self.paper.id, "quantity": 1})]})
        with self.assertRaisesRegex(EditLockError, "Articles can no longer be changed"):
            errand.line_ids[:1].unlink()
        self.assertEqual(len(errand.line_ids), 2)
        self.assertEqual(errand.amount_order, 117.0)

    def test_order_through_the_form(self):
        form = Form(
            self.env["hanling.errand"]
            .with_user(self.duty)
            .with_context(default_kind="delivery", default_channel="phone")
        )
        form.unit_id = self.unit
        self.assertFalse(form.involves_purchase)
        with form.line_ids.new() as line:
            line.product_id = self.water
            line.quantity = 3
        self.assertEqual(form.amount_order, 108.0)
        errand = form.save()
        self.assertEqual(errand.line_ids.price_subtotal, 108.0)
        errand.action_confirm()
        self.assertEqual(errand.state, "confirmed")

    def test_duty_log_converts_to_a_delivery(self):
        entry = (
            self.env["hanling.duty.log"]
            .with_user(self.duty)
            .create(
                {
                    "unit_id": self.unit.id,
                    "request": "送一箱矿泉水和一袋大米",
                    "kind": "errand",
                    "channel": "phone",
                }
            )
        )
        action = entry.action_create_delivery()
        errand = self.env["hanling.errand"].browse(action["res_id"])
        self.assertEqual(errand.kind, "delivery")
        self.assertFalse(errand.involves_purchase)
        self.assertEqual(errand.description, "送一箱矿泉水和一袋大米")
        self.assertEqual(errand.duty_log_id, entry)
        self.assertEqual(errand.partner_id, self.owner)
        self.assertEqual(entry.state, "converted")

    # ------------------------------------------------------------------ refusals

    def test_empty_order_refused(self):
        errand = self._delivery(lines=[])
        with self.assertRaisesRegex(UserError, "Add at least one article"):
            errand.action_confirm()
        self.assertEqual(errand.state, "draft")
        errand.write({"line_ids": [(0, 0, {"product_id": self.water.id, "quantity": 1})]})
        errand.action_confirm()
        errand.line_ids.unlink()
        with self.assertRaisesRegex(UserError, "Add at least one article"):
            errand.action_order()
        self.assertEqual(errand.state, "confirmed")

    def test_zero_or_negative_quantity_refused(self):
        for quantity in (0.0, -1.0):
            with self.assertRaisesRegex(ValidationError, "must be more than zero"):
                self._delivery(lines=[(self.water, quantity)])
        errand = self._delivery(lines=[(self.water, 1)])
        # The savepoint stands for the request's transaction, rolled back on the error.
        with (
            self.assertRaisesRegex(ValidationError, "must be more than zero"),
            self.env.cr.savepoint(),
        ):
            errand.line_ids.quantity = 0.0
        self.assertEqual(errand.line_ids.quantity, 1.0)

    def test_article_off_the_list_refused(self):
        with self.assertRaisesRegex(ValidationError, "is not on the goods delivery list"):
            self._delivery(lines=[(self.off_list, 1)])
        self.water.sale_ok = False
        with self.assertRaisesRegex(ValidationError, "is not on the goods delivery list"):
            self._delivery(lines=[(self.water, 1)])

    def test_articles_only_on_deliveries(self):
        with self.assertRaisesRegex(ValidationError, "goods deliveries only"):
            self._errand(line_ids=[(0, 0, {"product_id": self.water.id, "quantity": 1})])
        errand = self._delivery()
        with self.assertRaisesRegex(ValidationError, "goods deliveries only"):
            errand.kind = "goods"

    def test_deliver_before_ordering_refused(self):
        errand = self._delivery()
        errand.action_confirm()
        errand.write({"received_by_name": "王伟", "recipient_signature": SIGNATURE})
        with self.assertRaisesRegex(UserError, "Delivering is not possible"):
            errand.action_deliver()
        self.assertEqual(errand.state, "confirmed")
        self.assertFalse(errand.date_delivered)

    def test_delivery_without_signature_refused(self):
        errand = self._delivery_ordered(recipient_must_sign=False)
        errand.received_by_name = "王伟"
        with self.assertRaisesRegex(UserError, "The recipient signs for goods delivered"):
            errand.action_deliver()
        errand.write({"received_by_name": False, "recipient_signature": SIGNATURE})
        with self.assertRaisesRegex(UserError, "Record who received"):
            errand.action_deliver()
        self.assertEqual(errand.state, "ordered")

    def test_invoice_without_delivery_refused(self):
        errand = self._delivery_ordered()
        with self.assertRaisesRegex(UserError, "Settling is not possible"):
            errand.with_user(self.staff).action_settle()
        self.assertEqual(errand.state, "ordered")
        self.assertFalse(errand.sudo().invoice_id)

    def test_free_order_not_invoiced(self):
        self.paper.lst_price = 0.0
        errand = self._delivery_delivered(lines=[(self.paper, 1)])
        with self.assertRaisesRegex(UserError, "comes to nothing"):
            errand.with_user(self.staff).action_settle()
        self.assertEqual(errand.state, "delivered")

    def test_no_prepayment_no_cash_at_the_door_no_supplier_bill(self):
        with self.assertRaisesRegex(ValidationError, "takes no prepayment"):
            self._delivery(involves_purchase=True)
        errand = self._delivery()
        errand.action_confirm()
        with self.assertRaisesRegex(UserError, "takes no prepayment"):
            errand.with_user(self.staff)._action_register_prepayment(194.7, self.cash_journal)
        errand.action_order()
        with self.assertRaisesRegex(UserError, "no supplier bill"):
            errand.with_user(self.accountant).action_create_purchase_bill()
        errand.write({"received_by_name": "王伟", "recipient_signature": SIGNATURE})
        errand.action_deliver()
        errand.with_user(self.staff).action_settle()
        with self.assertRaisesRegex(UserError, "not paid at the door"):
            errand.with_user(self.staff)._action_collect_balance(194.7, self.cash_journal)
        self.assertFalse(errand.sudo().payment_ids)
        self.assertFalse(errand.sudo().purchase_bill_id)

    def test_other_errands_keep_their_checks(self):
        # The hooks of goods deliveries leave the cake errand as it was.
        errand = self._errand()
        with self.assertRaisesRegex(UserError, "must sign the commission form"):
            errand.action_confirm()
        errand = self._confirmed(involves_purchase=False)
        with self.assertRaisesRegex(UserError, "Choose the supplier"):
            errand.action_order()

    # ------------------------------------------------------------------ access

    def test_duty_officer_takes_an_order_but_does_not_invoice(self):
        errand = self._delivery_delivered()
        self.assertEqual(errand.create_uid, self.duty)
        with self.assertRaises(AccessError):
            errand.action_settle()
        self.assertEqual(errand.state, "delivered")

    def test_technician_cannot_see_deliveries(self):
        errand = self._delivery()
        with self.assertRaises(AccessError):
            errand.with_user(self.technician).read(["name"])
        with self.assertRaises(AccessError):
            errand.line_ids.with_user(self.technician).read(["quantity"])
        with self.assertRaises(AccessError):
            self._delivery(user=self.technician)

    def test_accountant_reads_articles_only(self):
        errand = self._delivery()
        line = errand.line_ids[:1].with_user(self.accountant)
        self.assertEqual(line.price_unit, 36.0)
        with self.assertRaises(AccessError):
            line.quantity = 4

    def test_other_company_lines_hidden(self):
        errand = self._delivery()
        other = self.env["res.company"].create({"name": "别的物业公司"})
        user = self.users["t_duty"]
        user.write({"company_ids": [(4, other.id)]})
        lines = self.env["hanling.errand.line"].with_user(user).with_company(other)
        self.assertFalse(
            lines.with_context(allowed_company_ids=[other.id]).search(
                [("errand_id", "=", errand.id)]
            )
        )

    def test_goods_list_editable_by_supervisors_only(self):
        for login in ("t_cssup", "t_manager"):
            user = self.users[login]
            self.water.with_user(user).lst_price = 38.0
            self.water.product_tmpl_id.with_user(user).list_price = 38.5
            created = (
                self.env["product.template"]
                .with_user(user)
                .create(
                    {"name": f"洗洁精 {login}", "categ_id": self.category.id, "list_price": 12.8}
                )
            )
            self.assertEqual(created.product_variant_id.lst_price, 12.8)
        self.assertEqual(self.water.lst_price, 38.5)
        # Only the goods list: not the other products, not moved out of the list.
        for user in (self.users["t_cssup"], self.users["t_manager"]):
            with self.assertRaises(AccessError):
                self.off_list.product_tmpl_id.with_user(user).list_price = 1.0
            with self.assertRaises(AccessError):
                self.env["product.template"].with_user(user).create(
                    {"name": "别的商品", "categ_id": self.off_list.categ_id.id}
                )
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                self.water.product_tmpl_id.with_user(user).categ_id = self.off_list.categ_id
            self.assertEqual(self.water.categ_id, self.category)
        for login in ("t_duty", "t_staff", "t_tech", "t_engsup"):
            with self.assertRaises(AccessError):
                self.water.product_tmpl_id.with_user(self.users[login]).list_price = 1.0
        self.env.invalidate_all()
        self.assertEqual(self.off_list.lst_price, 0.0)
        self.assertEqual(self.water.categ_id, self.category)
        # Everyone on the staff reads the list to take an order.
        self.assertEqual(self.water.with_user(self.users["t_duty"]).lst_price, 38.5)
