from odoo import fields, models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    hanling_decoration_permit_id = fields.Many2one(
        "hanling.decoration.permit",
        string="Decoration Permit",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )
