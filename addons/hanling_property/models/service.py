from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class HanlingService(models.Model):
    _name = "hanling.service"
    _description = "Catalogue Service"
    _inherit = ["mail.thread"]
    _order = "fee_type, sequence, number, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    number = fields.Integer(string="No.", help="Number in the published list (编号).")
    sequence = fields.Integer(default=10)
    category_id = fields.Many2one("hanling.service.category", index=True, ondelete="restrict")
    fee_type = fields.Selection(
        [("free", "Free"), ("paid", "Paid")],
        required=True,
        default="free",
        index=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to offer the service in every office."
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id", string="Currency")
    list_price = fields.Monetary(
        string="Price",
        tracking=True,
        help="Labour price published to residents; 0 on a paid service means quoted on site.",
    )
    price_unit_label = fields.Char(
        string="Per", default="次", help="What the price is for: 次, 小时, 平方米, 台…"
    )
    materials_excluded = fields.Boolean(
        string="Materials Not Included", help="不含材料: materials are charged on top."
    )
    description = fields.Text(string="Public Description")
    provider_ids = fields.Many2many(
        "hanling.directory.provider",
        "hanling_directory_provider_service_rel",
        "service_id",
        "provider_id",
        string="Specialist Suppliers",
        help="Suppliers of the information directory who do this service (篇2 二 二 2).",
    )
    active = fields.Boolean(default=True, tracking=True)
    product_id = fields.Many2one(
        "product.product",
        string="Invoicing Product",
        readonly=True,
        copy=False,
        ondelete="restrict",
        check_company=True,
        help="Created for paid services; its income account and taxes are set by the accountant.",
    )

    _sql_constraints = [
        ("price_positive", "CHECK(list_price >= 0)", "A price cannot be negative."),
    ]

    def _compute_currency_id(self):
        for service in self:
            service.currency_id = (service.company_id or self.env.company).currency_id

    @api.constrains("fee_type", "list_price")
    def _check_free_price(self):
        for service in self:
            if service.fee_type == "free" and service.list_price:
                raise ValidationError(
                    _("The free service “%(name)s” cannot have a price.", name=service.name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        services = super().create(vals_list)
        services._ensure_product()
        return services

    def write(self, vals):
        res = super().write(vals)
        if "fee_type" in vals:
            self._ensure_product()
        synced = {"name", "list_price", "active", "description"} & set(vals)
        if synced:
            self.filtered("product_id")._sync_product()
        return res

    def _ensure_product(self):
        """Paid services are invoiced through a product of their own."""
        missing = self.filtered(lambda s: s.fee_type == "paid" and not s.product_id)
        if not missing:
            return
        # sudo: publishing the catalogue is the supervisors' right; the product that invoices a
        # service is its technical shadow, not something they manage in Inventory/Sales.
        products = (
            self.env["product.product"]
            .sudo()
            .create([service._prepare_product_values() for service in missing])
        )
        for service, product in zip(missing, products, strict=True):
            service.product_id = product

    def _sync_product(self):
        # sudo: the invoicing product follows the catalogue (see _ensure_product).
        for service in self.sudo():
            service.product_id.product_tmpl_id.write(
                {
                    "name": service.name,
                    "list_price": service.list_price,
                    "active": service.active,
                    "description_sale": service.description or False,
                }
            )

    def _prepare_product_values(self):
        self.ensure_one()
        return {
            "name": self.name,
            "type": "service",
            "list_price": self.list_price,
            "categ_id": self.env.ref("hanling_property.product_category_services").id,
            "company_id": self.company_id.id,
            "description_sale": self.description or False,
            # The accountant sets taxes: catalogue prices are what the resident pays.
            "taxes_id": [fields.Command.clear()],
            "sale_ok": True,
            "purchase_ok": False,
        }

    @api.depends("name", "number", "fee_type")
    def _compute_display_name(self):
        for service in self:
            service.display_name = (
                f"[{service.number}] {service.name}" if service.number else service.name
            )
