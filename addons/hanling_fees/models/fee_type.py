from odoo import api, fields, models
from odoo.exceptions import ValidationError

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


class HanlingFeeType(models.Model):
    """A periodic fee of a community: 物业管理费 per m², parking, a fixed monthly charge."""

    _name = "hanling.fee.type"
    _description = "Fee Type"
    _inherit = ["mail.thread"]
    _order = "community_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    community_id = fields.Many2one(
        "hanling.community", required=True, index=True, check_company=True, tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    kind = fields.Selection(
        [
            ("area", "Per m² of Floor Area"),
            ("unit", "Fixed per Unit"),
            ("parking", "Fixed per Parking Space"),
            ("one_off", "One-off"),
        ],
        required=True,
        default="area",
        tracking=True,
    )
    periodicity = fields.Selection(
        [("month", "Monthly"), ("quarter", "Quarterly"), ("year", "Yearly")],
        required=True,
        default="month",
        tracking=True,
        help="The period a bill covers. Rates are always per month (and per m² for area fees).",
    )
    billing_timing = fields.Selection(
        [("advance", "In Advance"), ("arrears", "After the Period")],
        string="Billed When",
        required=True,
        default="advance",
        tracking=True,
    )
    product_id = fields.Many2one(
        "product.product",
        string="Invoicing Product",
        check_company=True,
        help="Made with the fee type when left empty; its income account books the revenue.",
    )
    subscribe_on_move_in = fields.Boolean(
        string="Starts at Move-in",
        default=True,
        help="The move-in handover (入伙) starts this fee for the owner on its day.",
    )
    coefficient_ids = fields.One2many(
        "hanling.fee.coefficient", "fee_type_id", string="Coefficients by Floor"
    )
    tariff_ids = fields.One2many("hanling.fee.tariff", "fee_type_id", string="Tariffs")
    current_rate = fields.Float(
        string="Current Rate", compute="_compute_current_rate", digits="Product Price"
    )

    @api.depends("tariff_ids.rate", "tariff_ids.date_start")
    def _compute_current_rate(self):
        today = fields.Date.context_today(self)
        for fee_type in self:
            fee_type.current_rate = fee_type._tariff_on(today).rate

    @api.model_create_multi
    def create(self, vals_list):
        fee_types = super().create(vals_list)
        fee_types._ensure_product()
        return fee_types

    def _ensure_product(self):
        """Each fee type invoices through a product of its own (no taxes until the accountant
        sets them)."""
        for fee_type in self.filtered(lambda f: not f.product_id):
            # sudo: the accountant sets fees up without product rights; the product only
            # invoices this fee (service, its name, no taxes), like the catalogue's services.
            fee_type.product_id = (
                self.env["product.product"]
                .sudo()
                .create(
                    {
                        "name": fee_type.name,
                        "type": "service",
                        "categ_id": self.env.ref("hanling_property.product_category_services").id,
                        "company_id": fee_type.company_id.id,
                        "taxes_id": [fields.Command.clear()],
                        "sale_ok": True,
                        "purchase_ok": False,
                    }
                )
            )

    def _tariff_on(self, day):
        """The tariff in effect on ``day`` (the latest effective on or before it)."""
        self.ensure_one()
        tariffs = self.tariff_ids.filtered(lambda t: t.date_start <= day)
        return tariffs.sorted("date_start")[-1:] if tariffs else self.env["hanling.fee.tariff"]

    def _coefficient_for(self, unit):
        """The floor coefficient of ``unit`` (1 when no range covers its floor)."""
        self.ensure_one()
        for line in self.coefficient_ids:
            if line.floor_from <= unit.floor <= line.floor_to:
                return line.factor
        return 1.0

    def _period_months(self):
        self.ensure_one()
        return PERIOD_MONTHS[self.periodicity]


class HanlingFeeCoefficient(models.Model):
    """A factor on the rate for the units of a floor range (e.g. 1.1 above the 20th floor)."""

    _name = "hanling.fee.coefficient"
    _description = "Fee Coefficient by Floor"
    _order = "fee_type_id, floor_from"

    fee_type_id = fields.Many2one("hanling.fee.type", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="fee_type_id.company_id", store=True, index=True)
    floor_from = fields.Integer(string="From Floor", required=True)
    floor_to = fields.Integer(string="To Floor", required=True)
    factor = fields.Float(required=True, default=1.0, digits=(6, 4))

    @api.constrains("floor_from", "floor_to", "factor")
    def _check_range(self):
        for line in self:
            if line.floor_to < line.floor_from or line.factor <= 0:
                raise ValidationError(
                    self.env._(
                        "A coefficient needs a floor range (from ≤ to) and a positive factor."
                    )
                )
