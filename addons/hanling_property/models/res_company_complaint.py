from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    hanling_complaint_loss_threshold = fields.Monetary(
        string="Complaint Loss Threshold",
        currency_field="currency_id",
        default=500.0,
        help="A resident's loss of this amount or more sends the nonconformity report to the "
        "company management representative for approval (篇3 4.2.5: 500元以上 includes 500).",
    )

    @api.constrains("hanling_complaint_loss_threshold")
    def _check_hanling_complaint_loss_threshold(self):
        if any(company.hanling_complaint_loss_threshold < 0 for company in self):
            raise ValidationError(_("The complaint loss threshold cannot be negative."))


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hanling_complaint_loss_threshold = fields.Monetary(
        related="company_id.hanling_complaint_loss_threshold",
        readonly=False,
        currency_field="currency_id",
    )
