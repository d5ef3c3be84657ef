from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    hanling_decoration_permit_id = fields.Many2one(
        "hanling.decoration.permit",
        string="Decoration Permit",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The decoration permit whose deposit this entry receives, refunds or deducts.",
    )
