"""过户 mid-period: the seller billed in advance gets the days after the sale back.

The fees are billed in advance (a run of May bills May on the 1st); the transfer on 11 May ends
the seller's subscription on the 10th. Before this change the seller kept paying for 21 days of
a unit they no longer owned: no credit note was issued.
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
        transfer.action_done()
        return transfer

    def _credits(self, transfer):
        return self.env["account.move"].search(
            [("move_type", "=", "out_refund"), ("invoice_origin", "=", transfer.name)]
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
        self.assertIn(credit.name, transfer.message_ids[0].body)

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
