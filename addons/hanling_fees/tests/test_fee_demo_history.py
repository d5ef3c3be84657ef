from odoo.tests import tagged
from odoo.tests.common import TransactionCase

from odoo.addons.hanling_property.tools import demo_history


@tagged("post_install", "-at_install")
class TestFeeDemoHistory(TransactionCase):
    def test_months_of_bills_and_payments(self):
        """Issue 18 (an office with history): with hanling_fees the demo office's story holds the
        month's billing run, bills collected by the bank (一卡通) or paid at the counter against
        receipts, and arrears — all made by the users' own actions, so every bill is a posted
        invoice in its month."""
        community = self.env.ref("hanling_property.community_hanling_demo")
        env = self.env(user=self.env.ref("base.user_admin").id)
        receipts_before = env["hanling.fee.receipt"].search_count([])
        history = demo_history.generate(env, months=2, seed=7, community=community, scale=0.05)
        self.assertFalse(history.warnings, "no step of the story was refused")
        runs = env["hanling.fee.run"].search(
            [("state", "=", "done"), ("community_ids", "in", community.ids)]
        )
        self.assertTrue(runs, "the month's billing run was made and finished")
        self.assertFalse(runs.filtered("failed_count"))
        invoices = runs.bill_line_ids.move_id
        self.assertTrue(invoices)
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        for invoice in invoices:
            run = runs.filtered(lambda r, i=invoice: i in r.bill_line_ids.move_id)
            self.assertEqual(invoice.invoice_date, run.period_start, invoice.name)
        paid = invoices.filtered(lambda i: i.payment_state in ("paid", "in_payment"))
        self.assertTrue(paid, "payers came to the counter")
        self.assertTrue(invoices - paid, "some stay owed: the arrears")
        self.assertGreater(env["hanling.fee.receipt"].search_count([]), receipts_before)
        # Most payers signed the bank mandate: the bank's answer paid their bills; a line
        # the bank refused leaves its bills owed.
        batches = env["hanling.fee.bank.batch"].search(
            [("period_start", "in", runs.mapped("period_start")), ("state", "=", "done")]
        )
        self.assertTrue(batches, "the accountant imported the bank's answer")
        lines = batches.line_ids
        collected = lines.filtered(lambda line: line.state == "collected")
        self.assertTrue(collected, "the bank collected the fees of the mandates in force")
        self.assertEqual(
            set(collected.invoice_ids.mapped("payment_state")) - {"in_payment"}, {"paid"}
        )
        self.assertEqual(set(lines.mapped("state")) - {"collected", "rejected"}, set())
        for line in lines.filtered(lambda line: line.state == "rejected"):
            self.assertTrue(
                line.invoice_ids.filtered(lambda i: i.payment_state in ("not_paid", "partial")),
                "a refused line's bills stay owed until they are paid",
            )
