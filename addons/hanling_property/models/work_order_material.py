from odoo import api, fields, models

from ..tools.workflow import WorkflowGuardError


class HanlingWorkOrderMaterial(models.Model):
    """Materials used on a job; those bought on the resident's behalf are charged (篇2 二 二) 3)."""

    _name = "hanling.work.order.material"
    _description = "Work Order Material"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one("hanling.work.order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Material", required=True)
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure", required=True)
    uom_name = fields.Char(string="Unit", default="个")
    price_unit = fields.Monetary(string="Unit Price")
    bought_for_resident = fields.Boolean(
        string="Bought for the Resident",
        default=True,
        help="Bought by the office on the resident's behalf and charged; untick for materials "
        "the resident supplied.",
    )
    amount = fields.Monetary(compute="_compute_amount", store=True)

    _sql_constraints = [
        (
            "quantity_positive",
            "CHECK(quantity > 0)",
            "A material quantity must be positive.",
        ),
        (
            "price_positive",
            "CHECK(price_unit >= 0)",
            "A material price cannot be negative.",
        ),
    ]

    @api.depends("quantity", "price_unit")
    def _compute_amount(self):
        for line in self:
            line.amount = line.quantity * line.price_unit

    @api.model_create_multi
    def create(self, vals_list):
        if any("amount" in vals for vals in vals_list):
            self._refuse_amount()
        lines = super().create(vals_list)
        lines._check_order_editable()
        return lines

    def write(self, vals):
        if "amount" in vals:
            self._refuse_amount()
        self._check_order_editable()
        res = super().write(vals)
        if "order_id" in vals:
            self._check_order_editable()
        return res

    def unlink(self):
        self._check_order_editable()
        return super().unlink()

    def _refuse_amount(self):
        # The amount charged is the quantity times the price, never a figure of its own: the
        # resident's invoice adds these amounts (篇2 二 二) 3).
        raise WorkflowGuardError(
            self.env._(
                "%(fields)s of %(document)s change through the document's buttons only.",
                fields=self._fields["amount"]._description_string(self.env),
                document=self.env["ir.model"]._get(self._name).name,
            )
        )

    def _check_order_editable(self):
        # The lines are the order's materials: frozen with them (_workflow_lock), and the fee
        # is the supervisors' once the job is done.
        self.order_id._check_edit_lock({"material_ids": True})
        self.order_id._check_fee_editable()
