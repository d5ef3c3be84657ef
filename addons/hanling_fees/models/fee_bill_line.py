from datetime import timedelta

from odoo import fields, models


class HanlingFeeBillLine(models.Model):
    """One unit, one fee, one stretch of days: billed exactly once.

    Made by the billing run only, with the invoice line that bills it. The database refuses a
    second bill of the same unit, fee and period start (``unit_fee_period_once``, unless an
    ownership transfer credited the first whole); the run
    also skips a stretch that overlaps one already billed. The amount and rate are the ones
    the posted invoice carries: a later tariff never changes them.
    """

    _name = "hanling.fee.bill.line"
    _description = "Fee Bill Line"
    _order = "period_start desc, unit_id, fee_type_id"
    _check_company_auto = True
    _rec_name = "name"

    name = fields.Char(readonly=True, required=True)
    run_id = fields.Many2one("hanling.fee.run", readonly=True, index=True, ondelete="restrict")
    # Indexed on its own: the "billed once" index is partial (credited lines left out), so a
    # resident's bills (the portal, the statement) need their own.
    unit_id = fields.Many2one(
        "hanling.unit", required=True, readonly=True, index=True, ondelete="restrict"
    )
    fee_type_id = fields.Many2one(
        "hanling.fee.type", required=True, readonly=True, index=True, ondelete="restrict"
    )
    subscription_id = fields.Many2one(
        "hanling.fee.subscription", readonly=True, index=True, ondelete="restrict"
    )
    tariff_id = fields.Many2one(
        "hanling.fee.tariff", readonly=True, index=True, ondelete="restrict"
    )
    partner_id = fields.Many2one("res.partner", string="Payer", readonly=True, index=True)
    community_id = fields.Many2one("hanling.community", readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_start = fields.Date(string="From", required=True, readonly=True)
    period_end = fields.Date(string="Until", required=True, readonly=True)
    fee_period_start = fields.Date(
        string="Billing Period",
        readonly=True,
        index=True,
        help="The start of the fee's natural period (month, quarter, year) this line belongs to.",
    )
    fee_period_end = fields.Date(string="Billing Period End", readonly=True)
    rate = fields.Float(readonly=True, digits="Product Price")
    quantity = fields.Float(readonly=True, digits="Product Unit of Measure")
    amount = fields.Monetary(readonly=True)
    invoice_line_id = fields.Many2one(
        "account.move.line", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    move_id = fields.Many2one(
        related="invoice_line_id.move_id", string="Invoice", store=True, index="btree_not_null"
    )
    payment_state = fields.Selection(related="move_id.payment_state", string="Payment")
    credited_from = fields.Date(
        readonly=True,
        help="An ownership transfer credited this payer the days from this one on (a credit "
        "note): those days are billed to the new owner.",
    )

    def init(self):
        # A stretch is billed once, unless an ownership transfer credited it whole (the new
        # owner is then billed from the same day): a partial unique index.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS hanling_fee_bill_line_unit_fee_period_once
                ON hanling_fee_bill_line (unit_id, fee_type_id, period_start)
             WHERE credited_from IS NULL OR credited_from > period_start
            """
        )

    def _billed_stretch(self):
        """(start, end) of the days this line bills and still charges, or None when an
        ownership transfer credited them all."""
        self.ensure_one()
        end = self.period_end
        if self.credited_from:
            end = min(end, self.credited_from - timedelta(days=1))
        return (self.period_start, end) if end >= self.period_start else None
