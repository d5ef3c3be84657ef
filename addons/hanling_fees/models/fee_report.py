from odoo import _, api, fields, models
from odoo.exceptions import AccessError

# Where a fee bill's invoice counts: posted, not reversed by a credit note of its own (a
# transfer's). An invoice settled by the credit note of another bill (a corrected meter
# reading of a bill paid already, fee_meter_billing) is Odoo's "reversed" too, and counts: it
# is billed, and paid from that credit.
_BILLED_MOVES = """m.state = 'posted' AND m.move_type = 'out_invoice'
    AND NOT (m.payment_state = 'reversed' AND EXISTS (
        SELECT 1 FROM account_move r WHERE r.reversed_entry_id = m.id AND r.state = 'posted'))"""


# The invoice fields both reports read (their views are flushed on a change of any of them).
_MOVE_DEPENDS = [
    "reversed_entry_id",
    "amount_total",
    "amount_residual",
    "state",
    "move_type",
    "payment_state",
    "company_id",
    "partner_id",
    "currency_id",
    "invoice_date",
    "invoice_date_due",
]


class HanlingFeeCollectionReport(models.Model):
    """收缴率: what was billed and what of it was paid, per bill line (community, unit, period).

    A bill line's paid part is its share of its invoice's paid amount
    (``amount × (total − residual) / total``): an invoice may hold several units and periods,
    a payment pays the invoice as a whole, and Odoo's reconciliation is the only source.
    The collection rate of a group is paid / billed of the group (``read_group``), not an
    average of the lines' rates.
    """

    _name = "hanling.fee.collection.report"
    _description = "Fee Collection Rate"
    _auto = False
    _order = "fee_period_start desc, community_id"
    _rec_name = "unit_id"
    # Flushed before the view is read (the payments change the invoices' residual).
    _depends = {
        "account.move": _MOVE_DEPENDS,
        "hanling.fee.bill.line": [
            "community_id",
            "company_id",
            "unit_id",
            "partner_id",
            "fee_type_id",
            "move_id",
            "fee_period_start",
            "period_start",
            "amount",
        ],
        "res.company": ["currency_id"],
    }

    community_id = fields.Many2one("hanling.community", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    unit_id = fields.Many2one("hanling.unit", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Payer", readonly=True)
    fee_type_id = fields.Many2one("hanling.fee.type", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    fee_period_start = fields.Date(string="Billing Period", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    billed = fields.Monetary(readonly=True)
    paid = fields.Monetary(readonly=True)
    owed = fields.Monetary(readonly=True)
    collection_rate = fields.Float(
        string="Collection Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Paid / billed × 100; a group's rate is its paid over its billed.",
    )

    @property
    def _table_query(self):
        return f"""
            SELECT b.id AS id,
                   b.community_id AS community_id,
                   b.company_id AS company_id,
                   b.unit_id AS unit_id,
                   b.partner_id AS partner_id,
                   b.fee_type_id AS fee_type_id,
                   b.move_id AS move_id,
                   COALESCE(b.fee_period_start, b.period_start) AS fee_period_start,
                   c.currency_id AS currency_id,
                   b.amount AS billed,
                   ROUND(b.amount * (m.amount_total - m.amount_residual)
                         / NULLIF(m.amount_total, 0), 2) AS paid,
                   b.amount - ROUND(b.amount * (m.amount_total - m.amount_residual)
                         / NULLIF(m.amount_total, 0), 2) AS owed,
                   CASE WHEN b.amount = 0 THEN 100.0
                        ELSE 100.0 * (m.amount_total - m.amount_residual)
                             / NULLIF(m.amount_total, 0) END AS collection_rate
              FROM hanling_fee_bill_line b
              JOIN account_move m ON m.id = b.move_id
              JOIN res_company c ON c.id = b.company_id
             WHERE {_BILLED_MOVES}
        """

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """A group's rate is its paid over its billed (an average of rates would be wrong)."""
        wanted = any(f.split(":")[0] == "collection_rate" for f in fields)
        if wanted:
            fields = list({*fields, "billed:sum", "paid:sum"})
        groups = super().read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy
        )
        if wanted:
            for group in groups:
                billed = group.get("billed") or 0.0
                group["collection_rate"] = (
                    100.0 * (group.get("paid") or 0.0) / billed if billed else 0.0
                )
        return groups

    @api.model
    def _collection_rates(self, domain):
        """{(community, period): (billed, paid, rate)} — the figures the pivot shows."""
        result = {}
        for community, period, billed, paid in self._read_group(
            domain, ["community_id", "fee_period_start:month"], ["billed:sum", "paid:sum"]
        ):
            result[community, period] = (billed, paid, 100.0 * paid / billed if billed else 0.0)
        return result


class HanlingFeeAgingReport(models.Model):
    """Owed fees by age: each fee invoice still open, in the bucket of the days since its
    invoice date (a fee bill is due when issued), on the day the report is read."""

    _name = "hanling.fee.aging.report"
    _description = "Owed Fees by Age"
    _auto = False
    _order = "days_overdue desc, id"
    _rec_name = "move_id"
    _depends = {
        "account.move": _MOVE_DEPENDS,
        "hanling.fee.bill.line": ["move_id", "community_id"],
    }

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    community_id = fields.Many2one("hanling.community", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Payer", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    invoice_date = fields.Date(readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(string="Days Outstanding", readonly=True, aggregator="max")
    age = fields.Selection(
        [
            ("0_30", "0–30 days"),
            ("31_90", "31–90 days"),
            ("91_180", "91–180 days"),
            ("180", "Over 180 days"),
        ],
        readonly=True,
    )
    amount_owed = fields.Monetary(string="Owed", readonly=True)
    amount_0_30 = fields.Monetary(string="0–30 days", readonly=True)
    amount_31_90 = fields.Monetary(string="31–90 days", readonly=True)
    amount_91_180 = fields.Monetary(string="91–180 days", readonly=True)
    amount_180 = fields.Monetary(string="Over 180 days", readonly=True)

    @property
    def _table_query(self):
        days = "(CURRENT_DATE - m.invoice_date)"
        return f"""
            SELECT m.id AS id,
                   m.id AS move_id,
                   f.community_id AS community_id,
                   m.company_id AS company_id,
                   m.partner_id AS partner_id,
                   m.currency_id AS currency_id,
                   m.invoice_date AS invoice_date,
                   COALESCE(m.invoice_date_due, m.invoice_date) AS date_due,
                   {days} AS days_overdue,
                   CASE WHEN {days} <= 30 THEN '0_30' WHEN {days} <= 90 THEN '31_90'
                        WHEN {days} <= 180 THEN '91_180' ELSE '180' END AS age,
                   m.amount_residual AS amount_owed,
                   CASE WHEN {days} <= 30 THEN m.amount_residual ELSE 0 END AS amount_0_30,
                   CASE WHEN {days} > 30 AND {days} <= 90 THEN m.amount_residual ELSE 0 END
                       AS amount_31_90,
                   CASE WHEN {days} > 90 AND {days} <= 180 THEN m.amount_residual ELSE 0 END
                       AS amount_91_180,
                   CASE WHEN {days} > 180 THEN m.amount_residual ELSE 0 END AS amount_180
              FROM account_move m
              JOIN (SELECT move_id, MIN(community_id) AS community_id
                      FROM hanling_fee_bill_line
                     WHERE move_id IS NOT NULL
                  GROUP BY move_id) f ON f.move_id = m.id
             WHERE {_BILLED_MOVES} AND m.amount_residual > 0
        """


class HanlingUnit(models.Model):
    _inherit = "hanling.unit"

    def _hanling_fee_statement(self):
        """对账单 of each unit: its bills, the payments of their invoices, the balance.

        Read under sudo once the caller's read right on the units is checked (the front desk
        prints it without accounting rights). A payment of an invoice holding other units'
        bills too is shown with this unit's share of it.
        """
        self.check_access("read")
        statements = []
        # sudo: the bills, invoices and payments of units the caller may read (checked above).
        for unit in self.sudo():
            # The unit's bills that count, with their paid and owed parts: the collection
            # report's rows (one per bill line, the same id), so both say the same.
            # sudo: see above, the bills of a unit the caller reads.
            figures = (
                self.env["hanling.fee.collection.report"].sudo().search([("unit_id", "=", unit.id)])
            )
            bills = self.env["hanling.fee.bill.line"].sudo().browse(figures.ids)
            rows = [
                {"bill": bill, "paid": figure.paid, "owed": figure.owed}
                for bill, figure in zip(bills, figures, strict=True)
            ]
            payments = []
            for move in bills.move_id:
                mine = bills.filtered(lambda b, move=move: b.move_id == move)
                share = sum(mine.mapped("amount")) / move.amount_total if move.amount_total else 0
                for partial in move._get_all_reconciled_invoice_partials():
                    # sudo: the payment line of an invoice of the unit (accounting closed to desk).
                    counterpart = self.env["account.move.line"].sudo().browse(partial["aml_id"])
                    if counterpart.move_id.reversed_entry_id == move:
                        continue  # the bill's own credit note (a transfer's) is not a payment
                    payments.append(
                        {
                            "date": counterpart.date,
                            "name": counterpart.move_id.name,
                            "invoice": move,
                            "amount": move.currency_id.round(partial["amount"] * share),
                        }
                    )
            rows.sort(key=lambda r: (r["bill"].period_start, r["bill"].id))
            payments.sort(key=lambda p: (p["date"], p["name"]))
            occupancy = unit.occupancy_ids.filtered("is_current")
            statements.append(
                {
                    "unit": unit,
                    "residents": occupancy.partner_id,
                    "rows": rows,
                    "payments": payments,
                    "billed": sum(r["bill"].amount for r in rows),
                    "paid": sum(r["paid"] for r in rows),
                    "balance": sum(r["owed"] for r in rows),
                    "currency": unit.company_id.currency_id or self.env.company.currency_id,
                }
            )
        return statements


class ReportUnitStatement(models.AbstractModel):
    _name = "report.hanling_fees.report_unit_statement"
    _description = "Unit Fee Statement"

    @api.model
    def _get_report_values(self, docids, data=None):
        units = self.env["hanling.unit"].browse(docids)
        if not units.has_access("read"):
            raise AccessError(_("You may not print the statement of these units."))
        return {
            "doc_ids": docids,
            "doc_model": "hanling.unit",
            # sudo: checked above; the community and floor area of the printed units.
            "docs": units.sudo(),
            "statements": units._hanling_fee_statement(),
            "today": fields.Date.context_today(self),
        }
