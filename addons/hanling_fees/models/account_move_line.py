from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # The period a fee line bills: revenue recognition and prepayments build on it.
    hanling_period_start = fields.Date(string="Fee Period From", copy=False)
    hanling_period_end = fields.Date(string="Fee Period Until", copy=False)
    hanling_fee_bill_line_ids = fields.One2many(
        "hanling.fee.bill.line", "invoice_line_id", string="Fee Bills"
    )
