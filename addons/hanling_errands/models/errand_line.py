from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class HanlingErrandLine(models.Model):
    """One article of a goods delivery (用品配送), taken from the published priced list."""

    _name = "hanling.errand.line"
    _description = "Goods Delivery Line"
    # The listed price and the subtotal are the server's (computed when the article is chosen):
    # what the resident is billed cannot be typed in.
    _inherit = ["hanling.workflow.mixin"]
    _workflow_fields = ()
    _order = "errand_id, sequence, id"
    _check_company_auto = True

    errand_id = fields.Many2one(
        "hanling.errand",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="errand_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product",
        string="Article",
        required=True,
        index=True,
        check_company=True,
        domain="[('categ_id.hanling_goods_list', '=', True), ('sale_ok', '=', True)]",
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit of Measure")
    quantity = fields.Float(default=1.0, required=True, digits="Product Unit of Measure")
    currency_id = fields.Many2one(related="errand_id.currency_id")
    price_unit = fields.Monetary(
        string="Unit Price",
        compute="_compute_price_unit",
        store=True,
        precompute=True,
        help="The listed price when the article was ordered.",
    )
    price_subtotal = fields.Monetary(
        string="Subtotal", compute="_compute_price_subtotal", store=True, precompute=True
    )

    @api.depends("product_id")
    def _compute_price_unit(self):
        for line in self:
            line.price_unit = line.product_id.lst_price

    @api.depends("quantity", "price_unit", "currency_id")
    def _compute_price_subtotal(self):
        for line in self:
            subtotal = line.quantity * line.price_unit
            line.price_subtotal = line.currency_id.round(subtotal) if line.currency_id else subtotal

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(
                    _(
                        "The quantity of %(article)s must be more than zero.",
                        article=line.product_id.display_name,
                    )
                )

    @api.constrains("product_id", "errand_id")
    def _check_product(self):
        for line in self:
            if line.errand_id.kind != "delivery":
                raise ValidationError(
                    _("Articles from the goods list are ordered on goods deliveries only.")
                )
            product = line.product_id
            if not product.categ_id.hanling_goods_list or not product.sale_ok:
                raise ValidationError(
                    _(
                        "%(article)s is not on the goods delivery list.",
                        article=product.display_name,
                    )
                )

    # The articles are the errand's ``line_ids``: frozen with them once delivered (the
    # errand's ``_workflow_lock``).

    @api.model_create_multi
    def create(self, vals_list):
        errands = self.env["hanling.errand"].browse(
            {vals["errand_id"] for vals in vals_list if vals.get("errand_id")}
        )
        errands._check_edit_lock({"line_ids": True})
        return super().create(vals_list)

    def write(self, vals):
        self.errand_id._check_edit_lock({"line_ids": True})
        if vals.get("errand_id"):
            self.errand_id.browse(vals["errand_id"])._check_edit_lock({"line_ids": True})
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_delivered(self):
        self.errand_id._check_edit_lock({"line_ids": True})
