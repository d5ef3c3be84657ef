from odoo import fields, models


class HanlingFeeBillLine(models.Model):
    """One unit, one fee, one stretch of days: billed exactly once.

    Made by the billing run only, with the invoice line that bills it. The database refuses a
    second bill of the same unit, fee and period start (``unit_fee_period_unique``); the run
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
    unit_id = fields.Many2one("hanling.unit", required=True, readonly=True, ondelete="restrict")
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

    _sql_constraints = [
        (
            "unit_fee_period_unique",
            "UNIQUE(unit_id, fee_type_id, period_start)",
            "This unit has already been billed this fee for this period.",
        ),
    ]
