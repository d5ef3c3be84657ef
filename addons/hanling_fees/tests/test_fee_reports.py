from collections import defaultdict
from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import FeeCase


@tagged("post_install", "-at_install")
class TestFeeReports(FeeCase):
    """Issue 16 item 7: the accountant's collection rate (收缴率) and owed fees by age, and a
    unit's statement (对账单), on real invoices and payments."""

    def setUp(self):
        super().setUp()
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._subscribe(self.unit2, self.owner2, date(2026, 1, 1))
        self._subscribe(self.unit, self.owner, date(2026, 1, 1), fee_type=self.parking)
        today = fields.Date.context_today(self.env["hanling.fee.run"])
        # Four months billed, dated so that each falls in another age bucket today.
        self.runs = self.env["hanling.fee.run"]
        for month, age in ((1, 200), (2, 120), (3, 45), (4, 10)):
            run = (
                self.env["hanling.fee.run"]
                .with_user(self.accountant)
                .create(
                    {
                        "period_start": date(2026, month, 1),
                        "community_ids": [(6, 0, self.community.ids)],
                        "date_invoice": today - timedelta(days=age),
                    }
                )
            )
            run.action_start()
            self._perform_jobs()
            self.runs |= run
        self.moves = self.runs.bill_line_ids.move_id
        self.assertEqual(len(self.moves), 8, "one invoice per payer and month")
        Money = self.env["hanling.money.service"]
        journal = Money._payment_journal(self.company)
        jan, feb = (
            self.moves.filtered(lambda m, d=d: m.invoice_date == today - timedelta(days=d))
            for d in (200, 120)
        )
        # January paid in full by both; February: 王伟 pays a part, 李娜 nothing.
        Money._register_payments(jan, journal)
        feb_wang = feb.filtered(lambda m: m.partner_id == self.owner)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=feb_wang.ids
        ).create({"journal_id": journal.id, "amount": 100.0})._create_payments()
        self.assertEqual(feb_wang.payment_state, "partial")
        self.today = today

    def test_collection_rate_is_paid_over_billed(self):
        """收缴率 per community and period = paid / billed, as the invoices and payments say."""
        expected = defaultdict(lambda: [0.0, 0.0])
        for move in self.moves:
            period = move.invoice_line_ids[0].hanling_period_start.replace(day=1)
            expected[self.community, period][0] += move.amount_total
            expected[self.community, period][1] += move.amount_total - move.amount_residual
        Report = self.env["hanling.fee.collection.report"].with_user(self.accountant)
        figures = Report._collection_rates([("community_id", "=", self.community.id)])
        self.assertEqual(len(figures), 4)
        for key, (billed, paid) in expected.items():
            got_billed, got_paid, rate = figures[key]
            self.assertAlmostEqual(got_billed, billed, places=2)
            self.assertAlmostEqual(got_paid, paid, places=2)
            self.assertAlmostEqual(rate, 100.0 * paid / billed, places=6)
        self.assertAlmostEqual(figures[self.community, date(2026, 1, 1)][2], 100.0)
        self.assertAlmostEqual(figures[self.community, date(2026, 3, 1)][2], 0.0)
        feb = figures[self.community, date(2026, 2, 1)]
        self.assertAlmostEqual(feb[1], 100.0, places=2)
        # The pivot's figure (read_group): the group's rate, not an average of its lines'.
        [group] = Report.read_group(
            [("fee_period_start", ">=", "2026-02-01"), ("fee_period_start", "<", "2026-03-01")],
            ["billed:sum", "paid:sum", "collection_rate"],
            ["community_id"],
        )
        self.assertAlmostEqual(group["collection_rate"], 100.0 * feb[1] / feb[0], places=6)
        lines = Report.search([("fee_period_start", "=", "2026-02-01")])
        average = sum(lines.mapped("collection_rate")) / len(lines)
        self.assertNotAlmostEqual(group["collection_rate"], average, places=2)

    def test_owed_amounts_by_age(self):
        """Owed fees by days since billed (0–30, 31–90, 91–180, >180), as the open invoices say."""
        expected = defaultdict(float)
        for move in self.moves.filtered(lambda m: m.amount_residual > 0):
            days = (self.today - move.invoice_date).days  # a fee bill is due when issued
            bucket = (
                "0_30"
                if days <= 30
                else "31_90"
                if days <= 90
                else "91_180"
                if days <= 180
                else "180"
            )
            expected[bucket] += move.amount_residual
        self.assertEqual(
            set(expected),
            {"0_30", "31_90", "91_180"},
            "January is paid",
        )
        Aging = self.env["hanling.fee.aging.report"].with_user(self.accountant)
        got = dict(
            Aging._read_group(
                [("community_id", "=", self.community.id)], ["age"], ["amount_owed:sum"]
            )
        )
        self.assertEqual(set(got), set(expected))
        for bucket, owed in expected.items():
            self.assertAlmostEqual(got[bucket], owed, places=2)
        [totals] = Aging.read_group(
            [("community_id", "=", self.community.id)],
            ["amount_0_30:sum", "amount_31_90:sum", "amount_91_180:sum", "amount_180:sum"],
            [],
        )
        self.assertAlmostEqual(totals["amount_0_30"], expected["0_30"], places=2)
        self.assertAlmostEqual(totals["amount_31_90"], expected["31_90"], places=2)
        self.assertAlmostEqual(totals["amount_91_180"], expected["91_180"], places=2)
        self.assertEqual(totals["amount_180"], 0.0)
        # A full payment takes an invoice off the list.
        self.assertFalse(
            Aging.search(
                [("move_id", "in", self.moves.filtered(lambda m: m.payment_state == "paid").ids)]
            )
        )

    def test_reports_closed_to_the_front_desk(self):
        """The accountant's views: the front desk (no accounting rights) cannot read them."""
        duty = self.users["t_duty"]
        for model in ("hanling.fee.collection.report", "hanling.fee.aging.report"):
            with self.assertRaisesRegex(AccessError, "not allowed|doesn't have"):
                self.env[model].with_user(duty).search([])

    def test_unit_statement(self):
        """对账单 of 1-101, printed by the front desk: bills, payments, balance."""
        duty = self.users["t_duty"]
        [statement] = self.unit.with_user(duty)._hanling_fee_statement()
        bills = self.runs.bill_line_ids.filtered(lambda b: b.unit_id == self.unit)
        self.assertEqual(len(statement["rows"]), len(bills))
        self.assertAlmostEqual(statement["billed"], sum(bills.mapped("amount")), places=2)
        owed = sum(b.amount * b.move_id.amount_residual / b.move_id.amount_total for b in bills)
        self.assertAlmostEqual(statement["balance"], owed, places=2)
        self.assertAlmostEqual(statement["paid"] + statement["balance"], statement["billed"])
        # January's payment and February's part, both 王伟's invoices of this unit alone.
        paid = sum(m.amount_total - m.amount_residual for m in bills.move_id)
        self.assertAlmostEqual(sum(p["amount"] for p in statement["payments"]), paid, places=2)
        self.assertEqual(len(statement["payments"]), 2)
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(duty)
            ._render_qweb_html("hanling_fees.action_report_unit_statement", self.unit.ids)
        )
        html = html.decode()
        self.assertIn(self.unit.display_name, html)
        self.assertIn(self.owner.name, html)
        self.assertIn("Fee Statement", html)
        # Someone without a right on units may not print it.
        stranger = new_test_user(self.env, login="t_fee_stranger", groups="base.group_portal")
        with self.assertRaisesRegex(AccessError, "Unit"):
            self.unit.with_user(stranger)._hanling_fee_statement()
