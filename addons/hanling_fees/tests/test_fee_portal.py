import json
from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import FeeCase


@tagged("post_install", "-at_install")
class TestFeePortal(FeeCase, HttpCase):
    """Issue 16 item 6 (篇1 一 1 3: residents pay all fees): a resident's bills online.

    王伟 (portal login t_fee_res) lives in and pays for 1-101, 李娜 (t_fee_res2) for 1-102.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.resident = cls._portal_user("t_fee_res", cls.owner)
        cls.resident2 = cls._portal_user("t_fee_res2", cls.owner2)

    @classmethod
    def _portal_user(cls, login, partner):
        return new_test_user(
            cls.env,
            login=login,
            password=login + "pass",
            name=partner.name,
            groups="base.group_portal",
            partner_id=partner.id,
            lang="en_US",
        )

    def setUp(self):
        super().setUp()
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._subscribe(self.unit2, self.owner2, date(2026, 1, 1))
        self.runs = self._run(date(2026, 1, 1)) | self._run(date(2026, 2, 1))
        self.bills = self.runs.bill_line_ids
        self.mine = self.bills.filtered(lambda b: b.unit_id == self.unit)
        self.theirs = self.bills - self.mine
        self.assertEqual(len(self.mine), 2)
        self.assertEqual(self.mine.move_id.partner_id, self.owner)

    def _jsonrpc(self, url, params):
        response = self.url_open(
            url,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertNotIn("error", body, body.get("error"))
        return body.get("result")

    def test_list_shows_own_bills_only(self):
        """A resident sees their unit's bills, owed and paid, and nothing of another's unit."""
        self.authenticate("t_fee_res", "t_fee_respass")
        page = self.url_open("/my/fees")
        self.assertEqual(page.status_code, 200)
        for move in self.mine.move_id:
            self.assertIn(move.name, page.text)
            self.assertIn(f"/my/invoices/{move.id}", page.text)
        for move in self.theirs.move_id:
            self.assertNotIn(move.name, page.text)
        self.assertEqual(page.text.count('class="o_hanling_fee_bill"'), 2)
        self.assertIn("Owed", page.text)
        self.assertIn("Pay Now", page.text)
        # Another resident's unit as a filter shows nothing of it.
        page = self.url_open(f"/my/fees?unit={self.unit2.id}")
        for move in self.theirs.move_id:
            self.assertNotIn(move.name, page.text)
        # Another resident's invoice: Odoo's portal refuses it (back to /my), no PDF either.
        other = self.theirs.move_id[0]
        for url in (f"/my/invoices/{other.id}", f"/my/invoices/{other.id}?report_type=pdf"):
            response = self.url_open(url)
            self.assertNotIn(other.name, response.text)
            self.assertTrue(response.url.endswith("/my"), response.url)
        # And the ORM: the record rule hides it from the list and refuses the read.
        Bill = self.env["hanling.fee.bill.line"].with_user(self.resident)
        self.assertEqual(Bill.search([]), self.mine)
        with self.assertRaisesRegex(AccessError, "Fee Bill Line"):
            Bill.browse(self.theirs[0].id).read(["amount"])

    def test_bill_settled_by_a_credit_note_is_not_owed(self):
        """A bill settled by a credit note (a transfer's, a corrected reading's) is shown as
        such, without a Pay button; the other bill is still owed."""
        credited, owed = self.mine.sorted("period_start").move_id
        credited._reverse_moves(cancel=True)
        self.assertEqual(credited.payment_state, "reversed")
        self.authenticate("t_fee_res", "t_fee_respass")
        page = self.url_open("/my/fees")
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.text.count("Settled by Credit Note"), 1)
        self.assertEqual(page.text.count("o_hanling_fee_pay"), 1)
        self.assertIn("Owed", page.text)
        self.assertIn(owed.name, page.text)

    def test_invoice_prints_through_odoo_portal(self):
        """The invoice of a bill opens and downloads on Odoo's own invoice page."""
        self.authenticate("t_fee_res", "t_fee_respass")
        move = self.mine.move_id[0]
        page = self.url_open(f"/my/invoices/{move.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(move.name, page.text)
        self.assertIn("Pay Now", page.text, "account_payment's pay button")
        pdf = self.url_open(f"/my/invoices/{move.id}?report_type=pdf&download=true")
        self.assertEqual(pdf.status_code, 200)
        self.assertIn("attachment", pdf.headers.get("Content-Disposition", ""))

    def test_bill_list_query_budget(self):
        """The bill list is one query for the bills and one per shown model, whatever their
        number (issue 16: the portal bill list under 100 ms with 1,000,000 invoices)."""
        Bill = self.env["hanling.fee.bill.line"].with_user(self.resident)
        units = self.unit

        def count_queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            bills = Bill._portal_bills(units)
            shown = [  # what the template reads
                (
                    b.period_start,
                    b.amount,
                    b.fee_type_id.name,
                    b.move_id.name,
                    b.move_id.payment_state,
                    b.move_id.partner_id.id,
                )
                for b in bills
            ]
            self.assertEqual(len(shown), len(bills))
            return self.env.cr.sql_log_count - before, len(bills)

        count_queries()  # warm the registry caches (rules, fields)
        queries_2, shown = count_queries()
        self.assertEqual(shown, 2)
        self._run(date(2026, 3, 1))
        self._run(date(2026, 4, 1))
        queries_4, shown = count_queries()
        self.assertEqual(shown, 4)
        self.assertEqual(queries_4, queries_2, "queries grow with the number of bills")
        # Measured: the bills (one query, record rule inside), the fee types, the invoices, and
        # the user and partner the record rule reads after the cache was cleared.
        with self.assertQueryCount(5):
            self.env.invalidate_all()
            bills = Bill._portal_bills(units)
            bills.mapped("fee_type_id.name")
            bills.mapped("move_id.payment_state")

    @mute_logger("odoo.addons.payment.models.payment_transaction")
    def test_portal_payment_with_demo_provider_reconciles_the_bill(self):
        """篇1 一 1 3: the resident pays a bill online (Odoo's invoice payment, demo provider);
        Odoo's own flow reconciles the payment with the invoice: the bill shows as paid."""
        provider = self.env.ref("payment.payment_provider_demo")
        provider.write({"state": "test", "is_published": True, "company_id": self.company.id})
        method = self.env.ref("payment_demo.payment_method_demo")
        move = self.mine.move_id.sorted("invoice_date")[0]
        self.assertEqual(move.payment_state, "not_paid")
        self.authenticate("t_fee_res", "t_fee_respass")
        result = self._jsonrpc(
            f"/invoice/transaction/{move.id}",
            {
                "access_token": move._portal_ensure_token(),
                "provider_id": provider.id,
                "payment_method_id": method.id,
                "token_id": None,
                "amount": move.amount_residual,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": move.get_portal_url(),
            },
        )
        self._jsonrpc(
            "/payment/demo/simulate_payment",
            {
                "reference": result["reference"],
                "payment_details": "4242",
                "simulated_state": "done",
            },
        )
        status = self._jsonrpc("/payment/status/poll", {})
        self.assertEqual(status["state"], "done")
        tx = self.env["payment.transaction"].search([("reference", "=", result["reference"])])
        self.assertTrue(tx.is_post_processed)
        self.assertEqual(tx.invoice_ids, move)
        self.assertEqual(tx.payment_id.state, "paid")
        self.assertEqual(move.payment_state, "paid")
        self.assertEqual(move.amount_residual, 0.0)
        self.assertEqual(
            set(self.mine.filtered(lambda b: b.move_id == move).mapped("payment_state")), {"paid"}
        )
        # The list shows it paid: one bill left to pay.
        page = self.url_open("/my/fees")
        self.assertEqual(page.text.count("o_hanling_fee_pay"), 1)
