from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

FROZEN_WHEN_USED = ("fee_type_id", "rate", "date_start")


class HanlingFeeTariff(models.Model):
    """One version of a fee's price, from its effective date, with the document that approved
    it (备案 at the price bureau or the owners' general meeting resolution, 业主大会决议).

    A tariff that has billed something is never rewritten: the price changes by a new version
    with a later effective date, and past bills keep the rate they used.
    """

    _name = "hanling.fee.tariff"
    _description = "Fee Tariff"
    _inherit = ["mail.thread"]
    _order = "fee_type_id, date_start desc"
    _check_company_auto = True

    fee_type_id = fields.Many2one(
        "hanling.fee.type", required=True, index=True, ondelete="restrict", check_company=True
    )
    community_id = fields.Many2one(related="fee_type_id.community_id", store=True, index=True)
    company_id = fields.Many2one(related="fee_type_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    rate = fields.Float(
        required=True,
        digits="Product Price",
        tracking=True,
        help="Per month, and per m² for area fees; per parking space or unit otherwise.",
    )
    date_start = fields.Date(string="Effective From", required=True, tracking=True)
    document_ids = fields.Many2many(
        "ir.attachment",
        "hanling_fee_tariff_document_rel",
        "tariff_id",
        "attachment_id",
        string="Price Filing / Resolution",
        help="The 备案 of the price or the 业主大会决议 that fixed it (required).",
    )
    reference = fields.Char(string="Filing / Resolution No.")
    note = fields.Text()
    bill_line_ids = fields.One2many("hanling.fee.bill.line", "tariff_id", string="Bills")
    is_used = fields.Boolean(string="In Use", compute="_compute_is_used")

    _sql_constraints = [
        (
            "fee_date_unique",
            "UNIQUE(fee_type_id, date_start)",
            "A fee has one tariff per effective date.",
        ),
        ("rate_not_negative", "CHECK(rate >= 0)", "A rate cannot be negative."),
    ]

    def _compute_is_used(self):
        groups = self.env["hanling.fee.bill.line"]._read_group(
            [("tariff_id", "in", self.ids)], ["tariff_id"]
        )
        used = {tariff.id for (tariff,) in groups}
        for tariff in self:
            tariff.is_used = tariff.id in used

    @api.depends("fee_type_id.name", "date_start", "rate")
    def _compute_display_name(self):
        for tariff in self:
            tariff.display_name = (
                f"{tariff.fee_type_id.name or ''} {tariff.date_start or ''}: {tariff.rate:g}"
            )

    @api.constrains("document_ids")
    def _check_document(self):
        for tariff in self:
            if not tariff.document_ids:
                raise ValidationError(
                    self.env._(
                        "Attach the approval of the price (备案 or 业主大会决议) to the tariff "
                        "of %(fee)s from %(date)s.",
                        fee=tariff.fee_type_id.name,
                        date=tariff.date_start,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        tariffs = super().create(vals_list)
        tariffs._check_document()
        return tariffs

    def write(self, vals):
        if any(name in vals for name in FROZEN_WHEN_USED) or (
            "document_ids" in vals and self.filtered("is_used")
        ):
            used = self.filtered("is_used")
            if used:
                raise UserError(
                    self.env._(
                        "The tariff %(tariff)s has billed units: it is never rewritten. "
                        "Add a new version with a later effective date.",
                        tariff=", ".join(used.mapped("display_name")),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = self.filtered("is_used")
        if used:
            raise UserError(
                self.env._(
                    "The tariff %(tariff)s has billed units and cannot be deleted.",
                    tariff=", ".join(used.mapped("display_name")),
                )
            )
