from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import formatLang

from ..tools.workflow import workflow_step


class HanlingCounterSale(models.Model):
    """A business-centre sale at the desk (商务服务中心): typing, copying, fax, tickets, courier."""

    _name = "hanling.counter.sale"
    _description = "Business Centre Sale"
    _inherit = ["hanling.workflow.mixin", "mail.thread"]
    _order = "id desc"
    _check_company_auto = True
    _sequence_code = "hanling.counter.sale"
    _workflow_fields = (
        "state",
        "date_paid",
        "cashier_id",
        "invoice_id",
        "refund_id",
        "date_refunded",
    )
    _workflow_lock = {
        # Charged (or dropped): the sale is what the receipt and the invoice say.
        ("paid", "refunded", "cancel"): (
            "community_id",
            "company_id",
            "partner_id",
            "unit_id",
            "payment_channel",
            "line_ids",
        ),
        # The reason is written when the money is given back, and kept.
        ("draft", "refunded", "cancel"): ("refund_reason",),
    }

    name = fields.Char(readonly=True, copy=False, default=lambda self: _("New"), index="trigram")
    community_id = fields.Many2one(
        "hanling.community",
        required=True,
        index=True,
        check_company=True,
        string="Community",
        default=lambda self: self.env["hanling.community"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        ),
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        default=lambda self: self.env.ref(
            "hanling_property.partner_counter_walk_in", raise_if_not_found=False
        ),
        help="The resident, or the walk-in customer for anonymous sales.",
    )
    unit_id = fields.Many2one("hanling.unit", string="Unit", check_company=True)
    line_ids = fields.One2many("hanling.counter.sale.line", "sale_id", string="Lines", copy=True)
    payment_channel = fields.Selection(
        [("cash", "Cash"), ("bank", "Bank / Card / Mobile Payment")],
        string="Paid By",
        required=True,
        default="cash",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("paid", "Paid"),
            ("refunded", "Refunded"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    date_paid = fields.Datetime(string="Paid On", readonly=True, copy=False, index=True)
    cashier_id = fields.Many2one("res.users", string="Cashier", readonly=True, copy=False)
    invoice_id = fields.Many2one(
        "account.move", readonly=True, copy=False, groups="account.group_account_invoice"
    )
    refund_id = fields.Many2one(
        "account.move",
        string="Credit Note",
        readonly=True,
        copy=False,
        groups="account.group_account_invoice",
    )
    date_refunded = fields.Datetime(string="Refunded On", readonly=True, copy=False)
    refund_reason = fields.Char(string="Refund Reason", tracking=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_estimate = fields.Monetary(
        string="To Charge",
        compute="_compute_amount_estimate",
        help="Sum of the lines, before invoicing.",
    )
    invoice_ref = fields.Char(string="Invoice No.", compute="_compute_accounting")
    amount_total = fields.Monetary(string="Invoiced", compute="_compute_accounting")
    amount_paid = fields.Monetary(string="Paid", compute="_compute_accounting")
    amount_refunded = fields.Monetary(string="Refunded", compute="_compute_accounting")

    @api.depends("line_ids.price_subtotal")
    def _compute_amount_estimate(self):
        for sale in self:
            sale.amount_estimate = sum(sale.line_ids.mapped("price_subtotal"))

    def _compute_accounting(self):
        # sudo: the desk sees the invoice it produced without holding accounting rights; the
        # amounts are read from the journal, not kept on the sale.
        for sale in self:
            invoice, refund = sale.sudo().invoice_id, sale.sudo().refund_id
            sale.amount_refunded = refund.amount_total - refund.amount_residual if refund else 0.0
            sale.invoice_ref = invoice.name or False
            sale.amount_total = invoice.amount_total if invoice else 0.0
            sale.amount_paid = invoice.amount_total - invoice.amount_residual if invoice else 0.0

    @api.ondelete(at_uninstall=False)
    def _unlink_except_paid(self):
        if self.filtered(lambda s: s.state in ("paid", "refunded")):
            raise UserError(_("A paid sale cannot be deleted: it is in the books."))

    @workflow_step
    def action_pay(self):
        # Two cashiers charging the same sale: one invoice and one payment (the row lock).
        self._check_state(["draft"], message=_("Only a draft sale can be charged."))
        for sale in self:
            if not sale.line_ids:
                raise UserError(_("Add at least one service to charge."))
            if sale.line_ids.filtered(lambda line: line.price_unit <= 0 or line.quantity <= 0):
                raise UserError(_("Every line needs a positive quantity and price."))
        self._action_pay()
        return self.action_print_receipt() if len(self) == 1 else True

    def _action_pay(self):
        money = self.env["hanling.money.service"]
        # The desk charges the published prices; the invoices and the payments are made by the
        # money service because front-desk staff hold no accounting rights.
        invoices = money._create_invoices([sale._prepare_invoice_values() for sale in self])
        for sale, invoice in zip(self, invoices, strict=True):
            journal = money._payment_journal(sale.company_id, (sale.payment_channel,))
            money._register_payments(invoice, journal)
            # sudo: the link to the invoice is a field of the invoicing group; it is written by
            # the step that made the invoice.
            sale.sudo().invoice_id = invoice
            sale.write(
                {"state": "paid", "date_paid": fields.Datetime.now(), "cashier_id": self.env.uid}
            )

    @workflow_step
    def action_cancel(self):
        self._check_state(
            ["draft"],
            message=_("Only a draft sale can be cancelled; a paid one needs a credit note."),
        )
        self.write({"state": "cancel"})

    @workflow_step
    def action_refund(self):
        """Give the money back over the counter: credit note and outbound payment."""
        if not self.env.user.has_group("hanling_property.group_cs_supervisor"):
            raise AccessError(_("Only a customer-service supervisor refunds a counter sale."))
        self._check_state(["paid"], message=_("Only a paid sale can be refunded."))
        for sale in self:
            if not sale.refund_reason:
                raise UserError(
                    _("Write down why the sale “%(name)s” is refunded.", name=sale.name)
                )
        self._action_refund()

    def _action_refund(self):
        money = self.env["hanling.money.service"]
        # sudo: the invoices are read through the links of the invoicing group (see _action_pay).
        invoices = self.sudo().invoice_id
        refunds = money._reverse_invoices(
            invoices,
            [
                {
                    "ref": _(
                        "Refund of %(name)s: %(reason)s",
                        name=sale.name,
                        reason=sale.refund_reason,
                    )
                }
                for sale in self
            ],
        )
        for sale, refund in zip(self, refunds, strict=True):
            journal = money._payment_journal(sale.company_id, (sale.payment_channel,))
            money._register_payments(refund, journal)
            # sudo: see _action_pay; the link to the credit note it created.
            sale.sudo().refund_id = refund
            sale.write({"state": "refunded", "date_refunded": fields.Datetime.now()})

    def action_print_receipt(self):
        if self.filtered(lambda s: s.state != "paid"):
            raise UserError(_("A receipt is printed only for a paid sale."))
        return self.env.ref("hanling_property.action_report_counter_receipt").report_action(self)

    def _prepare_invoice_values(self):
        self.ensure_one()
        return self.env["hanling.money.service"]._invoice_values(
            self.company_id,
            self.partner_id,
            [line._prepare_invoice_line_values() for line in self.line_ids],
            community=self.community_id,
            invoice_origin=self.name,
            ref=self.name,
        )


class HanlingCounterSaleLine(models.Model):
    _name = "hanling.counter.sale.line"
    _description = "Business Centre Sale Line"
    _order = "sale_id, sequence, id"

    sale_id = fields.Many2one("hanling.counter.sale", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="sale_id.company_id", store=True, index=True)
    service_id = fields.Many2one(
        "hanling.service",
        string="Service",
        required=True,
        domain="[('company_id', 'in', [company_id, False])]",
        help="A paid service is charged at its price; for a free service (booking tickets or a "
        "hotel, sending mail) only what the office paid out for the customer is charged.",
    )
    is_pass_through = fields.Boolean(
        string="Charged at Cost",
        compute="_compute_is_pass_through",
        help="Free service: the amount is the ticket price or postage paid for the customer.",
    )
    name = fields.Char(
        string="Description", compute="_compute_from_service", store=True, readonly=False
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    unit_label = fields.Char(related="service_id.price_unit_label", string="Per")
    price_unit = fields.Monetary(
        string="Unit Price", compute="_compute_from_service", store=True, readonly=False
    )
    currency_id = fields.Many2one(related="sale_id.currency_id")
    price_subtotal = fields.Monetary(string="Amount", compute="_compute_price_subtotal")

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.sale_id._check_edit_lock({"line_ids": True})
        return lines

    def write(self, vals):
        # The lines are the sale's: frozen with it once charged (its _workflow_lock).
        self.sale_id._check_edit_lock({"line_ids": True})
        res = super().write(vals)
        if "sale_id" in vals:
            self.sale_id._check_edit_lock({"line_ids": True})
        return res

    def unlink(self):
        self.sale_id._check_edit_lock({"line_ids": True})
        return super().unlink()

    @api.constrains("service_id", "price_unit")
    def _check_published_price(self):
        """篇1 (三) "收费项目公开……公布收费价格": a paid service with a published price is
        charged at that price; only what the office paid out is typed in (free services) or
        priced at the counter (a paid service the catalogue prices at 0)."""
        for line in self:
            service = line.service_id
            if service.fee_type != "paid" or line.currency_id.is_zero(service.list_price):
                continue
            if line.currency_id.compare_amounts(line.price_unit, service.list_price):
                raise ValidationError(
                    _(
                        "%(service)s is charged at its published price, %(price)s.",
                        service=service.display_name,
                        price=formatLang(
                            self.env, service.list_price, currency_obj=line.currency_id
                        ),
                    )
                )

    @api.depends("service_id")
    def _compute_from_service(self):
        for line in self:
            line.name = line.service_id.name
            line.price_unit = line.service_id.list_price

    @api.depends("quantity", "price_unit")
    def _compute_price_subtotal(self):
        for line in self:
            line.price_subtotal = (
                line.currency_id.round(line.quantity * line.price_unit)
                if line.currency_id
                else line.quantity * line.price_unit
            )

    @api.depends("service_id.fee_type")
    def _compute_is_pass_through(self):
        for line in self:
            line.is_pass_through = line.service_id.fee_type == "free"

    def _invoice_product(self):
        self.ensure_one()
        if self.is_pass_through:
            return self.env.ref("hanling_property.product_counter_pass_through")
        return self.service_id.product_id

    def _prepare_invoice_line_values(self):
        self.ensure_one()
        return {
            "product_id": self._invoice_product().id,
            "name": self.name or self.service_id.name,
            "quantity": self.quantity,
            "price_unit": self.price_unit,
        }
