"""Prepaid fees and revenue by period (issue 16, item 4), with real accounting records."""

from datetime import date

from odoo import fields
from odoo.tests import tagged

from .common import FeeCase


@tagged("post_install", "-at_install")
class TestFeePrepaid(FeeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prepaid, cls.deferred, cls.fee_journal = cls.company._hanling_fee_accounting()
        cls.desk = cls.users["t_duty"]

    def _prepay(self, unit, partner, amount, day):
        wizard = (
            self.env["hanling.fee.counter.payment"]
            .with_user(self.desk)
            .create(
                {
                    "unit_id": unit.id,
                    "partner_id": partner.id,
                    "journal_id": self.cash_journal.id,
                    "date": day,
                    "amount_prepaid": amount,
                }
            )
        )
        wizard.bill_line_ids = False
        wizard.action_pay()
        return self.env["hanling.fee.receipt"].search(
            [("partner_id", "=", partner.id)], order="id desc", limit=1
        )

    def _balance(self, account, partner=None, date_from=None, date_to=None, community=None):
        domain = [("account_id", "=", account.id), ("parent_state", "=", "posted")]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        if date_from:
            domain.append(("date", ">=", date_from))
        if date_to:
            domain.append(("date", "<=", date_to))
        if community:
            domain.append(("hanling_community_id", "=", community.id))
        return sum(self.env["account.move.line"].search(domain).mapped("balance"))

    def test_prepaid_year_is_applied_to_twelve_monthly_bills(self):
        """A resident prepays a year at the counter: the money sits on 预收账款 and each
        monthly bill is paid from it as the billing run issues it, oldest first."""
        self.assertEqual(self.prepaid.with_context(lang="zh_CN").name, "预收账款")
        self.assertTrue(self.prepaid.reconcile)
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        monthly = 89.5 * 2.5  # 223.75
        receipt = self._prepay(self.unit, self.owner, monthly * 12, date(2025, 12, 20))
        self.assertEqual(receipt.amount_prepaid, 2685.0)
        self.assertAlmostEqual(self._balance(self.prepaid, self.owner), -2685.0)
        invoices = self.env["account.move"]
        for month in range(1, 13):
            run = self._run(date(2026, month, 1))
            invoice = run.bill_line_ids.move_id
            self.assertEqual(len(invoice), 1)
            self.assertEqual(invoice.amount_total, monthly)
            self.assertEqual(invoice.payment_state, "paid", f"month {month}")
            invoices |= invoice
            self.assertAlmostEqual(
                self._balance(self.prepaid, self.owner), -monthly * (12 - month), places=2
            )
        # Each month's bill is paid by an application entry of the fee journal.
        applications = self.env["account.move"].search(
            [
                ("journal_id", "=", self.fee_journal.id),
                ("partner_id", "=", self.owner.id),
                ("ref", "like", invoices[0].name),
            ]
        )
        self.assertEqual(len(applications), 1)
        # A 13th month finds nothing left prepaid: the bill stays open.
        run = self._run(date(2027, 1, 1))
        self.assertEqual(run.bill_line_ids.move_id.payment_state, "not_paid")

    def test_partial_prepayment_leaves_the_rest_due(self):
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._prepay(self.unit, self.owner, 100.0, date(2025, 12, 20))
        invoice = self._run(date(2026, 1, 1)).bill_line_ids.move_id
        self.assertEqual(invoice.payment_state, "partial")
        self.assertAlmostEqual(invoice.amount_residual, 123.75)
        self.assertAlmostEqual(self._balance(self.prepaid, self.owner), 0.0)

    def test_yearly_bill_in_advance_is_released_month_by_month(self):
        """A yearly bill in advance credits the deferred revenue (预收) and the monthly step
        moves one month of it to income per month, on the community's analytic account;
        running the step again posts nothing twice."""
        yearly = (
            self.env["hanling.fee.type"]
            .with_user(self.accountant)
            .create(
                {
                    "name": "年度公共服务费",
                    "community_id": self.community.id,
                    "kind": "unit",
                    "periodicity": "year",
                    "subscribe_on_move_in": False,
                }
            )
        )
        self._tariff(yearly, 100.0, date(2026, 1, 1))
        self._subscribe(self.unit2, self.owner2, date(2026, 1, 1), fee_type=yearly)
        run = self._run(date(2026, 1, 1))
        invoice = run.bill_line_ids.move_id
        self.assertEqual(invoice.amount_total, 1200.0)
        line = invoice.invoice_line_ids
        self.assertEqual(line.account_id, self.deferred)
        income = line.hanling_income_account_id
        self.assertTrue(income)
        self.assertAlmostEqual(self._balance(income, community=self.community), 0.0)
        Revenue = self.env["hanling.fee.revenue"]
        made = Revenue._release_until(date(2026, 3, 15), self.company)
        self.assertEqual(sorted(made.mapped("month")), [date(2026, m, 1) for m in (1, 2, 3)])
        for month in (1, 2, 3):
            start = date(2026, month, 1)
            end = fields.Date.end_of(start, "month")
            self.assertAlmostEqual(
                self._balance(income, date_from=start, date_to=end, community=self.community),
                -100.0,
            )
        analytic = self.community._hanling_analytic_account()
        income_lines = made.move_id.line_ids.filtered(lambda line: line.account_id == income)
        self.assertEqual(
            {tuple(line.analytic_distribution) for line in income_lines}, {(str(analytic.id),)}
        )
        self.assertAlmostEqual(self._balance(self.deferred), -900.0)
        # The step again, the same month: nothing posted twice.
        moves_before = self.env["account.move"].search_count([])
        self.assertFalse(Revenue._release_until(date(2026, 3, 31), self.company))
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        # The rest of the year, by the scheduled step's method.
        Revenue._release_until(date(2026, 12, 31), self.company)
        self.assertEqual(Revenue.search_count([("invoice_line_id", "=", line.id)]), 12)
        self.assertAlmostEqual(self._balance(self.deferred), 0.0)
        self.assertAlmostEqual(
            self._balance(
                income,
                date_from=date(2026, 12, 1),
                date_to=date(2026, 12, 31),
                community=self.community,
            ),
            -100.0,
        )
        self.assertFalse(Revenue._release_until(date(2027, 6, 30), self.company))
        self.assertEqual(Revenue.search_count([("invoice_line_id", "=", line.id)]), 12)

    def test_prorated_yearly_bill_releases_by_covered_days(self):
        yearly = (
            self.env["hanling.fee.type"]
            .with_user(self.accountant)
            .create(
                {
                    "name": "年度公共服务费",
                    "community_id": self.community.id,
                    "kind": "unit",
                    "periodicity": "year",
                    "subscribe_on_move_in": False,
                }
            )
        )
        self._tariff(yearly, 100.0, date(2026, 1, 1))
        # From 16 November: half of November (15/30) and December.
        self._subscribe(self.unit2, self.owner2, date(2026, 11, 16), fee_type=yearly)
        invoice = self._run(date(2026, 1, 1)).bill_line_ids.move_id
        self.assertEqual(invoice.amount_total, 150.0)
        made = self.env["hanling.fee.revenue"]._release_until(date(2026, 12, 1), self.company)
        self.assertEqual(
            {r.month: r.amount for r in made}, {date(2026, 11, 1): 50.0, date(2026, 12, 1): 100.0}
        )

    def test_revenue_records_refuse_hand_made_rows(self):
        from odoo.exceptions import AccessError

        with self.assertRaisesRegex(AccessError, "not allowed to create"):
            self.env["hanling.fee.revenue"].with_user(self.accountant).create(
                {"invoice_line_id": 1, "month": date(2026, 1, 1), "company_id": self.company.id}
            )
