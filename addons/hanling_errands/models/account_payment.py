from odoo import fields, models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    hanling_errand_id = fields.Many2one(
        "hanling.errand",
        string="Errand",
        index="btree_not_null",
        copy=False,
        readonly=True,
        ondelete="restrict",
    )
    hanling_errand_role = fields.Selection(
        [("prepayment", "Prepayment"), ("balance", "Balance"), ("refund", "Refund")],
        string="Errand Payment",
        copy=False,
        readonly=True,
    )
    hanling_receipt_number = fields.Char(
        string="Receipt Number",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Number of the prepayment receipt handed to the resident.",
    )
