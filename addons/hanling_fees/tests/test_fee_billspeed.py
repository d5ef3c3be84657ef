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

    def test_batch_invoice_is_the_one_odoo_makes_one_by_one(self):
        """The run's batch path gives balances, analytics and 'checked' at creation and
        subscribes the payers in one go; the posted invoice is line for line the one Odoo
        makes from the same values without any of it (issue 16: "through accounting")."""
        # Parking by the quarter in advance: its line credits the deferred revenue account.
        self.parking.write({"periodicity": "quarter", "billing_timing": "advance"})
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._subscribe(self.unit, self.owner, date(2026, 1, 1), fee_type=self.parking)
        run = (
            self.env["hanling.fee.run"]
            .with_user(self.accountant)
            .create(
                {"period_start": date(2026, 1, 1), "community_ids": [(6, 0, self.community.ids)]}
            )
        )
        segments, _skipped, failures, _units = run._plan(self.unit)
        self.assertFalse(failures)
        vals = run._fee_invoice_vals(self.owner, self.community, segments)
        reference = self.env["hanling.money.service"]._create_invoices([vals], company=self.company)
        run.action_start()
        self._perform_jobs()
        invoice = run.bill_line_ids.move_id
        self.assertEqual(len(invoice), 1)
        self.assertNotEqual(invoice, reference)

        def move_facts(move):
            return (
                move.state,
                move.partner_id,
                move.journal_id,
                move.checked,
                move.amount_untaxed,
                move.amount_total,
                move.amount_residual,
                move.invoice_date_due,
                move.hanling_community_id,
                move.sudo().message_partner_ids & self.owner,
            )

        def line_facts(move):
            return sorted(
                (
                    line.display_type,
                    (line.name or "").replace(move.name, "<number>"),
                    line.account_id.id,
                    line.partner_id.id,
                    line.balance,
                    line.amount_currency,
                    line.quantity,
                    line.price_unit,
                    str(line.analytic_distribution or {}),
                    line.date_maturity or date.min,
                    len(line.analytic_line_ids),
                    sum(line.analytic_line_ids.mapped("amount")),
                )
                for line in move.line_ids
            )

        self.assertEqual(move_facts(invoice), move_facts(reference))
        self.assertEqual(line_facts(invoice), line_facts(reference))
        analytic = self.community._hanling_analytic_account()
        _prepaid, deferred, _journal = self.company._hanling_fee_accounting()
        by_account = {
            line.account_id == deferred: line.analytic_distribution
            for line in invoice.invoice_line_ids
        }
        self.assertEqual(set(by_account), {True, False}, "one deferred line, one income line")
        self.assertFalse(by_account[True], "the deferred line carries no analytic account")
        self.assertEqual(list(by_account[False]), [str(analytic.id)])
        self.assertIn(self.owner, invoice.sudo().message_partner_ids)
        self.assertEqual(invoice.sequence_number, reference.sequence_number + 1)
