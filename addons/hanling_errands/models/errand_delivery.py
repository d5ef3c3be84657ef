from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.hanling_property.tools.workflow import workflow_step

from .errand import HanlingErrand as ErrandBase

# The order may change until it is delivered: what was signed for is what is invoiced.
LINE_FROZEN_STATES = ("prepaid", "delivered", "settled", "done", "cancel")


class HanlingErrand(models.Model):
    """Goods delivery around the clock (用品配送中心, 篇1 (二) 8) as a kind of errand.

    A resident phones an order of everyday goods from the priced list; the office prepares it
    from its own stock (no supplier voucher), delivers it against the recipient's signature and
    bills the resident with a posted customer invoice of the order lines. Nothing is prepaid and
    no cash is taken at the door.
    """

    _inherit = "hanling.errand"
    _workflow_lock = {**ErrandBase._workflow_lock, LINE_FROZEN_STATES: ("line_ids",)}

    kind = fields.Selection(
        selection_add=[("delivery", "Goods Delivery")],
        ondelete={"delivery": "set default"},
    )
    line_ids = fields.One2many("hanling.errand.line", "errand_id", string="Articles", copy=True)
    amount_order = fields.Monetary(
        string="Order Total",
        compute="_compute_amount_order",
        help="The listed prices of the articles ordered; the invoice is what is billed.",
    )

    @api.depends("line_ids.price_subtotal")
    def _compute_amount_order(self):
        for errand in self:
            errand.amount_order = sum(errand.line_ids.mapped("price_subtotal"))

    @api.constrains("kind", "involves_purchase")
    def _check_delivery_not_prepaid(self):
        if self.filtered(lambda e: e.kind == "delivery" and e.involves_purchase):
            raise ValidationError(
                _("A goods delivery is billed to the resident: it takes no prepayment.")
            )

    @api.constrains("kind")
    def _check_lines_kind(self):
        if self.filtered(lambda e: e.kind != "delivery" and e.line_ids):
            raise ValidationError(
                _("Articles from the goods list are ordered on goods deliveries only.")
            )

    @api.onchange("kind")
    def _onchange_kind_delivery(self):
        if self.kind == "delivery":
            self.involves_purchase = False
            self.delivery_method = "office"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("kind") == "delivery":
                # Goods come from the office's own stock and are billed after delivery.
                vals.setdefault("involves_purchase", False)
                if not vals.get("description"):
                    vals["description"] = _("Everyday goods ordered by phone")
        return super().create(vals_list)

    # ------------------------------------------------------------------ actions

    @workflow_step
    def action_confirm(self):
        self.filtered(lambda e: e.kind == "delivery")._check_delivery_lines()
        return super().action_confirm()

    @workflow_step
    def action_order(self):
        self.filtered(lambda e: e.kind == "delivery")._check_delivery_lines()
        return super().action_order()

    @workflow_step
    def action_deliver(self):
        unsigned = self.filtered(
            lambda e: e.kind == "delivery" and e.state == "ordered" and not e.recipient_signature
        )
        if unsigned:
            raise UserError(
                _(
                    "The recipient signs for goods delivered: %(names)s.",
                    names=", ".join(unsigned.mapped("name")),
                )
            )
        return super().action_deliver()

    @workflow_step
    def _action_register_prepayment(self, amount, journal=None, date=None):
        if self.kind == "delivery":
            raise UserError(
                _("A goods delivery is billed to the resident: it takes no prepayment.")
            )
        return super()._action_register_prepayment(amount, journal=journal, date=date)

    @workflow_step
    def _action_collect_balance(self, amount, journal=None, date=None):
        if self.kind == "delivery":
            raise UserError(
                _(
                    "Goods deliveries are not paid at the door: the resident pays the invoice "
                    "of %(name)s through accounting.",
                    name=self.name,
                )
            )
        return super()._action_collect_balance(amount, journal=journal, date=date)

    @workflow_step
    def action_create_purchase_bill(self):
        if self.filtered(lambda e: e.kind == "delivery"):
            raise UserError(
                _("Goods deliveries come from the office's own stock: no supplier bill.")
            )
        return super().action_create_purchase_bill()

    # ------------------------------------------------------------------ hooks

    def _check_delivery_lines(self):
        empty = self.filtered(lambda e: not e.line_ids)
        if empty:
            raise UserError(
                _(
                    "Add at least one article from the goods list: %(names)s.",
                    names=", ".join(empty.mapped("name")),
                )
            )

    def _requires_commission_signature(self):
        # Ordered by phone: the recipient signs at the door instead.
        return self.kind != "delivery" and super()._requires_commission_signature()

    def _requires_supplier(self):
        # Prepared from the office's own stock.
        return self.kind != "delivery" and super()._requires_supplier()

    def _order_activity_note(self):
        if self.kind != "delivery":
            return super()._order_activity_note()
        return _(
            "Prepare and deliver to %(resident)s (%(unit)s, %(place)s): %(articles)s.",
            resident=self.partner_id.display_name,
            unit=self.unit_id.display_name or "-",
            place=self.delivery_place or "-",
            articles=self._articles_summary(),
        )

    def _articles_summary(self):
        self.ensure_one()
        return ", ".join(
            f"{line.product_id.display_name} × {line.quantity:g}" for line in self.line_ids
        )

    def _check_before_settle(self):
        if self.kind != "delivery":
            return super()._check_before_settle()
        # No supplier voucher: the office sells from its own stock at its listed prices.
        self._check_delivery_lines()
        if self.currency_id.compare_amounts(self._get_actual_cost(), 0.0) <= 0:
            raise UserError(
                _(
                    "The order of %(name)s comes to nothing: check the prices of the goods list.",
                    name=self.name,
                )
            )

    def _get_actual_cost(self):
        if self.kind != "delivery":
            return super()._get_actual_cost()
        return self.currency_id.round(sum(self.line_ids.mapped("price_subtotal")))

    def _prepare_invoice_values(self):
        values = super()._prepare_invoice_values()
        if self.kind == "delivery":
            values["invoice_line_ids"] = [
                fields.Command.create(
                    {
                        "product_id": line.product_id.id,
                        "name": f"{self.name} {line.product_id.display_name}",
                        "quantity": line.quantity,
                        "product_uom_id": line.uom_id.id,
                        "price_unit": line.price_unit,
                        # The listed price is what the resident pays: no tax on top.
                        "tax_ids": [fields.Command.clear()],
                    }
                )
                for line in self.line_ids
            ]
        return values

    def _payment_statuses_to_close(self):
        if self.kind != "delivery":
            return super()._payment_statuses_to_close()
        # Billed: the invoice is posted and the resident pays it through accounting.
        return ("to_collect", "paid")

    def _requires_resident_sign_off(self):
        # The recipient's signature on delivery is the sign-off of a goods delivery.
        return self.kind != "delivery" and super()._requires_resident_sign_off()
