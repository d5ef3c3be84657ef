from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hanling_deposit_account_id = fields.Many2one(
        related="company_id.hanling_deposit_account_id", readonly=False
    )
    hanling_deposit_income_account_id = fields.Many2one(
        related="company_id.hanling_deposit_income_account_id", readonly=False
    )
    hanling_deposit_journal_id = fields.Many2one(
        related="company_id.hanling_deposit_journal_id", readonly=False
    )
