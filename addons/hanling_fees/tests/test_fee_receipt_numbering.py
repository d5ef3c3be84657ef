"""收据 numbers at the counter's peak (issue 19, item 4): taken without a shared counter row."""

from odoo.tests import tagged

from .common import FeeCase


@tagged("post_install", "-at_install")
class TestFeeReceiptNumbering(FeeCase):
    def _pay(self, unit, partner, amount):
        wizard = (
            self.env["hanling.fee.counter.payment"]
            .with_user(self.users["t_duty"])
            .create(
                {
                    "unit_id": unit.id,
                    "partner_id": partner.id,
                    "journal_id": self.cash_journal.id,
                    "amount_prepaid": amount,
                }
            )
        )
        action = wizard.action_pay()
        return self.env["hanling.fee.receipt"].browse(action["context"]["active_ids"])

    def test_numbers_follow_the_last_receipt_from_the_sequences_first_number(self):
        """The company's sequence gives the format and the first number; each receipt then
        takes the number after the company's last one, and the counter row of the sequence is
        no longer written by a payment (a row every payment updated made overlapping payments
        fail with serialization errors at the office's peak)."""
        sequence = self.company._hanling_receipt_sequence()
        self.env.cr.execute(
            "SELECT coalesce(max(sequence_number), 0) FROM hanling_fee_receipt "
            "WHERE company_id = %s",
            [self.company.id],
        )
        last = self.env.cr.fetchone()[0]
        start = max(last + 1, 700)
        sequence.number_next = start
        first = self._pay(self.unit, self.owner, 100)
        second = self._pay(self.unit2, self.owner2, 50)
        self.assertEqual((first.sequence_number, second.sequence_number), (start, start + 1))
        self.assertEqual(first.name, sequence.get_next_char(start))
        self.assertEqual(second.name, sequence.get_next_char(start + 1))
        self.assertTrue(first.name.startswith("SJ") and first.name.endswith(f"{start:06d}"))
        sequence.invalidate_recordset()
        self.assertEqual(sequence.number_next, start, "the payments do not write the sequence")

    def test_a_number_taken_meanwhile_moves_to_the_next_one(self):
        """A number whose receipt this transaction does not count (as another clerk's commit
        its snapshot does not show) is refused by the unique index: the receipt takes the next
        free number, and no number is given twice."""
        sequence = self.company._hanling_receipt_sequence()
        first = self._pay(self.unit, self.owner, 100)
        number = first.sequence_number
        # The last number is held by a receipt the count does not see: it is tried first.
        self.env.cr.execute(
            "UPDATE hanling_fee_receipt SET sequence_number = NULL WHERE id = %s", [first.id]
        )
        first.invalidate_recordset()
        sequence.number_next = number
        second = self._pay(self.unit2, self.owner2, 50)
        self.assertEqual(second.sequence_number, number + 1)
        self.assertEqual(second.name, sequence.get_next_char(number + 1))
        self.assertNotEqual(second.name, first.name)
