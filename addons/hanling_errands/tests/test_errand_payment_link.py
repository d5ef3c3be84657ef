"""The errand's link on its payments is the errand's steps' (篇4 2 预收款, 8 结算).

Before: an accountant (or anyone with write access to payments) linked any customer payment to
an errand over JSON-RPC (``hanling_errand_id`` + ``hanling_errand_role="prepayment"``): the errand
counted it as its prepayment, its receipt number was made up, and the money status followed.
"""

from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.hanling_property.tools.workflow import WorkflowGuardError

from .common import ErrandCase

CLIENT_CONTEXT = {"lang": "en_US", "install_mode": True, "tracking_disable": True}


@tagged("post_install", "-at_install")
class TestErrandPaymentLink(HttpCase, ErrandCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant.write({"password": "t_accountant"})
        cls.env.ref("account.group_account_manager").sudo().users |= cls.accountant

    def _call(self, model, method, args, kwargs=None):
        self.authenticate("t_accountant", "t_accountant")
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": {"context": CLIENT_CONTEXT, **(kwargs or {})},
            },
        )

    def _payment(self):
        return self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.owner.id,
                "amount": 5000.0,
                "journal_id": self.cash_journal.id,
            }
        )

    def test_accountant_cannot_link_a_payment_to_an_errand(self):
        """篇4 2: the prepayment is the one the desk took for the errand, with its receipt."""
        errand = self._confirmed()
        payment = self._payment()
        forged = {
            "hanling_errand_id": errand.id,
            "hanling_errand_role": "prepayment",
            "hanling_receipt_number": "NO.0001",
        }
        for name, value in forged.items():
            with self.subTest(field=name):
                with self.assertRaisesRegex(JsonRpcException, "WorkflowGuardError"):
                    self._call("account.payment", "write", [payment.ids, {name: value}])
        # Created already linked: refused the same.
        vals = {
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": self.owner.id,
            "amount": 5000.0,
            "journal_id": self.cash_journal.id,
            **forged,
        }
        with self.assertRaisesRegex(JsonRpcException, "WorkflowGuardError"):
            self._call("account.payment", "create", [vals])
        errand.invalidate_recordset()
        self.assertFalse(errand.sudo().payment_ids)
        self.assertEqual(errand.amount_prepaid, 0.0)
        self.assertEqual(errand.payment_status, "none")

    def test_refusal_names_the_link_and_the_step_still_links(self):
        errand = self._confirmed()
        payment = self._payment().with_user(self.accountant)
        with self.assertRaisesRegex(
            WorkflowGuardError,
            "Errand of Errand for a Resident change through the document's buttons only",
        ):
            payment.write({"hanling_errand_id": errand.id})
        # The errand's own step links its prepayment through the money service.
        errand._action_register_prepayment(300.0, self.cash_journal)
        self.assertEqual(errand.sudo().prepayment_id.hanling_errand_role, "prepayment")
        self.assertEqual(errand.amount_prepaid, 300.0)
