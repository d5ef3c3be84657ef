from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .work_order_common import WorkOrderCase


@tagged("post_install", "-at_install")
class TestWorkOrderBilling(WorkOrderCase):
    def _materials(self):
        return [
            {
                "name": "陶瓷阀芯",
                "quantity": 2,
                "price_unit": 5.5,
                "bought_for_resident": True,
            },
            {
                "name": "业户自备软管",
                "quantity": 1,
                "price_unit": 30.0,
                "bought_for_resident": False,
            },
        ]

    def test_invoice_labour_and_materials(self):
        order = self._finish(self._assign(self._order()), self._materials())
        self.assertEqual(order.labour_price, 20.0)
        self.assertEqual(order.amount_materials, 11.0)
        self.assertEqual(order.amount_estimated, 31.0)
        self.assertEqual(order.invoice_status, "waiting")
        self._accept(order)
        invoice = order.sudo().invoice_id
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.partner_id, self.owner)
        self.assertEqual(invoice.invoice_origin, order.name)
        self.assertEqual(invoice.company_id, order.company_id)
        labour, materials = invoice.invoice_line_ids.sorted("sequence")
        self.assertEqual(labour.product_id, self.paid_service.product_id)
        self.assertEqual(
            (labour.quantity, labour.price_unit, labour.price_subtotal),
            (1.0, 20.0, 20.0),
        )
        self.assertEqual(
            materials.product_id,
            self.env.ref("hanling_property.product_work_order_materials"),
        )
        self.assertEqual(materials.name, "陶瓷阀芯")
        self.assertEqual(
            (materials.quantity, materials.price_unit, materials.price_subtotal),
            (2.0, 5.5, 11.0),
        )
        self.assertEqual(invoice.amount_total, 31.0)
        self.assertEqual(order.amount_invoiced, 31.0)
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertEqual(order.payment_state, "not_paid")
        # Never twice.
        with self.assertRaises(UserError):
            order.with_user(self.engsup).action_create_invoice()
        self.assertFalse(order.sudo()._create_invoices())
        self.assertEqual(
            self.env["account.move"].search_count([("invoice_origin", "=", order.name)]),
            1,
        )
        # Once invoiced the fee can only be corrected in Accounting.
        with self.assertRaises(UserError):
            order.with_user(self.cssup).labour_price = 40
        with self.assertRaises(UserError):
            order.material_ids[0].with_user(self.cssup).price_unit = 1

    def test_payment_state_follows_the_invoice(self):
        order = self._accept(self._finish(self._assign(self._order())))
        invoice = order.sudo().invoice_id
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(order.payment_state, invoice.payment_state)
        Order = self.env["hanling.work.order"]
        self.assertIn(order, Order.search([("payment_state", "in", ("paid", "in_payment"))]))

    def test_free_service_invoices_nothing(self):
        order = self._finish(self._assign(self._order(service_id=self.free_service.id)))
        self.assertEqual(order.labour_price, 0.0)
        self.assertEqual(order.invoice_status, "none")
        self._accept(order)
        self.assertFalse(order.invoice_id)
        self.assertEqual(order.invoice_status, "none")
        self.assertFalse(
            self.env["account.move"].search_count([("invoice_origin", "=", order.name)])
        )
        with self.assertRaises(UserError):
            order.with_user(self.engsup).action_create_invoice()
        self._callback_done(order)
        order.with_user(self.engsup).action_close()
        self.assertEqual(order.state, "closed")

    def test_free_service_with_bought_materials_invoices_materials_only(self):
        order = self._finish(
            self._assign(self._order(service_id=self.free_service.id)),
            self._materials(),
        )
        self._accept(order)
        invoice = order.sudo().invoice_id
        self.assertEqual(len(invoice.invoice_line_ids), 1)
        self.assertEqual(invoice.invoice_line_ids.name, "陶瓷阀芯")
        self.assertEqual(invoice.amount_total, 11.0)

    def test_fee_fixed_later_by_supervisors(self):
        order = self._assign(self._order(service_id=self.quoted_service.id))
        tech_order = order.with_user(self.tech)
        tech_order.action_arrive_scan(tech_order.unit_id._hanling_portal_url())
        tech_order.write({"inspection_note": "主管堵塞,需机器疏通"})
        tech_order.action_finish()
        # A paid service without a catalogue price cannot be billed as it stands.
        self.assertTrue(order.fee_uncertain)
        self._accept(order)
        self.assertEqual(order.state, "accepted")
        self.assertFalse(order.invoice_id)
        self.assertEqual(order.invoice_status, "to_fix")
        fee_type = self.env.ref("hanling_property.mail_activity_type_work_order_fee")
        fee_activities = order.activity_ids.filtered(lambda a: a.activity_type_id == fee_type)
        self.assertEqual(len(fee_activities), 2)
        self.assertIn(self.engsup, fee_activities.user_id)
        cs_user = fee_activities.user_id - self.engsup
        self.assertTrue(cs_user.has_group("hanling_property.group_cs_supervisor"))
        self.assertFalse(cs_user.has_group("hanling_property.group_manager"))
        # The technician can neither fix the fee nor change it any more.
        with self.assertRaises(AccessError):
            tech_order.action_set_fee()
        with self.assertRaises(AccessError):
            tech_order.labour_price = 80
        with self.assertRaises(AccessError):
            tech_order.write(
                {"material_ids": [fields.Command.create({"name": "x", "price_unit": 1})]}
            )
        with self.assertRaises(UserError):
            order.with_user(self.engsup).action_create_invoice()
        self._callback_done(order)
        with self.assertRaises(UserError):
            order.with_user(self.engsup).action_close()  # fee still open
        # The customer-service supervisor proposes it, the engineering supervisor confirms it.
        cs_order = order.with_user(self.cssup)
        with Form(cs_order) as form:
            form.labour_price = 80
        cs_order.action_set_fee()
        self.assertTrue(order.fee_uncertain)
        self.assertFalse(order.invoice_id)
        order.with_user(self.engsup).action_set_fee()
        self.assertFalse(order.fee_uncertain)
        self.assertEqual(order.fee_confirmed_by_id, self.cssup)
        self.assertEqual(order.fee_fixed_by_id, self.engsup)
        self.assertTrue(order.date_fee_fixed)
        self.assertFalse(order.activity_ids.filtered(lambda a: a.activity_type_id == fee_type))
        self.assertEqual(order.sudo().invoice_id.amount_total, 80.0)
        self.assertEqual(
            order.sudo().invoice_id.invoice_line_ids.product_id,
            self.quoted_service.product_id,
        )
        with self.assertRaises(UserError):
            cs_order.action_set_fee()
        order.with_user(self.engsup).action_close()
        self.assertEqual(order.state, "closed")

    def test_fee_fixed_before_acceptance(self):
        order = self._assign(self._order())
        tech_order = order.with_user(self.tech)
        tech_order.action_arrive_scan(tech_order.unit_id._hanling_portal_url())
        tech_order.write({"inspection_note": "待定", "fee_uncertain": True})
        tech_order.action_finish()
        eng_order = order.with_user(self.engsup)
        eng_order.labour_price = 35
        eng_order.action_set_fee()
        order.with_user(self.cssup).action_set_fee()
        self.assertFalse(order.fee_uncertain)
        self.assertFalse(order.invoice_id)  # not accepted yet
        self._accept(order)
        self.assertEqual(order.sudo().invoice_id.amount_total, 35.0)

    def test_resident_required_to_invoice(self):
        # Nobody lives in the unit: the caller left a phone (篇2 一 一), but there is no resident.
        order = self._finish(
            self._assign(self._order(unit_id=self.unit2.id, contact_phone="13900002222"))
        )
        self.assertFalse(order.partner_id)
        with self.assertRaises(UserError):
            self._accept(order)
        self.assertEqual(order.state, "done")

    def test_accountant_lists_orders_by_payment(self):
        accountant = new_test_user(
            self.env,
            login="t_accountant",
            groups="base.group_user,account.group_account_invoice",
        )
        billed = self._accept(self._finish(self._assign(self._order())))
        free = self._accept(
            self._finish(self._assign(self._order(service_id=self.free_service.id)))
        )
        Order = self.env["hanling.work.order"].with_user(accountant)
        found = Order.search([("payment_state", "=", "not_paid")])
        self.assertIn(billed, found)
        self.assertNotIn(free, found)
        groups = dict(
            Order._read_group([("id", "in", (billed | free).ids)], ["invoice_status"], ["__count"])
        )
        self.assertEqual(groups, {"invoiced": 1, "none": 1})
        with self.assertRaises(AccessError):
            Order.browse(billed.id).write({"punctuality": "late"})

    def test_revenue_is_booked_per_community(self):
        order = self._finish(self._assign(self._order()), self._materials())
        self._accept(order)
        invoice = order.sudo().invoice_id
        self.assertEqual(invoice.hanling_community_id, self.community)
        account = self.community.analytic_account_id
        self.assertTrue(account, "the community got its analytic account when first billed")
        self.assertEqual(
            account.plan_id, self.env.ref("hanling_property.analytic_plan_communities")
        )
        for line in invoice.invoice_line_ids:
            self.assertEqual(line.analytic_distribution, {str(account.id): 100})
        revenue = self.env["account.move.line"]._hanling_revenue_by_community()
        self.assertAlmostEqual(revenue[self.community], 31.0)
        # A second order of the same community reuses the account.
        second = self._finish(self._assign(self._order()))
        self._accept(second)
        self.assertEqual(
            second.sudo().invoice_id.invoice_line_ids.analytic_distribution, {str(account.id): 100}
        )
        self.assertAlmostEqual(
            self.env["account.move.line"]._hanling_revenue_by_community()[self.community], 51.0
        )
