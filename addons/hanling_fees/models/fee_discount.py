from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HanlingFeeDiscount(models.Model):
    """A reduction of a unit's fees for some days: vacancy (空置), hardship, other reasons.

    Its own effective dates; the billing run reduces each day it covers by the percentage.
    Two rules of the same unit and fee do not overlap.
    """

    _name = "hanling.fee.discount"
    _description = "Fee Discount Rule"
    _inherit = ["mail.thread"]
    _order = "unit_id, date_start"
    _check_company_auto = True

    name = fields.Char(string="Reason", required=True)
    kind = fields.Selection(
        [("vacancy", "Vacancy"), ("hardship", "Hardship"), ("other", "Other")],
        required=True,
        default="vacancy",
    )
    unit_id = fields.Many2one("hanling.unit", required=True, index=True, check_company=True)
    fee_type_id = fields.Many2one(
        "hanling.fee.type",
        string="Fee",
        index=True,
        check_company=True,
        domain=[("kind", "!=", "metered")],
        help="Leave empty for every periodic fee of the unit. Metered fees (water, power, gas) "
        "are billed on the use read, at their tariff: no discount applies to them.",
    )
    community_id = fields.Many2one(related="unit_id.community_id", store=True, index=True)
    company_id = fields.Many2one(related="unit_id.company_id", store=True, index=True)
    percentage = fields.Float(string="Discount (%)", required=True, digits=(5, 2))
    date_start = fields.Date(string="From", required=True, tracking=True)
    date_end = fields.Date(string="Until", required=True, tracking=True)
    active = fields.Boolean(default=True)

    @api.constrains("percentage", "date_start", "date_end", "unit_id", "fee_type_id", "active")
    def _check_rule(self):
        for rule in self.filtered("active"):
            if not 0 < rule.percentage <= 100:
                raise ValidationError(self.env._("A discount is between 0 and 100 percent."))
            if rule.date_end < rule.date_start:
                raise ValidationError(self.env._("A discount cannot end before it starts."))
            if rule.fee_type_id.kind == "metered":
                raise ValidationError(
                    self.env._(
                        "%(fee)s is metered: it is billed on the use read, at its tariff, and "
                        "takes no discount. Choose a periodic fee, or leave the fee empty for "
                        "all of them.",
                        fee=rule.fee_type_id.display_name,
                    )
                )
            domain = [
                ("id", "!=", rule.id),
                ("unit_id", "=", rule.unit_id.id),
                ("date_start", "<=", rule.date_end),
                ("date_end", ">=", rule.date_start),
            ]
            if rule.fee_type_id:
                domain += [
                    "|",
                    ("fee_type_id", "=", False),
                    ("fee_type_id", "=", rule.fee_type_id.id),
                ]
            if self.search_count(domain, limit=1):
                raise ValidationError(
                    self.env._(
                        "%(unit)s already has a discount in that time.",
                        unit=rule.unit_id.display_name,
                    )
                )

    def _applies_to(self, fee_type):
        """The rules reducing ``fee_type`` (a metered fee takes none: billed on its use)."""
        if fee_type.kind == "metered":
            return self.browse()
        return self.filtered(lambda r: not r.fee_type_id or r.fee_type_id == fee_type)
