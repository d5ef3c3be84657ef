from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

from odoo.addons.hanling_property.tools import normalize_cn_phone
from odoo.addons.hanling_property.tools.amounts import amount_in_chinese
from odoo.addons.hanling_property.tools.workflow import workflow_step

ERRAND_STATES = [
    ("draft", "Draft"),
    ("confirmed", "Commissioned"),
    ("prepaid", "Prepaid"),
    ("ordered", "Ordered"),
    ("delivered", "Delivered"),
    ("settled", "Settled"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]

PAYMENT_STATUSES = [
    ("none", "Nothing Paid"),
    ("prepaid", "Prepayment Received"),
    ("to_collect", "Balance to Collect"),
    ("to_refund", "Credit to Refund"),
    ("paid", "Settled"),
    ("refunded", "Prepayment Refunded"),
]

# Posted payments: "in_process" until matched with a bank statement, "paid" once matched.
POSTED_PAYMENT_STATES = ("in_process", "paid")

# The states after each step (the edit lock: what was signed or ordered stays as it was).
_AFTER_DRAFT = ("confirmed", "prepaid", "ordered", "delivered", "settled", "done", "cancel")
_AFTER_CONFIRMED = _AFTER_DRAFT[1:]
_AFTER_PREPAID = _AFTER_DRAFT[2:]
_AFTER_ORDERED = _AFTER_DRAFT[3:]
_CLOSED = ("done", "cancel")


class HanlingErrand(models.Model):
    """业户服务委托单: an errand done for a resident (篇4; the free errands of 篇1 (四)).

    The resident commissions and signs, prepays against a receipt, the office orders from a
    supplier, delivers, settles the actual cost through an invoice reconciled with the
    prepayment (refunding or collecting the difference) and the resident signs it off.
    """

    _name = "hanling.errand"
    _description = "Errand for a Resident"
    _inherit = [
        "hanling.workflow.mixin",
        "hanling.request.mixin",
        "hanling.signature.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "date_received desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "partner_id", "description"]
    _sequence_code = "hanling.errand"
    # The steps' own: the state and its timestamps, who booked it, the money records (the
    # prepayment and its receipt number, the payments, the resident invoice, the supplier bill)
    # and the stamp of the resident's sign-off.
    _workflow_fields = (
        "state",
        "date_confirmed",
        "date_prepaid",
        "date_ordered",
        "date_settled",
        "date_done",
        "date_cancelled",
        "date_booked",
        "booked_by_id",
        "payment_ids",
        "prepayment_id",
        "receipt_number",
        "invoice_id",
        "purchase_bill_id",
        "resident_signed_on",
        "gift_handed_over",
        "date_gift_handed_over",
    )
    _workflow_lock = {
        # The commission form the resident signed.
        _AFTER_DRAFT: (
            "unit_id",
            "partner_id",
            "resident_employer",
            "community_id",
            "service_id",
            "kind",
            "date_received",
            "channel",
            "received_by_id",
            "involves_purchase",
            "commission_signed_by",
            "commission_signature",
        ),
        # What the prepayment was asked for.
        _AFTER_CONFIRMED: (
            "contact_phone",
            "description",
            "purpose",
            "payment_method",
            "estimated_amount",
        ),
        # What was ordered from the supplier.
        _AFTER_PREPAID: (
            "occasion",
            "delivery_method",
            "delivery_place",
            "recipient_name",
            "recipient_phone",
            "cake_size",
            "cake_design",
            "cake_colours",
            "cake_text",
            "cake_brand",
            "with_card",
            "card_text",
            "with_flowers",
            "flowers_description",
            "special_arrangements",
            "supplier_id",
            "supervisor_id",
        ),
        # What was delivered and signed for (the form asks for it while the goods are out).
        _AFTER_ORDERED: (
            "delivery_date",
            "supplier_order_note",
            "recipient_must_sign",
            "greeting",
            "gift_description",
            "project_manager_id",
            "date_delivered",
            "delivered_by_id",
            "received_by_name",
            "recipient_signature",
        ),
        # What the settlement invoiced (the form asks for the voucher after the order).
        ("settled", "done", "cancel"): ("voucher_amount", "voucher_attachment_ids"),
        # The resident's sign-off (the form asks for it once settled).
        _CLOSED: (
            "fapiao_requested",
            "fapiao_title",
            "fapiao_tax_id",
            "fapiao_number",
            "resident_opinion",
            "resident_signed_by",
            "resident_signature",
        ),
        ("cancel",): ("cancel_reason",),
    }
    # One number per errand, even if two requests draw at once (migration 18.0.1.1.0 renames
    # duplicates left by older versions before adding it).
    _sql_constraints = [
        ("name_company_uniq", "unique(company_id, name)", "This number is already used."),
    ]

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    state = fields.Selection(
        ERRAND_STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    active = fields.Boolean(default=True)
    service_id = fields.Many2one(
        "hanling.service",
        string="Catalogue Service",
        index=True,
        check_company=True,
        tracking=True,
        help="The errand service of the published catalogue this errand fulfils.",
    )
    kind = fields.Selection(
        [
            ("cake", "Cake"),
            ("goods", "Purchase and Delivery"),
            ("booking", "Booking or Subscription"),
            ("mail", "Mail"),
            ("other", "Other"),
        ],
        required=True,
        default="goods",
        index=True,
    )
    description = fields.Text(string="What Is Wanted", required=True, tracking=True)
    purpose = fields.Char(help="Why the resident wants it, so the office can advise (篇4 1).")
    occasion = fields.Selection(
        [
            ("none", "None"),
            ("birthday", "Birthday"),
            ("wedding", "Wedding"),
            ("festival", "Festival"),
            ("visit", "Visit to Someone"),
            ("other", "Other"),
        ],
        required=True,
        default="none",
        index=True,
    )
    # Who commissions: the resident's own employer/unit as written on the form (单位).
    resident_employer = fields.Char(string="Resident's Company")
    payment_method = fields.Selection(
        [("cash", "Cash"), ("bank", "Bank Card / Transfer"), ("mobile", "Mobile Payment")],
        string="Payment Method",
        required=True,
        default="cash",
    )
    involves_purchase = fields.Boolean(
        string="Goods Bought for the Resident",
        default=True,
        help="The office buys goods on the resident's behalf: a prepayment is collected before "
        "ordering and the supplier's purchase voucher is needed for the settlement.",
    )
    estimated_amount = fields.Monetary(
        string="Estimated Cost",
        help="Quoted to the resident; the prepayment is usually this amount.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    # Delivery
    delivery_method = fields.Selection(
        [
            ("office", "Delivered by the Office"),
            ("supplier", "Delivered by the Supplier"),
            ("pickup", "Collected at the Service Centre"),
        ],
        required=True,
        default="office",
    )
    delivery_place = fields.Char(string="Delivery Place")
    delivery_date = fields.Datetime(string="Delivery Time", index=True, tracking=True)
    recipient_name = fields.Char(string="Recipient")
    recipient_phone = fields.Char(string="Recipient Phone")
    recipient_must_sign = fields.Boolean(string="Recipient Must Sign", default=True)

    # Cake (篇4 2)
    cake_size = fields.Char(string="Size")
    cake_design = fields.Char(string="Design")
    cake_colours = fields.Char(string="Colours")
    cake_text = fields.Char(string="Text on the Cake")
    cake_brand = fields.Char(string="Brand")
    with_card = fields.Boolean(string="With a Card")
    card_text = fields.Text(string="Card Text")
    with_flowers = fields.Boolean(string="With Flowers")
    flowers_description = fields.Char(string="Flowers")
    special_arrangements = fields.Text()

    # Birthday (篇4 5, 7)
    is_vip = fields.Boolean(
        string="VIP Resident",
        help="A key resident (篇5 4.1.3), also known from the resident's archive record.",
    )
    greeting = fields.Text(
        string="Greeting from the Office",
        compute="_compute_greeting",
        store=True,
        readonly=False,
    )
    gift_description = fields.Char(
        string="Birthday Gift",
        help="The birthday gift delivered together with the errand (篇4 7).",
    )
    gift_handed_over = fields.Boolean(
        string="Birthday Gift Handed Over",
        readonly=True,
        copy=False,
        tracking=True,
        help="Confirmed by the delivery: the birthday gift was handed over with it (篇4 7).",
    )
    date_gift_handed_over = fields.Datetime(string="Gift Handed Over On", readonly=True, copy=False)
    project_manager_id = fields.Many2one(
        "res.users",
        string="Project Manager",
        domain="[('share', '=', False)]",
        check_company=True,
        help="Told of every birthday errand and goes along with its delivery (篇4 7).",
    )

    # Ordering (篇4 5, 6)
    supplier_id = fields.Many2one(
        "res.partner",
        string="Supplier",
        index=True,
        tracking=True,
        check_company=True,
    )
    supervisor_id = fields.Many2one(
        "res.users",
        string="Duty Supervisor",
        domain="[('share', '=', False)]",
        check_company=True,
        tracking=True,
    )
    supplier_order_note = fields.Text(string="Order Placed with the Supplier")

    # Supplier's purchase voucher (购货凭证)
    purchase_bill_id = fields.Many2one(
        "account.move",
        string="Supplier Bill",
        copy=False,
        readonly=True,
        check_company=True,
        domain="[('move_type', '=', 'in_invoice')]",
    )
    voucher_attachment_ids = fields.Many2many(
        "ir.attachment",
        "hanling_errand_voucher_attachment_rel",
        "errand_id",
        "attachment_id",
        string="Purchase Voucher",
        copy=False,
    )
    voucher_amount = fields.Monetary(
        string="Voucher Amount",
        copy=False,
        help="Amount on the supplier's purchase voucher when no supplier bill is recorded.",
    )

    # Resident invoice (fapiao) request
    fapiao_requested = fields.Boolean(string="Fapiao Requested")
    fapiao_title = fields.Char(string="Fapiao Title")
    fapiao_tax_id = fields.Char(string="Taxpayer ID")
    fapiao_number = fields.Char(string="Fapiao Number", copy=False, tracking=True)

    # Transitions
    commission_signature = fields.Binary(string="Commission Signature", copy=False, attachment=True)
    commission_signed_by = fields.Char(string="Commissioned By (Signed)", copy=False)
    date_confirmed = fields.Datetime(
        string="Commissioned On", readonly=True, copy=False, index=True
    )
    date_prepaid = fields.Datetime(string="Prepaid On", readonly=True, copy=False)
    date_ordered = fields.Datetime(string="Ordered On", readonly=True, copy=False)
    date_delivered = fields.Datetime(string="Delivered On", copy=False, tracking=True)
    delivered_by_id = fields.Many2one("res.users", string="Delivered By", copy=False)
    received_by_name = fields.Char(string="Received By (Recipient)", copy=False)
    recipient_signature = fields.Binary(copy=False, attachment=True)
    date_settled = fields.Datetime(string="Settled On", readonly=True, copy=False, index=True)
    date_done = fields.Datetime(string="Done On", readonly=True, copy=False, index=True)
    date_cancelled = fields.Datetime(string="Cancelled On", readonly=True, copy=False)
    cancel_reason = fields.Text(copy=False)
    # Bookkeeping (篇4 10): money and vouchers handed to the service centre
    date_booked = fields.Datetime(string="Booked On", readonly=True, copy=False, index=True)
    booked_by_id = fields.Many2one("res.users", string="Booked By", readonly=True, copy=False)

    # Accounting records and the amounts computed from them
    payment_ids = fields.One2many(
        "account.payment",
        "hanling_errand_id",
        string="Payments",
        readonly=True,
    )
    payment_count = fields.Integer(compute="_compute_amounts")
    prepayment_id = fields.Many2one(
        "account.payment",
        string="Prepayment",
        compute="_compute_prepayment_id",
        store=True,
        index="btree_not_null",
    )
    receipt_number = fields.Char(related="prepayment_id.hanling_receipt_number")
    invoice_id = fields.Many2one(
        "account.move",
        string="Resident Invoice",
        copy=False,
        readonly=True,
        check_company=True,
        index="btree_not_null",
    )
    amount_prepaid = fields.Monetary(string="Prepaid", compute="_compute_amounts")
    amount_cost = fields.Monetary(string="Actual Cost", compute="_compute_amounts")
    amount_invoiced = fields.Monetary(string="Invoiced", compute="_compute_amounts")
    amount_refunded = fields.Monetary(string="Refunded", compute="_compute_amounts")
    amount_collected = fields.Monetary(string="Balance Collected", compute="_compute_amounts")
    amount_due = fields.Monetary(string="Balance Due", compute="_compute_amounts")
    amount_credit = fields.Monetary(string="Credit Left", compute="_compute_amounts")
    payment_status = fields.Selection(
        PAYMENT_STATUSES,
        compute="_compute_payment_status",
        store=True,
        index=True,
        string="Payment Status",
    )

    # ------------------------------------------------------------------ computes

    @api.depends("occasion", "company_id")
    def _compute_greeting(self):
        for errand in self:
            if errand.occasion == "birthday" and not errand.greeting:
                errand.greeting = errand._default_birthday_greeting()

    @api.depends("payment_ids.state", "payment_ids.hanling_errand_role")
    def _compute_prepayment_id(self):
        for errand in self:
            # sudo: payments are accounting records; the errand only points at its prepayment.
            prepayments = errand.sudo().payment_ids.filtered(
                lambda p: p.hanling_errand_role == "prepayment" and p.state != "canceled"
            )
            errand.prepayment_id = prepayments[:1]

    @api.depends(
        "payment_ids.state",
        "payment_ids.amount",
        "invoice_id.amount_total",
        "invoice_id.amount_residual",
        "invoice_id.state",
        "purchase_bill_id.amount_total",
        "purchase_bill_id.state",
        "voucher_amount",
    )
    def _compute_amounts(self):
        for errand in self:
            # sudo: the office staff see the money of their errands without accounting rights.
            payments = errand.sudo().payment_ids.filtered(
                lambda p: p.state in POSTED_PAYMENT_STATES
            )
            invoice = errand.sudo().invoice_id.filtered(lambda m: m.state == "posted")
            errand.payment_count = len(errand.sudo().payment_ids)
            errand.amount_prepaid = sum(
                payments.filtered(lambda p: p.hanling_errand_role == "prepayment").mapped("amount")
            )
            errand.amount_refunded = sum(
                payments.filtered(lambda p: p.hanling_errand_role == "refund").mapped("amount")
            )
            errand.amount_collected = sum(
                payments.filtered(lambda p: p.hanling_errand_role == "balance").mapped("amount")
            )
            errand.amount_invoiced = invoice.amount_total
            errand.amount_due = invoice.amount_residual
            # sudo: cost and credit are read from the supplier bill and the payments (accounting
            # records); only the two amounts come back to the errand.
            errand.amount_cost = errand.sudo()._get_actual_cost()
            errand.amount_credit = errand.sudo()._get_credit_left()

    @api.depends(
        "state",
        "payment_ids.state",
        "payment_ids.is_reconciled",
        "payment_ids.amount",
        "invoice_id.state",
        "invoice_id.amount_residual",
        "invoice_id.payment_state",
    )
    def _compute_payment_status(self):
        for errand in self:
            # sudo: the status is stored for the accountant's list, whoever triggers it.
            errand_sudo = errand.sudo()
            posted = errand_sudo.payment_ids.filtered(lambda p: p.state in POSTED_PAYMENT_STATES)
            invoice = errand_sudo.invoice_id.filtered(lambda m: m.state == "posted")
            credit = errand_sudo._get_credit_left()
            currency = errand.currency_id or errand.company_id.currency_id
            if invoice and not currency.is_zero(invoice.amount_residual):
                status = "to_collect"
            elif not currency.is_zero(credit):
                status = "to_refund" if invoice or errand.state == "cancel" else "prepaid"
            elif invoice:
                status = "paid"
            elif posted.filtered(lambda p: p.hanling_errand_role == "refund"):
                status = "refunded"
            else:
                status = "none"
            errand.payment_status = status

    # ------------------------------------------------------------------ constraints

    @api.constrains("recipient_phone")
    def _check_recipient_phone(self):
        label = self._fields["recipient_phone"]._description_string(self.env)
        for errand in self.filtered("recipient_phone"):
            normalize_cn_phone(self.env, errand.recipient_phone, label)

    @api.constrains("voucher_amount", "estimated_amount")
    def _check_amounts_positive(self):
        for errand in self:
            if errand.voucher_amount < 0 or errand.estimated_amount < 0:
                raise ValidationError(_("Amounts on an errand cannot be negative."))

    # ------------------------------------------------------------------ CRUD

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if self.filtered(lambda e: e.state not in ("draft", "cancel")):
            raise UserError(_("Only draft or cancelled errands can be deleted."))
        # sudo: whoever may delete a draft may know it moved no money.
        if self.sudo().payment_ids or self.sudo().invoice_id:
            raise UserError(_("An errand with payments or an invoice cannot be deleted."))

    # ------------------------------------------------------------------ actions

    @workflow_step
    def action_confirm(self):
        """The resident signs the commission form (篇4 3)."""
        self._check_state(["draft"], _("Commissioning"))
        missing = self.filtered(
            lambda e: not e.partner_id or not e.contact_phone or not e.description
        )
        if missing:
            raise UserError(
                _(
                    "Record the resident, their phone and what is wanted first: %(names)s.",
                    names=", ".join(missing.mapped("name")),
                )
            )
        unsigned = self.filtered(
            lambda e: (
                e._requires_commission_signature()
                and (not e.commission_signature or not e.commission_signed_by)
            )
        )
        if unsigned:
            raise UserError(
                _(
                    "The resident must sign the commission form (signature and name): %(names)s.",
                    names=", ".join(unsigned.mapped("name")),
                )
            )
        return self._action_confirm()

    @workflow_step
    def _action_confirm(self):
        self.write({"state": "confirmed", "date_confirmed": fields.Datetime.now()})
        return True

    def action_register_prepayment(self):
        """Open the prepayment form (篇4 4); the payment is registered by it."""
        self.ensure_one()
        self._check_state(["confirmed"], _("Registering a prepayment"))
        self._check_money_rights()
        return {
            "type": "ir.actions.act_window",
            "name": _("Register Prepayment"),
            "res_model": "hanling.errand.payment",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_errand_id": self.id,
                "default_kind": "prepayment",
                "default_amount": self.estimated_amount,
            },
        }

    @workflow_step
    def _action_register_prepayment(self, amount, journal=None, date=None):
        """Post the inbound prepayment with a receipt number; the errand becomes prepaid."""
        self.ensure_one()
        self._check_state(["confirmed"], _("Registering a prepayment"))
        self._check_money_rights()
        if self.prepayment_id:
            raise UserError(_("A prepayment is already registered for %(name)s.", name=self.name))
        if not self.involves_purchase:
            raise UserError(_("No prepayment is collected for an errand without purchase."))
        if float_compare(amount, 0.0, precision_rounding=self.currency_id.rounding) <= 0:
            raise UserError(_("The prepayment must be a positive amount."))
        receipt = self.env["ir.sequence"].next_by_code("hanling.errand.receipt") or "/"
        payment = self.env["hanling.money.service"]._make_payments(
            [
                self._prepare_payment_values(
                    "inbound",
                    amount,
                    "prepayment",
                    journal=journal,
                    date=date,
                    memo=_(
                        "%(receipt)s prepayment for errand %(name)s",
                        receipt=receipt,
                        name=self.name,
                    ),
                    receipt_number=receipt,
                )
            ]
        )
        self.write({"state": "prepaid", "date_prepaid": fields.Datetime.now()})
        self.message_post(
            body=_(
                "Prepayment %(amount)s received, receipt %(receipt)s.",
                amount=self._format_amount(amount),
                receipt=receipt,
            ),
        )
        return payment

    @workflow_step
    def action_order(self):
        """Place the order with the supplier; the duty supervisor is notified (篇4 5, 6)."""
        for errand in self:
            allowed = ["prepaid"] if errand.involves_purchase else ["confirmed", "prepaid"]
            errand._check_state(allowed, _("Ordering"))
        missing = self.filtered(
            lambda e: e._requires_supplier() and (not e.supplier_id or not e.supervisor_id)
        )
        if missing:
            raise UserError(
                _(
                    "Choose the supplier and the duty supervisor before ordering: %(names)s.",
                    names=", ".join(missing.mapped("name")),
                )
            )
        # Every resident's birthday, not only a VIP's (篇4 7 "属业户生日的,要通知项目管理人员一道前往").
        birthdays = self.filtered(lambda e: e.occasion == "birthday")
        if birthdays.filtered(lambda e: not e.project_manager_id):
            raise UserError(
                _("The project manager must go along with a birthday errand: choose them.")
            )
        return self._action_order()

    @workflow_step
    def _action_order(self):
        self.write({"state": "ordered", "date_ordered": fields.Datetime.now()})
        for errand in self:
            errand.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=errand.supervisor_id.id,
                summary=_("Errand ordered: %(name)s", name=errand.name),
                note=errand._order_activity_note(),
            )
            if errand.occasion == "birthday":
                errand.message_subscribe(partner_ids=errand.project_manager_id.partner_id.ids)
                errand.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=errand.project_manager_id.id,
                    date_deadline=errand.delivery_date
                    and fields.Date.to_date(
                        fields.Datetime.context_timestamp(errand, errand.delivery_date)
                    ),
                    summary=_("Go along with the birthday delivery: %(name)s", name=errand.name),
                    note=errand._birthday_activity_note(),
                )
        return True

    @workflow_step
    def action_deliver(self):
        """Delivered and signed for by the recipient (篇4 7)."""
        self._check_state(["ordered"], _("Delivering"))
        missing = self.filtered(lambda e: not e.received_by_name)
        if missing:
            raise UserError(_("Record who received the delivery."))
        unsigned = self.filtered(lambda e: e.recipient_must_sign and not e.recipient_signature)
        if unsigned:
            raise UserError(
                _(
                    "The recipient must sign for the delivery: %(names)s.",
                    names=", ".join(unsigned.mapped("name")),
                )
            )
        birthdays = self.filtered(lambda e: e.occasion == "birthday")
        if birthdays.filtered(lambda e: not e.project_manager_id):
            raise UserError(
                _("The project manager must go along with a birthday errand: choose them.")
            )
        no_gift = birthdays.filtered(lambda e: not e.gift_handed_over)
        if no_gift:
            raise UserError(
                _(
                    "Confirm that the birthday gift was handed over with the delivery: %(names)s.",
                    names=", ".join(no_gift.mapped("name")),
                )
            )
        return self._action_deliver()

    @workflow_step
    def action_confirm_gift(self):
        """The birthday gift was handed over together with the delivery (篇4 7 "有生日礼物的要一并送抵")."""
        self._check_state(["ordered"], _("Confirming the birthday gift"))
        if self.filtered(lambda e: e.occasion != "birthday"):
            raise UserError(_("Only a birthday errand carries a birthday gift."))
        no_gift = self.filtered(lambda e: not (e.gift_description or "").strip())
        if no_gift:
            raise UserError(
                _(
                    "Record the birthday gift before confirming it was handed over: %(names)s.",
                    names=", ".join(no_gift.mapped("name")),
                )
            )
        self.write({"gift_handed_over": True, "date_gift_handed_over": fields.Datetime.now()})
        return True

    @workflow_step
    def _action_deliver(self):
        now = fields.Datetime.now()
        for errand in self:
            errand.write(
                {
                    "state": "delivered",
                    "date_delivered": errand.date_delivered or now,
                    "delivered_by_id": errand.delivered_by_id.id or self.env.user.id,
                }
            )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    @workflow_step
    def action_settle(self):
        """Invoice the actual cost, reconcile with the prepayment, refund the difference (篇4 8)."""
        self._check_state(["delivered"], _("Settling"))
        self._check_money_rights()
        for errand in self:
            errand._check_before_settle()
            if errand.invoice_id and errand.invoice_id.state != "cancel":
                raise UserError(_("%(name)s is already invoiced.", name=errand.name))
        return self._action_settle()

    @workflow_step
    def _action_settle(self):
        for errand in self:
            # sudo: the actual cost is read from the supplier bill; only its amount is used.
            cost = errand.sudo()._get_actual_cost()
            if not errand.currency_id.is_zero(cost):
                errand._create_invoice()
            errand._refund_credit()
            errand.write({"state": "settled", "date_settled": fields.Datetime.now()})
        return True

    def action_collect_balance(self):
        """Open the form to collect what the prepayment did not cover."""
        self.ensure_one()
        self._check_state(["settled"], _("Collecting the balance"))
        self._check_money_rights()
        return {
            "type": "ir.actions.act_window",
            "name": _("Collect Balance"),
            "res_model": "hanling.errand.payment",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_errand_id": self.id,
                "default_kind": "balance",
                "default_amount": self.amount_due,
            },
        }

    @workflow_step
    def _action_collect_balance(self, amount, journal=None, date=None):
        """Inbound top-up payment reconciled with the resident invoice."""
        self.ensure_one()
        self._check_state(["settled"], _("Collecting the balance"))
        self._check_money_rights()
        # sudo: the resident invoice is an accounting record; only its residual is read here,
        # after the money rights were checked above.
        invoice = self.sudo().invoice_id
        due = invoice.amount_residual if invoice.state == "posted" else 0.0
        if self.currency_id.is_zero(due):
            raise UserError(_("Nothing is left to collect for %(name)s.", name=self.name))
        if float_compare(amount, due, precision_rounding=self.currency_id.rounding) != 0:
            raise UserError(
                _(
                    "Collect exactly the balance due: %(due)s.",
                    due=self._format_amount(due),
                )
            )
        money = self.env["hanling.money.service"]
        # The balance pays the resident invoice (and is reconciled with it) like a payment
        # registered on the invoice in Accounting.
        return money._register_payments(
            invoice,
            journal or money._payment_journal(self.company_id, self._payment_channels()),
            date=date,
            memo=_("Balance of errand %(name)s", name=self.name),
            values={"hanling_errand_id": self.id, "hanling_errand_role": "balance"},
        )

    @workflow_step
    def action_done(self):
        """The resident confirms the service and gives their opinion (篇4 9)."""
        self._check_state(["settled"], _("Completing"))
        for errand in self:
            if errand.payment_status not in errand._payment_statuses_to_close():
                raise UserError(
                    _(
                        "The money of %(name)s is not settled yet (%(status)s).",
                        name=errand.name,
                        status=dict(
                            self._fields["payment_status"]._description_selection(self.env)
                        )[errand.payment_status],
                    )
                )
            if errand.fapiao_requested and not errand.fapiao_number:
                raise UserError(
                    _(
                        "The resident asked for a fapiao: record its number first (%(name)s).",
                        name=errand.name,
                    )
                )
        signing_off = self.filtered(lambda e: e._requires_resident_sign_off())
        if signing_off.filtered(lambda e: not e.resident_opinion):
            raise UserError(_("Record the resident's opinion of the service."))
        signing_off._stamp_resident_signature()
        return self._action_done()

    @workflow_step
    def _action_done(self):
        self.write({"state": "done", "date_done": fields.Datetime.now()})
        return True

    @workflow_step
    def action_cancel(self):
        """Cancel before delivery; a prepayment is refunded through accounting."""
        self._check_state(["draft", "confirmed", "prepaid", "ordered"], _("Cancelling"))
        if self.filtered(lambda e: not e.cancel_reason):
            raise UserError(_("Record why the errand is cancelled."))
        if self.filtered("prepayment_id"):
            self._check_money_rights()
        return self._action_cancel()

    @workflow_step
    def _action_cancel(self):
        for errand in self:
            errand._refund_credit()
        self.write({"state": "cancel", "date_cancelled": fields.Datetime.now()})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    @workflow_step
    def action_draft(self):
        self._check_state(["cancel"], _("Resetting to draft"))
        # sudo: payments are accounting records; only their existence matters here.
        if self.sudo().filtered("payment_ids"):
            raise UserError(_("An errand that moved money cannot be reset; create a new one."))
        self.write(
            {
                "state": "draft",
                "date_cancelled": False,
                "date_confirmed": False,
                "gift_handed_over": False,
                "date_gift_handed_over": False,
            }
        )
        return True

    @workflow_step
    def action_book(self):
        """The accountant has received the money and vouchers and booked them (篇4 10)."""
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(_("Only the accountant books errands."))
        wrong = self.filtered(lambda e: e.state not in ("done", "cancel") or e.date_booked)
        if wrong:
            raise UserError(
                _(
                    "Only finished errands not yet booked can be booked: %(names)s.",
                    names=", ".join(wrong.mapped("name")),
                )
            )
        if self.filtered(lambda e: e.payment_status in ("to_collect", "to_refund", "prepaid")):
            raise UserError(_("Money is still open on one of these errands."))
        self.write({"date_booked": fields.Datetime.now(), "booked_by_id": self.env.user.id})
        return True

    @workflow_step
    def action_create_purchase_bill(self):
        """Record the supplier's purchase voucher as a vendor bill (draft, for the accountant)."""
        self.ensure_one()
        self._check_state(["ordered", "delivered"], _("Recording the supplier bill"))
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(_("Only the accountant records supplier bills."))
        if self.purchase_bill_id and self.purchase_bill_id.state != "cancel":
            raise UserError(_("A supplier bill is already recorded for %(name)s.", name=self.name))
        if not self.supplier_id:
            raise UserError(_("Choose the supplier first."))
        if self.currency_id.is_zero(self.voucher_amount):
            raise UserError(_("Enter the amount of the supplier's purchase voucher first."))
        # A draft, for the accountant to check against the voucher and post.
        bill = self.env["hanling.money.service"]._create_invoices(
            [self._prepare_purchase_bill_values()], post=False
        )
        self.purchase_bill_id = bill
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": bill.id,
            "view_mode": "form",
        }

    def action_view_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": (self.invoice_id or self.purchase_bill_id).id,
            "view_mode": "form",
        }

    def action_view_payments(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Payments"),
            "res_model": "account.payment",
            "domain": [("id", "in", self.payment_ids.ids)],
            "view_mode": "list,form",
            "context": {"create": False},
        }

    # ------------------------------------------------------------------ business methods

    def _check_money_rights(self):
        # Money changes hands at the service centre: customer-service staff and above.
        if not self.env.user.has_group("hanling_property.group_cs_staff"):
            raise AccessError(_("Only customer-service staff handle the money of errands."))

    def _check_voucher(self):
        self.ensure_one()
        # sudo: the supplier bill is an accounting record; only its state and amount are checked.
        bill = self.sudo().purchase_bill_id
        if bill and bill.state != "cancel":
            if bill.state != "posted":
                raise UserError(
                    _(
                        "The supplier bill of %(name)s must be posted before settling.",
                        name=self.name,
                    )
                )
            return
        if not self.involves_purchase and self.currency_id.is_zero(self.voucher_amount):
            return
        if not self.voucher_attachment_ids or self.currency_id.is_zero(self.voucher_amount):
            raise UserError(
                _(
                    "Record the supplier's purchase voucher of %(name)s (a supplier bill, or the "
                    "voucher attached with its amount) before settling.",
                    name=self.name,
                )
            )

    def _get_actual_cost(self):
        """What the goods cost: the posted supplier bill, else the voucher amount."""
        self.ensure_one()
        bill = self.purchase_bill_id
        if bill and bill.state == "posted":
            return bill.amount_total
        return self.voucher_amount

    def _get_receivable_lines(self):
        """Receivable lines of this errand's posted payments."""
        payments = self.payment_ids.filtered(lambda p: p.state in POSTED_PAYMENT_STATES)
        return payments.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def _get_credit_left(self):
        """Money received for this errand and not yet used by an invoice or refunded."""
        self.ensure_one()
        lines = self._get_receivable_lines()
        return -sum(lines.mapped("amount_residual"))

    def _prepare_payment_values(
        self, payment_type, amount, role, *, journal=None, date=None, memo=None, receipt_number=None
    ):
        """Hook: a payment of this errand (prepayment, refund), on a cash or bank journal."""
        self.ensure_one()
        journal = journal or self.env["hanling.money.service"]._payment_journal(
            self.company_id, self._payment_channels()
        )
        return {
            "payment_type": payment_type,
            "partner_type": "customer",
            "partner_id": self.partner_id.commercial_partner_id.id,
            "amount": amount,
            "journal_id": journal.id,
            "company_id": self.company_id.id,
            "date": date or fields.Date.context_today(self),
            "memo": memo or self.name,
            "hanling_errand_id": self.id,
            "hanling_errand_role": role,
            "hanling_receipt_number": receipt_number,
        }

    def _payment_channels(self):
        """Journal types for the errand's payment method, the preferred one first."""
        self.ensure_one()
        return ("cash", "bank") if self.payment_method == "cash" else ("bank", "cash")

    def _create_invoice(self):
        """Invoice the actual cost on settlement and reconcile it with the errand's payments."""
        self.ensure_one()
        if not self.partner_id:
            raise UserError(_("The errand has no resident to invoice."))
        money = self.env["hanling.money.service"]
        invoice = money._create_invoices([self._prepare_invoice_values()])
        self.invoice_id = invoice
        # sudo: the errand's own payments are read through its link (accounting records).
        money._reconcile_receivables(invoice, self.sudo().payment_ids)
        return invoice

    def _refund_credit(self):
        """Pay back what the resident paid and did not use (the difference, or all on cancel)."""
        self.ensure_one()
        # sudo: the credit left and the prepayment's journal are read from accounting records;
        # the refund itself is made by the money service.
        errand_sudo = self.sudo()
        credit = errand_sudo._get_credit_left()
        if float_is_zero(credit, precision_rounding=self.currency_id.rounding) or credit < 0:
            return self.env["account.payment"]
        money = self.env["hanling.money.service"]
        refund = money._make_payments(
            [
                self._prepare_payment_values(
                    "outbound",
                    credit,
                    "refund",
                    journal=errand_sudo.prepayment_id.journal_id or None,
                    memo=_("Refund for errand %(name)s", name=self.name),
                )
            ]
        )
        money._reconcile_receivables(errand_sudo.payment_ids)
        self.message_post(
            body=_("%(amount)s refunded to the resident.", amount=self._format_amount(credit))
        )
        return refund

    def _amount_in_chinese(self, amount):
        return amount_in_chinese(amount)

    def _format_amount(self, amount):
        return f"{self.currency_id.symbol or ''}{amount:,.2f}"

    # ------------------------------------------------------------------ hooks

    def _requires_commission_signature(self):
        """Whether the resident signs a commission form before the errand starts."""
        self.ensure_one()
        return True

    def _requires_supplier(self):
        """Whether a supplier and a duty supervisor are chosen before ordering."""
        self.ensure_one()
        return True

    def _order_activity_note(self):
        self.ensure_one()
        return _(
            "%(resident)s (%(unit)s): %(what)s, from %(supplier)s.",
            resident=self.partner_id.display_name,
            unit=self.unit_id.display_name or "-",
            what=self.description,
            supplier=self.supplier_id.display_name,
        )

    def _check_before_settle(self):
        """What must be on file before the actual cost is invoiced: the supplier's voucher."""
        self.ensure_one()
        self._check_voucher()

    def _payment_statuses_to_close(self):
        """Payment statuses in which the errand may be closed."""
        self.ensure_one()
        return ("paid", "none")

    def _requires_resident_sign_off(self):
        """Whether the resident signs off the errand with an opinion when it is closed."""
        self.ensure_one()
        return True

    def _is_vip(self):
        """A VIP by the errand's own flag, or by the resident's record (the archive's, if any)."""
        self.ensure_one()
        return self.is_vip or bool(self.partner_id and self.partner_id._hanling_is_vip())

    def _birthday_activity_note(self):
        self.ensure_one()
        return _(
            "Deliver with the birthday gift (%(gift)s) and the office's wishes: %(greeting)s",
            gift=self.gift_description or "-",
            greeting=self.greeting or "-",
        )

    def _default_birthday_greeting(self):
        self.ensure_one()
        return _(
            "Happy birthday! With the sincere wishes of %(office)s.",
            office=self.company_id.name or self.env.company.name,
        )

    def _prepare_invoice_values(self):
        """Customer invoice of the actual cost, one line per bill line or the voucher amount."""
        self.ensure_one()
        product = self.env.ref("hanling_errands.product_errand_goods")
        # sudo: the invoice lines copy the supplier bill's lines (an accounting record).
        bill = self.sudo().purchase_bill_id
        if bill and bill.state == "posted":
            lines = [
                (
                    line.name or self.description,
                    line.quantity,
                    line.price_total / (line.quantity or 1.0),
                )
                for line in bill.invoice_line_ids
                if line.display_type == "product"
            ]
        else:
            lines = [(self._invoice_line_label(), 1.0, self.voucher_amount)]
        return self.env["hanling.money.service"]._invoice_values(
            self.company_id,
            self.partner_id.commercial_partner_id,
            [
                {
                    "product_id": product.id,
                    "name": name,
                    "quantity": quantity,
                    "price_unit": price,
                    # The resident pays what the supplier charged: no tax on top.
                    "tax_ids": [fields.Command.clear()],
                }
                for name, quantity, price in lines
            ],
            community=self.community_id,
            invoice_origin=self.name,
        )

    def _invoice_line_label(self):
        self.ensure_one()
        label = (
            self.service_id.name
            or dict(self._fields["kind"]._description_selection(self.env))[self.kind]
        )
        return f"{self.name} {label}: {self.description}"

    def _prepare_purchase_bill_values(self):
        self.ensure_one()
        product = self.env.ref("hanling_errands.product_errand_goods")
        line = {
            "product_id": product.id,
            "name": self._invoice_line_label(),
            "quantity": 1.0,
            "price_unit": self.voucher_amount,
            "tax_ids": [fields.Command.clear()],
        }
        return self.env["hanling.money.service"]._invoice_values(
            self.company_id,
            self.supplier_id,
            [line],
            move_type="in_invoice",
            invoice_origin=self.name,
            invoice_date=fields.Date.context_today(self),
        )
