"""Errands and goods deliveries move through their buttons only (issue 14).

No role can create an errand in a later state, write its state, its transition dates, who booked
it, or point it at money records (prepayment, payments, receipt number, resident invoice,
supplier bill); what the resident signed is frozen by the step that follows; the price of an
article is the listed price, never typed in.
"""

import json

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from odoo.addons.hanling_property.tools.workflow import (
    EditLockError,
    WorkflowGuardError,
    workflow_grant,
)

from .common import SIGNATURE, ErrandCase

# Context keys a client might try (the archive's old grant, a default, a "force" flag).
CONTEXTS = [
    {},
    {"hanling_archive_transition": True, "force": True, "default_state": "done"},
]


@tagged("post_install", "-at_install")
class TestErrandWorkflowGuard(ErrandCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.category = cls.env.ref("hanling_errands.product_category_convenience")
        cls.water = cls.env["product.product"].create(
            {"name": "测试矿泉水", "categ_id": cls.category.id, "list_price": 36.0, "taxes_id": []}
        )

    def _forged_values(self):
        """One forged value per workflow-owned field, with the label the refusal names."""
        now = fields.Datetime.now()
        other = self._settled()
        invoice = other.sudo().invoice_id
        payment = other.sudo().prepayment_id
        return [
            ({"state": "done"}, "State"),
            ({"date_confirmed": now}, "Commissioned On"),
            ({"date_settled": now}, "Settled On"),
            ({"date_done": now}, "Done On"),
            ({"date_booked": now, "booked_by_id": self.accountant.id}, "Booked By, Booked On"),
            ({"invoice_id": invoice.id}, "Resident Invoice"),
            ({"purchase_bill_id": invoice.id}, "Supplier Bill"),
            ({"payment_ids": [(4, payment.id)]}, "Payments"),
            ({"prepayment_id": payment.id}, "Prepayment"),
            ({"receipt_number": "SJ-FORGED"}, "Receipt Number"),
            ({"payment_status": "paid"}, "Payment Status"),
            ({"resident_signed_on": now}, "Signed On"),
            ({"name": "WT-FORGED"}, "Number"),
        ]

    def test_errand_not_created_in_a_later_state(self):
        for vals, label in self._forged_values():
            for context in CONTEXTS:
                with self.subTest(vals=vals, context=context):
                    with self.assertRaisesRegex(
                        WorkflowGuardError, f"^{label} of Errand for a Resident change through"
                    ):
                        self.env["hanling.errand"].with_user(self.staff).with_context(
                            **context
                        ).create({"unit_id": self.unit.id, "description": "代订蛋糕", **vals})
        # A context default is ignored: the errand starts as a draft with its own number.
        errand = (
            self.env["hanling.errand"]
            .with_user(self.staff)
            .with_context(default_state="done", default_date_done=fields.Datetime.now())
            .create({"unit_id": self.unit.id, "description": "代订蛋糕"})
        )
        self.assertEqual((errand.state, errand.date_done), ("draft", False))
        self.assertNotEqual(errand.name, "/")

    def test_workflow_fields_not_written_by_any_role(self):
        errand = self._confirmed()
        forged = self._forged_values()
        for user in (self.duty, self.staff, self.supervisor, self.manager, self.accountant):
            for vals, label in forged:
                for context in CONTEXTS:
                    with self.subTest(user=user.login, vals=vals, context=context):
                        with self.assertRaisesRegex(
                            WorkflowGuardError, f"^{label} of Errand for a Resident"
                        ):
                            errand.with_user(user).with_context(**context).write(vals)
        errand.invalidate_recordset()
        self.assertEqual(errand.state, "confirmed")
        self.assertFalse(errand.invoice_id | errand.purchase_bill_id)
        self.assertFalse(errand.booked_by_id or errand.date_booked)
        self.assertFalse(errand.sudo().payment_ids)

    def test_signed_commission_is_locked(self):
        errand = self._errand()
        errand.write({"description": "8寸水果蛋糕", "estimated_amount": 280.0})
        self._sign_commission(errand)
        errand.action_confirm()
        with self.assertRaisesRegex(EditLockError, "is Commissioned: Unit can no longer"):
            errand.write({"unit_id": self.unit2.id})
        with self.assertRaisesRegex(EditLockError, "is Commissioned: Commission Signature"):
            errand.write({"commission_signature": SIGNATURE})
        # The quote may still change until the prepayment is taken, then it is fixed.
        errand.write({"estimated_amount": 300.0})
        errand._action_register_prepayment(300.0, self.cash_journal)
        with self.assertRaisesRegex(EditLockError, "is Prepaid: Estimated Cost can no longer"):
            errand.write({"estimated_amount": 1.0})
        errand.write({"supplier_id": self.supplier.id, "supervisor_id": self.supervisor.id})
        errand.action_order()
        with self.assertRaisesRegex(EditLockError, "is Ordered: Supplier can no longer"):
            errand.write({"supplier_id": self.env["res.partner"].create({"name": "别家"}).id})
        errand.write({"received_by_name": "王伟", "recipient_signature": SIGNATURE})
        errand.action_deliver()
        with self.assertRaisesRegex(EditLockError, "is Delivered: Received By"):
            errand.write({"received_by_name": "别人"})
        self._attach_voucher(errand, 268.0)
        errand.action_settle()
        with self.assertRaisesRegex(EditLockError, "is Settled: Voucher Amount can no longer"):
            errand.write({"voucher_amount": 1.0})
        self._sign_off(errand)
        errand.action_done()
        with self.assertRaisesRegex(EditLockError, "is Done: Fapiao Number can no longer"):
            errand.write({"fapiao_number": "04400123"})
        self.assertEqual(errand.amount_invoiced, 268.0)

    def test_cancelled_errand_is_locked_until_reset(self):
        errand = self._errand(cancel_reason="重复登记")
        errand.action_cancel()
        with self.assertRaisesRegex(EditLockError, "is Cancelled: Cancel Reason can no longer"):
            errand.write({"cancel_reason": "别的理由"})
        errand.action_draft()
        errand.write({"cancel_reason": "别的理由", "unit_id": self.unit2.id})
        self.assertEqual(errand.state, "draft")

    def test_money_steps_for_their_roles(self):
        errand = self._delivered()
        errand.voucher_amount = 280.0
        with self.assertRaisesRegex(AccessError, "Only the accountant records supplier bills"):
            errand.with_user(self.staff).action_create_purchase_bill()
        errand.with_user(self.accountant).action_create_purchase_bill()
        bill = errand.sudo().purchase_bill_id
        self.assertEqual(bill.amount_total, 280.0)
        bill.action_post()
        errand.with_user(self.staff).action_settle()
        self._sign_off(errand)
        errand.with_user(self.staff).action_done()
        with self.assertRaisesRegex(AccessError, "Only the accountant books errands"):
            errand.with_user(self.staff).action_book()
        errand.with_user(self.accountant).action_book()
        self.assertEqual(errand.booked_by_id, self.accountant)
        # The duty officer holds no money rights.
        other = self._confirmed()
        with self.assertRaisesRegex(AccessError, "Only customer-service staff handle the money"):
            other.with_user(self.duty)._action_register_prepayment(300.0, self.cash_journal)
        self.assertEqual(other.state, "confirmed")

    def test_duty_log_request_becomes_an_errand(self):
        entry = (
            self.env["hanling.duty.log"]
            .with_user(self.duty)
            .create({"unit_id": self.unit.id, "request": "代订一箱牛奶"})
        )
        action = entry.with_user(self.duty).action_create_errand()
        errand = self.env["hanling.errand"].browse(action["res_id"])
        self.assertEqual((errand.state, errand.description), ("draft", "代订一箱牛奶"))
        self.assertEqual(entry.state, "converted")
        delivery_entry = (
            self.env["hanling.duty.log"]
            .with_user(self.duty)
            .create({"unit_id": self.unit.id, "request": "送两桶水"})
        )
        action = delivery_entry.with_user(self.duty).action_create_delivery()
        self.assertEqual(self.env["hanling.errand"].browse(action["res_id"]).kind, "delivery")

    # ------------------------------------------------------------------ goods delivery lines

    def test_article_price_is_the_listed_price(self):
        errand = (
            self.env["hanling.errand"]
            .with_user(self.duty)
            .create({"kind": "delivery", "unit_id": self.unit.id})
        )
        Line = self.env["hanling.errand.line"].with_user(self.duty)
        with self.assertRaisesRegex(WorkflowGuardError, "^Unit Price of Goods Delivery Line"):
            Line.create(
                {
                    "errand_id": errand.id,
                    "product_id": self.water.id,
                    "quantity": 2,
                    "price_unit": 0.01,
                }
            )
        with self.assertRaisesRegex(WorkflowGuardError, "^Subtotal of Goods Delivery Line"):
            errand.write(
                {
                    "line_ids": [
                        (0, 0, {"product_id": self.water.id, "quantity": 2, "price_subtotal": 1})
                    ]
                }
            )
        line = Line.create({"errand_id": errand.id, "product_id": self.water.id, "quantity": 2})
        self.assertEqual((line.price_unit, line.price_subtotal), (36.0, 72.0))
        for user in (self.duty, self.staff, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(WorkflowGuardError, "^Unit Price of Goods Delivery"):
                    line.with_user(user).write({"price_unit": 0.01})
        line.with_user(self.staff).write({"quantity": 3})
        self.assertEqual(line.price_subtotal, 108.0)

    def test_delivery_steps_are_workflow_steps(self):
        """The goods delivery's own overrides of the errand's steps hold the grant too."""
        Errand = type(self.env["hanling.errand"])
        for name in (
            "action_confirm",
            "action_order",
            "action_deliver",
            "action_settle",
            "action_done",
            "action_cancel",
            "action_draft",
            "action_book",
            "action_create_purchase_bill",
            "_action_register_prepayment",
            "_action_collect_balance",
        ):
            with self.subTest(method=name):
                self.assertTrue(getattr(getattr(Errand, name), "_hanling_workflow_step", False))
        errand = (
            self.env["hanling.errand"]
            .with_user(self.duty)
            .create(
                {
                    "kind": "delivery",
                    "unit_id": self.unit.id,
                    "line_ids": [(0, 0, {"product_id": self.water.id, "quantity": 1})],
                }
            )
        )
        errand.action_confirm()
        errand.action_order()
        errand.write({"received_by_name": "王伟", "recipient_signature": SIGNATURE})
        errand.action_deliver()
        errand.with_user(self.staff).action_settle()
        errand.action_done()
        self.assertEqual(errand.state, "done")
        with self.assertRaisesRegex(EditLockError, "Articles can no longer be changed"):
            errand.line_ids.write({"quantity": 5})

    def test_set_up_grant_is_scoped_to_its_model(self):
        """A grant for one model (test set-up, another procedure's step) opens no other."""
        errand = self._confirmed()
        with (
            workflow_grant("hanling.duty.log"),
            self.assertRaisesRegex(WorkflowGuardError, "^State of Errand"),
        ):
            errand.write({"state": "done"})


@tagged("post_install", "-at_install")
class TestErrandRpcAttacks(HttpCase):
    """The errand attacks over JSON-RPC, as the web client sends them (demo 客服员 staff)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = cls.env.ref("hanling_property.user_staff_demo")
        cls.staff.lang = "en_US"
        cls.errand = cls.env.ref("hanling_errands.errand_cake_demo")

    def _call(self, method, args, context=None):
        payload = {
            "id": 0,
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": "hanling.errand",
                "method": method,
                "args": args,
                "kwargs": {"context": {"lang": "en_US", **(context or {})}},
            },
        }
        response = self.url_open(
            f"/web/dataset/call_kw/hanling.errand/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        body = response.json()
        return body.get("result"), body.get("error", {}).get("data", {}).get("message")

    def test_staff_cannot_forge_state_or_money_links(self):
        self.authenticate("staff", "staff")
        before = self.errand.read(["state", "invoice_id", "date_booked"])[0]
        invoice = self.env["account.move"].search([("move_type", "=", "out_invoice")], limit=1)
        for vals, label in [
            ({"state": "done"}, "State"),
            ({"invoice_id": invoice.id}, "Resident Invoice"),
            ({"date_booked": "2025-01-01 00:00:00"}, "Booked On"),
        ]:
            for context in CONTEXTS:
                with self.subTest(vals=vals, context=context):
                    __, error = self._call("write", [[self.errand.id], vals], context)
                    self.assertRegex(error or "", f"^{label} of Errand for a Resident change")
                    __, error = self._call(
                        "create",
                        [{"unit_id": self.errand.unit_id.id, "description": "x", **vals}],
                        context,
                    )
                    self.assertRegex(error or "", f"^{label} of Errand for a Resident change")
        self.errand.invalidate_recordset()
        self.assertEqual(self.errand.read(["state", "invoice_id", "date_booked"])[0], before)
