from odoo import fields, models


class HanlingUnit(models.Model):
    _inherit = "hanling.unit"

    move_in_ids = fields.One2many("hanling.move.in", "unit_id", string="Move-ins")
    decoration_permit_ids = fields.One2many(
        "hanling.decoration.permit", "unit_id", string="Decoration Permits"
    )
    ownership_transfer_ids = fields.One2many(
        "hanling.ownership.transfer", "unit_id", string="Ownership Transfers"
    )
