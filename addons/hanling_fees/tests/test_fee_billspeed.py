from datetime import date
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import FeeCase


@tagged("post_install", "-at_install")
class TestFeeBillingBatch(FeeCase):
    """The billing run's batch path (issue 16: one create and one post per chunk) keeps the
    journal's numbers gap-free and its checks whole when a payer fails after numbering."""

    def test_payer_failing_after_numbering_leaves_no_gap(self):
        """A payer whose invoice fails once numbered (here: a posting hook refusing it) rolls
        the whole chunk back, then the payers are billed one by one: the numbers the rolled
        back batch had drawn are not skipped (issue 16: "no gap in numbers")."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._subscribe(self.unit2, self.owner2, date(2026, 1, 1))
        Move = self.env["account.move"]
        journal = self.env["hanling.money.service"]._sale_journal(self.company)
        post = type(Move)._post
        refused = self.owner2

        def _post(moves, soft=True):
            posted = post(moves, soft=soft)
            if refused in moves.partner_id:
                raise UserError("refused after numbering (test)")
            return posted

        with patch.object(type(Move), "_post", _post):
            run = self._run(date(2026, 1, 1))
        self.assertEqual((run.billed_count, run.failed_count, run.invoice_count), (1, 1, 1))
        self.assertRegex(run.failure_ids.reason, "refused after numbering")
        invoice = run.bill_line_ids.move_id
        self.assertEqual((invoice.partner_id, invoice.state), (self.owner, "posted"))
        others = Move.search(
            [
                ("journal_id", "=", journal.id),
                ("state", "=", "posted"),
                ("sequence_prefix", "=", invoice.sequence_prefix),
                ("id", "!=", invoice.id),
            ]
        )
        self.assertEqual(
            invoice.sequence_number, max(others.mapped("sequence_number"), default=0) + 1
        )
