from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hanling_day_shift_start = fields.Float(
        related="company_id.hanling_day_shift_start", readonly=False
    )
    hanling_day_shift_end = fields.Float(related="company_id.hanling_day_shift_end", readonly=False)
