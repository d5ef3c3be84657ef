from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import normalize_cn_phone
from ..tools.workflow import workflow_step


class EventRegistration(models.Model):
    # Odoo's own ``state`` stays Odoo's (its event code writes it); the guard owns what this
    # addon adds: the waiting list, the confirmation and cancellation times, the money links.
    _name = "event.registration"
    _inherit = ["event.registration", "hanling.workflow.mixin"]
    _workflow_fields = (
        "hanling_waiting",
        "hanling_waiting_since",
        "hanling_date_confirmed",
        "hanling_date_cancelled",
        "hanling_invoice_id",
        "hanling_refund_id",
    )
    # Who took part, and who pays for the child, once they attended or cancelled.
    _workflow_lock = {
        ("done", "cancel"): (
            "hanling_attendee_kind",
            "hanling_unit_id",
            "hanling_age",
            "hanling_guardian_id",
        ),
    }

    hanling_community_id = fields.Many2one(
        related="event_id.hanling_community_id", store=True, index=True, string="Community"
    )
    hanling_attendee_kind = fields.Selection(
        [("resident", "Resident"), ("child", "Child")],
        string="Participant Kind",
        default="resident",
        index=True,
    )
    hanling_unit_id = fields.Many2one("hanling.unit", string="Unit", index=True)
    hanling_age = fields.Integer(string="Age")
    hanling_guardian_id = fields.Many2one(
        "res.partner",
        string="Guardian",
        index=True,
        help="Parent or guardian who pays and answers for the child.",
    )
    hanling_pickup_contact = fields.Char(
        string="Pick-up Contact", help="Who may collect the child (name and relation)."
    )
    hanling_pickup_phone = fields.Char(string="Pick-up Phone")
    hanling_waiting = fields.Boolean(
        string="On Waiting List", readonly=True, copy=False, index=True, tracking=True
    )
    hanling_waiting_since = fields.Datetime(string="Waiting Since", readonly=True, copy=False)
    hanling_date_confirmed = fields.Datetime(string="Confirmed On", readonly=True, copy=False)
    hanling_date_cancelled = fields.Datetime(string="Cancelled On", readonly=True, copy=False)
    hanling_invoice_id = fields.Many2one(
        "account.move",
        string="Invoice",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="account.group_account_invoice",
    )
    hanling_refund_id = fields.Many2one(
        "account.move",
        string="Credit Note",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="account.group_account_invoice",
    )
    hanling_currency_id = fields.Many2one(related="company_id.currency_id", string="Fee Currency")
    hanling_amount_invoiced = fields.Monetary(
        string="Invoiced", compute="_compute_hanling_amounts", currency_field="hanling_currency_id"
    )
    hanling_amount_refunded = fields.Monetary(
        string="Refunded", compute="_compute_hanling_amounts", currency_field="hanling_currency_id"
    )
    hanling_invoice_ref = fields.Char(string="Invoice No.", compute="_compute_hanling_amounts")
    hanling_refund_ref = fields.Char(string="Credit Note No.", compute="_compute_hanling_amounts")
    hanling_payment_state = fields.Selection(
        [
            ("none", "Free"),
            ("not_paid", "Not Paid"),
            ("in_payment", "In Payment"),
            ("paid", "Paid"),
            ("partial", "Partially Paid"),
            ("reversed", "Refunded"),
            ("other", "Other"),
        ],
        string="Payment",
        compute="_compute_hanling_amounts",
    )

    def _compute_hanling_amounts(self):
        # sudo: desk staff see what the resident owes without being invoicing users; the
        # amounts come from the journal, never from this registration.
        for registration in self:
            reg = registration.sudo()
            invoice, refund = reg.hanling_invoice_id, reg.hanling_refund_id
            registration.hanling_invoice_ref = invoice.name or False
            registration.hanling_refund_ref = refund.name or False
            registration.hanling_amount_invoiced = invoice.amount_total if invoice else 0.0
            registration.hanling_amount_refunded = (
                refund.amount_total if refund and refund.state == "posted" else 0.0
            )
            if not invoice:
                registration.hanling_payment_state = "none"
            elif invoice.payment_state in {"not_paid", "in_payment", "paid", "partial", "reversed"}:
                registration.hanling_payment_state = invoice.payment_state
            else:
                registration.hanling_payment_state = "other"

    @api.constrains("hanling_attendee_kind", "hanling_age", "hanling_guardian_id")
    def _check_hanling_child(self):
        for registration in self:
            if registration.hanling_attendee_kind != "child":
                continue
            if not registration.hanling_guardian_id:
                raise ValidationError(
                    _("The child “%(name)s” needs a guardian.", name=registration.name or "")
                )
            if not 0 < registration.hanling_age < 18:
                raise ValidationError(
                    _(
                        "Enter the age of the child “%(name)s” (1 to 17).",
                        name=registration.name or "",
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("hanling_pickup_phone"):
                vals["hanling_pickup_phone"] = normalize_cn_phone(
                    self.env, vals["hanling_pickup_phone"], _("Pick-up Phone")
                )
        waiting = self._hanling_fill_waiting_list(vals_list)
        registrations = super().create(vals_list)
        registrations.browse([registrations.ids[i] for i in waiting])._hanling_put_on_waiting_list()
        registrations.filtered(
            lambda r: r.event_id.hanling_community_id and r.state in ("open", "done")
        )._hanling_on_confirmed()
        return registrations

    def write(self, vals):
        # Odoo's state moves through Odoo's buttons, which our steps wrap (waiting list, invoice,
        # refund): a community registration written "registered" or "attended" directly would
        # skip the queue and the fee.
        if (
            "state" in vals
            and not self._workflow_open()
            and self.filtered(lambda r: r.event_id.hanling_community_id)
        ):
            self._workflow_refuse(["state"])
        if vals.get("hanling_pickup_phone"):
            vals["hanling_pickup_phone"] = normalize_cn_phone(
                self.env, vals["hanling_pickup_phone"], _("Pick-up Phone")
            )
        return super().write(vals)

    def _hanling_fill_waiting_list(self, vals_list):
        """Registrations that do not fit in a full community event stay unconfirmed.

        Returns the positions in ``vals_list`` of those that go on the waiting list (marked by
        ``_hanling_put_on_waiting_list`` once created).
        """
        event_ids = {vals.get("event_id") for vals in vals_list if vals.get("event_id")}
        events = (
            self.env["event.event"]
            .browse(event_ids)
            .filtered(lambda e: e.hanling_community_id and e.seats_limited and e.seats_max)
        )
        available = {event.id: event.seats_available for event in events}
        default_state = self.default_get(["state"]).get("state", "open")
        waiting = []
        for index, vals in enumerate(vals_list):
            event_id = vals.get("event_id")
            if event_id not in available or vals.get("state", default_state) not in (
                "open",
                "done",
            ):
                continue
            if available[event_id] > 0:
                available[event_id] -= 1
                continue
            vals["state"] = "draft"
            waiting.append(index)
        return waiting

    @workflow_step
    def _hanling_put_on_waiting_list(self):
        self.write({"hanling_waiting": True, "hanling_waiting_since": fields.Datetime.now()})

    # ------------------------------------------------------------------ actions

    @workflow_step
    def action_confirm(self):
        community = self.filtered(lambda r: r.event_id.hanling_community_id)
        if community:
            if community.filtered(lambda r: r.state != "draft"):
                raise UserError(_("Only unconfirmed or waiting registrations can be confirmed."))
            for event in community.event_id:
                wanted = len(community.filtered(lambda r, e=event: r.event_id == e))
                if event.seats_limited and event.seats_max and event.seats_available < wanted:
                    raise UserError(
                        _(
                            "“%(event)s” is full: the registration stays on the waiting list "
                            "until a seat is freed.",
                            event=event.name,
                        )
                    )
        res = super().action_confirm()
        community._hanling_on_confirmed()
        return res

    @workflow_step
    def action_set_draft(self):
        return super().action_set_draft()

    @workflow_step
    def action_set_done(self):
        return super().action_set_done()

    @workflow_step
    def action_cancel(self):
        community = self.filtered(lambda r: r.event_id.hanling_community_id)
        if community.filtered(lambda r: r.state not in ("draft", "open")):
            raise UserError(
                _(
                    "Only waiting or registered participants can be cancelled, not those already "
                    "cancelled or who attended."
                )
            )
        res = super().action_cancel()
        community._hanling_action_cancel()
        return res

    def action_hanling_view_invoice(self):
        self.ensure_one()
        move = self.hanling_refund_id or self.hanling_invoice_id
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": move.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------ business

    @workflow_step
    def _hanling_on_confirmed(self):
        self.write(
            {
                "hanling_waiting": False,
                "hanling_waiting_since": False,
                "hanling_date_confirmed": fields.Datetime.now(),
            }
        )
        # sudo: registering at the desk bills the published fee; desk staff hold no invoicing
        # rights and cannot change the price, which comes from the catalogue.
        to_invoice = self.sudo().filtered(
            lambda r: r.event_id.hanling_is_paid and not r.hanling_invoice_id
        )
        to_invoice._hanling_create_invoices()

    def _hanling_create_invoices(self):
        invoices = self.env["hanling.money.service"]._create_invoices(
            [registration._hanling_prepare_invoice_values() for registration in self]
        )
        for registration, invoice in zip(self, invoices, strict=True):
            registration.hanling_invoice_id = invoice

    def _hanling_invoice_partner(self):
        self.ensure_one()
        partner = (
            (self.hanling_guardian_id if self.hanling_attendee_kind == "child" else self.partner_id)
            or self.partner_id
            or self.hanling_guardian_id
        )
        if not partner:
            raise UserError(
                _(
                    "The paid activity “%(event)s” needs the resident who pays for “%(name)s”.",
                    event=self.event_id.name,
                    name=self.name or "",
                )
            )
        return partner

    def _hanling_prepare_invoice_values(self):
        self.ensure_one()
        event = self.event_id
        service = event.hanling_service_id
        line = {
            "product_id": service.product_id.id,
            "name": _("%(event)s — %(name)s", event=event.name, name=self.name or ""),
            "quantity": 1.0,
            "price_unit": service.list_price,
        }
        return self.env["hanling.money.service"]._invoice_values(
            event.company_id or self.env.company,
            self._hanling_invoice_partner(),
            [line],
            community=event.hanling_community_id,
            invoice_origin=event.name,
            ref=self.name,
        )

    def _hanling_refund_due(self, when=None):
        """True when the published rule grants a full refund for a cancellation at ``when``."""
        self.ensure_one()
        when = when or fields.Datetime.now()
        return when + timedelta(days=self.event_id.hanling_refund_days) <= self.event_id.date_begin

    @workflow_step
    def _hanling_action_cancel(self):
        self.write({"hanling_waiting": False, "hanling_date_cancelled": fields.Datetime.now()})
        # sudo: the credit note follows the published refund rule, see _hanling_on_confirmed.
        to_refund = self.sudo().filtered(
            lambda r: (
                r.hanling_invoice_id.state == "posted"
                and not r.hanling_refund_id
                and r._hanling_refund_due()
            )
        )
        to_refund._hanling_create_refunds()
        self.event_id._hanling_promote_waiting()

    def _hanling_create_refunds(self):
        money = self.env["hanling.money.service"]
        # An unpaid invoice is simply cancelled; a paid one leaves a credit to refund.
        unpaid = self.grouped(lambda r: r.hanling_invoice_id.payment_state == "not_paid")
        for cancel, registrations in unpaid.items():
            refunds = money._reverse_invoices(
                registrations.hanling_invoice_id,
                [{"ref": _("Cancelled: %(name)s", name=r.name or "")} for r in registrations],
                cancel=cancel,
            )
            for registration, refund in zip(registrations, refunds, strict=True):
                registration.hanling_refund_id = refund
                registration.message_post(
                    body=_("Refunded by credit note %(name)s.", name=refund.name)
                )
