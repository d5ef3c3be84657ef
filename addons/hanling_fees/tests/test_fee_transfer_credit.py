"""过户 mid-period: the seller billed in advance gets the days after the sale back.

The fees are billed in advance (a run of May bills May on the 1st); the transfer on 11 May ends
the seller's subscription on the 10th. Before this change the seller kept paying for 21 days of
a unit they no longer owned: no credit note was issued. Then the buyer was never billed the days
credited (the run skipped them as billed): they are billed to the buyer at the transfer.
"""

from datetime import date

from odoo.tests import tagged

from .common import FeeCase


@tagged("post_install", "-at_install")
class TestFeeTransferCredit(FeeCase):
    def _transfer(self, day):
        buyer = self.env["res.partner"].create({"name": "孙丽"})
        transfer = (
            self.env["hanling.ownership.transfer"]
            .with_user(self.users["t_staff"])
            .create({"unit_id": self.unit.id, "partner_id": buyer.id, "date_transfer": day})
        )
        self.receive(transfer.document_line_ids)
        # Issue 17: the seller's days before the sale stay owed; the manager lets the transfer
        # complete (结清证明 exception), so these tests see the credit alone.
        if transfer.arrears_amount:
            transfer.arrears_exception_note = "卖方过户前的费用另行结清"
            transfer.with_user(self.users["t_manager"]).action_record_arrears_exception()
        transfer.action_done()
        return transfer

    def _credits(self, transfer):
        return self.env["account.move"].search(
            [("move_type", "=", "out_refund"), ("invoice_origin", "=", transfer.name)]
        )

    def _buyer_bills(self, transfer):
        return self.env["hanling.fee.bill.line"].search(
            [("unit_id", "=", self.unit.id), ("partner_id", "=", transfer.partner_id.id)]
        )

    def test_seller_credited_for_the_days_after_the_transfer(self):
        """The seller pays to the day before the transfer (篇1 一 过户): 223.75 for May was
        billed on 1 May; 21 of its 31 days are credited, against the open invoice."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        bill = self._run(date(2026, 5, 1)).bill_line_ids.filtered(lambda b: b.unit_id == self.unit)
        self.assertEqual(bill.amount, 223.75)
        transfer = self._transfer(date(2026, 5, 11))
        credit = self._credits(transfer)
        self.assertEqual(len(credit), 1)
        self.assertEqual(credit.state, "posted")
        self.assertEqual(credit.partner_id, self.owner)
        self.assertEqual(credit.reversed_entry_id, bill.move_id)
        # 223.75 × 21/31 = 151.572…
        self.assertEqual(credit.amount_total, 151.57)
        self.assertEqual(credit.hanling_community_id, self.community)
        line = credit.invoice_line_ids
        self.assertEqual(
            (line.hanling_period_start, line.hanling_period_end),
            (date(2026, 5, 11), date(2026, 5, 31)),
        )
        # Reconciled with the seller's open invoice: 72.18 is left for the ten days owned.
        self.assertEqual(bill.move_id.amount_residual, 72.18)
        self.assertEqual(credit.payment_state, "paid")
        self.assertIn(credit.name, "\n".join(transfer.message_ids.mapped("body")))
        # The 21 days credited are the buyer's, billed at once: 223.75 − 72.18 = 151.57 (the
        # month billed once between the two, nothing lost), on an invoice of the transfer day.
        self.assertEqual(bill.credited_from, date(2026, 5, 11))
        buyer_bill = self._buyer_bills(transfer)
        self.assertEqual(len(buyer_bill), 1)
        self.assertEqual(
            (buyer_bill.partner_id, buyer_bill.period_start, buyer_bill.period_end),
            (transfer.partner_id, date(2026, 5, 11), date(2026, 5, 31)),
        )
        self.assertEqual(buyer_bill.amount, 151.57)
        invoice = buyer_bill.move_id
        self.assertEqual((invoice.state, invoice.invoice_date), ("posted", date(2026, 5, 11)))
        self.assertEqual(invoice.amount_residual, 151.57)
        self.assertEqual(buyer_bill.run_id.state, "done")
        self.assertEqual(buyer_bill.run_id.billed_count, 1)
        self.assertIn(invoice.name, transfer.message_ids[0].body)
        # A run of May again: nothing more for either owner.
        again = self._run(date(2026, 5, 1))
        self.assertEqual((again.billed_count, again.skipped_count), (0, 2))

    def test_nothing_billed_past_the_day_nothing_credited(self):
        """Billed to the end of April only: the transfer on 1 May credits nothing."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._run(date(2026, 4, 1))
        transfer = self._transfer(date(2026, 5, 1))
        self.assertFalse(self._credits(transfer))

    def test_whole_period_after_the_day_credited_in_full(self):
        """A period billed ahead that starts after the transfer day is all the buyer's."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        bill = self._run(date(2026, 6, 1)).bill_line_ids.filtered(lambda b: b.unit_id == self.unit)
        transfer = self._transfer(date(2026, 5, 20))
        credit = self._credits(transfer)
        self.assertEqual(credit.amount_total, bill.amount)
        self.assertEqual(bill.move_id.payment_state, "reversed")
        # June is the buyer's whole: billed from the same first day (the credited line does
        # not count as billed any more), dated the period's first day as billed ahead.
        buyer_bill = self._buyer_bills(transfer)
        self.assertEqual(
            (buyer_bill.period_start, buyer_bill.period_end, buyer_bill.amount),
            (date(2026, 6, 1), date(2026, 6, 30), bill.amount),
        )
        self.assertEqual(buyer_bill.move_id.invoice_date, date(2026, 6, 1))
        # The database still refuses a second bill of that stretch.
        self.assertFalse(self._run(date(2026, 6, 1)).bill_line_ids)

    def test_buyer_pays_nothing_twice_when_the_seller_was_not_billed(self):
        """Nothing credited, nothing billed at the transfer: the regular run bills the buyer."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._run(date(2026, 4, 1))
        transfer = self._transfer(date(2026, 5, 1))
        self.assertFalse(self._buyer_bills(transfer))
        may = self._run(date(2026, 5, 1)).bill_line_ids.filtered(lambda b: b.unit_id == self.unit)
        self.assertEqual((may.partner_id, may.amount), (transfer.partner_id, 223.75))
