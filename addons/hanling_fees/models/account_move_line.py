from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # The period a fee line bills: revenue recognition and prepayments build on it.
    hanling_period_start = fields.Date(string="Fee Period From", copy=False)
    hanling_period_end = fields.Date(string="Fee Period Until", copy=False)
    hanling_fee_bill_line_ids = fields.One2many(
        "hanling.fee.bill.line", "invoice_line_id", string="Fee Bills"
    )


class AccountMove(models.Model):
    _inherit = "account.move"

    # The inverse of ``hanling.fee.payment.plan.invoice_ids`` (see ``hanling_work_order_ids``):
    # a payment of a bill finds the instalment plans that follow its residual through it,
    # without a search of plans at every change. Technical: plans are read on their own model.
    hanling_fee_payment_plan_ids = fields.Many2many(
        "hanling.fee.payment.plan",
        "hanling_fee_payment_plan_invoice_rel",
        "move_id",
        "plan_id",
        string="Payment Plans",
        readonly=True,
        groups="base.group_system",
    )
