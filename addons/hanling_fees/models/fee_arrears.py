"""Arrears (issue 17, item 3): late-fee policy per community, the late fees it charges and their
waiver by the office manager."""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.hanling_property.tools.workflow import workflow_step

OPEN_PAYMENT_STATES = ("not_paid", "partial")


def _num(value, spec=".2f"):
    """A number as the messages print it (2 decimals; ``g`` for rates and percentages)."""
    return format(value, spec)


def _is_manager(env):
    return env.user.has_group("hanling_property.group_manager")


def _due_date(move):
    """The day a bill is due: its due date (a fee bill's invoice date unless a payment term
    says otherwise, ``hanling.fee.run._fee_invoice_vals``)."""
    return move.invoice_date_due or move.invoice_date or move.date


def _unit_open_bills(env, unit, partner=None):
    """The posted fee bills and late fees of ``unit`` (of ``partner``) still owed."""
    domain = [("unit_id", "=", unit.id)]
    if partner:
        domain.append(("partner_id", "child_of", partner.commercial_partner_id.id))
    # sudo: the front desk reads the unit's bills owed (accounting records) for the transfer
    # form and the payment plan; nothing is written through it.
    bills = env["hanling.fee.bill.line"].sudo().search(domain + [("move_id", "!=", False)]).move_id
    # sudo: the unit's late fees, read likewise.
    late = env["hanling.fee.late.fee"].sudo().search(domain + [("state", "!=", "waived")])
    bills |= late.late_invoice_id
    return bills.filtered(
        lambda m: m.state == "posted" and m.payment_state in OPEN_PAYMENT_STATES
    ).sorted(lambda m: (m.invoice_date or m.date, m.id))


class HanlingFeeLatePolicy(models.Model):
    """The late-fee and dunning rules of one community, configured by the accountant.

    A fee bill still owed ``grace_days`` after its due date is charged ``daily_rate`` of what
    is owed for each further day, never more in all than ``cap_percent`` of the bill (at most
    the bill itself: 100 %), and never on a late fee (no compounding: only billing-run bills
    are charged).
    """

    _name = "hanling.fee.late.policy"
    _description = "Late-Fee Policy"
    _order = "community_id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    community_id = fields.Many2one(
        "hanling.community", required=True, index=True, check_company=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    active = fields.Boolean(default=True)
    grace_days = fields.Integer(
        default=15, help="Days after a bill's due date before late fees start."
    )
    daily_rate = fields.Float(
        string="Daily Rate (%)",
        digits=(16, 4),
        default=0.05,
        help="Percentage of the amount owed charged per day late (0.05 = 万分之五).",
    )
    cap_percent = fields.Float(
        string="Cap (% of the Bill)",
        digits=(16, 2),
        default=100.0,
        help="All late fees of one bill together never exceed this share of the bill; at most "
        "100 %: a late fee is never higher than the principal.",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Invoicing Product",
        readonly=True,
        help="The product of the late-fee invoices (made with the policy, no taxes).",
    )
    dunning_level_ids = fields.One2many(
        "hanling.fee.dunning.level", "policy_id", string="Dunning Levels", copy=True
    )

    _sql_constraints = [
        (
            "community_unique",
            "UNIQUE(community_id)",
            "A community has one late-fee policy.",
        ),
        (
            "cap_at_most_principal",
            "CHECK(cap_percent > 0 AND cap_percent <= 100)",
            "The late-fee cap is more than 0 % and never higher than the principal (100 %).",
        ),
        (
            "rate_positive",
            "CHECK(daily_rate >= 0 AND grace_days >= 0)",
            "The daily rate and the grace days cannot be negative.",
        ),
    ]

    @api.depends("community_id")
    def _compute_name(self):
        for policy in self:
            policy.name = _("Late fees of %(community)s", community=policy.community_id.name)

    @api.constrains("cap_percent", "daily_rate", "grace_days")
    def _check_cap(self):
        for policy in self:
            if not 0 < policy.cap_percent <= 100:
                raise ValidationError(
                    _(
                        "The late-fee cap is more than 0 % and never higher than the principal "
                        "(100 %)."
                    )
                )
            if policy.daily_rate < 0 or policy.grace_days < 0:
                raise ValidationError(_("The daily rate and the grace days cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        policies = super().create(vals_list)
        for policy in policies:
            policy._make_product()
        return policies

    def _make_product(self):
        # sudo: the late-fee product is the policy's configuration (no taxes until the
        # accountant sets them), made once with the policy.
        product = (
            self.env["product.product"]
            .sudo()
            .create(
                {
                    "name": _("Late Fee (%(community)s)", community=self.community_id.name),
                    "type": "service",
                    "sale_ok": True,
                    "purchase_ok": False,
                    "taxes_id": [fields.Command.clear()],
                    "company_id": self.company_id.id,
                }
            )
        )
        # sudo: the product is the policy's own configuration, linked once at create.
        self.sudo().product_id = product

    def action_charge_now(self):
        """The accountant charges the late fees due today (the scheduled action does it too)."""
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(_("Only the accountant charges late fees."))
        fees = self.env["hanling.fee.late.fee"]._charge(
            fields.Date.context_today(self), policies=self
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Late Fees"),
            "res_model": "hanling.fee.late.fee",
            "view_mode": "list,form",
            "domain": [("id", "in", fees.ids)],
        }

    @api.model
    def _cron_arrears(self):
        """Daily: charge late fees, check payment plans, move dunning on (all idempotent)."""
        day = fields.Date.context_today(self)
        self.env["hanling.fee.late.fee"]._charge(day)
        self.env["hanling.fee.payment.plan"]._check_plans(day)
        self.env["hanling.fee.dunning"]._run_dunning(day)

    # ------------------------------------------------------------------ what is owed

    def _overdue_invoices(self, day, grace=True, principal_only=True):
        """Posted bills of this policy's community still owed on ``day`` past due (+ grace)."""
        self.ensure_one()
        limit = day - timedelta(days=self.grace_days if grace else 0)
        # sudo: the fee bills of the community (accounting records) read for the policy's
        # steps; the money service makes every record that follows.
        bills = (
            self.env["hanling.fee.bill.line"]
            .sudo()
            .search(
                [
                    ("community_id", "=", self.community_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("move_id", "!=", False),
                ]
            )
        )
        invoices = bills.move_id
        if not principal_only:
            invoices |= (
                self.env["hanling.fee.late.fee"]
                # sudo: the community's late fees, read for the dunning of what is owed.
                .sudo()
                .search([("community_id", "=", self.community_id.id)])
                .late_invoice_id
            )
        return invoices.filtered(
            lambda move: move.state == "posted"
            and move.move_type == "out_invoice"
            and move.payment_state in OPEN_PAYMENT_STATES
            and _due_date(move) < limit
        )


class HanlingFeeLateFee(models.Model):
    """A late fee charged on one fee bill for a stretch of days, with how it was computed.

    Made only by the charging step (``_charge``): principal (what the bill still owed), days,
    daily rate and the cap left; its own posted invoice through the money service. A waiver is
    asked by the front desk or the accountant and approved by the office manager, who cancels
    the late fee's invoice with a credit note.
    """

    _name = "hanling.fee.late.fee"
    _description = "Late Fee"
    _inherit = ["hanling.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_to desc, id desc"
    _check_company_auto = True
    _sequence_code = "hanling.fee.late.fee"
    _workflow_fields = (
        "state",
        "invoice_id",
        "late_invoice_id",
        "credit_note_id",
        "policy_id",
        "partner_id",
        "unit_id",
        "date_from",
        "date_to",
        "days",
        "principal",
        "daily_rate",
        "cap",
        "cap_left",
        "amount",
        "waiver_requested_by_id",
        "date_waiver_requested",
        "approved_by_id",
        "date_approved",
    )
    _workflow_lock = {("waiver_requested", "waived"): ("waiver_reason",)}

    name = fields.Char(string="Number", readonly=True, copy=False, default="/")
    state = fields.Selection(
        [
            ("charged", "Charged"),
            ("waiver_requested", "Waiver Requested"),
            ("waived", "Waived"),
        ],
        default="charged",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda s: s.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    policy_id = fields.Many2one("hanling.fee.late.policy", readonly=True, index=True, copy=False)
    community_id = fields.Many2one(
        related="policy_id.community_id", store=True, index=True, string="Community"
    )
    invoice_id = fields.Many2one(
        "account.move", string="Bill", readonly=True, index=True, copy=False
    )
    late_invoice_id = fields.Many2one(
        "account.move", string="Late-Fee Invoice", readonly=True, index=True, copy=False
    )
    credit_note_id = fields.Many2one(
        "account.move", string="Waiver Credit Note", readonly=True, copy=False
    )
    partner_id = fields.Many2one(
        "res.partner", string="Payer", readonly=True, index=True, copy=False
    )
    unit_id = fields.Many2one("hanling.unit", readonly=True, index=True, copy=False)
    date_from = fields.Date(string="Late From", readonly=True, copy=False)
    date_to = fields.Date(string="Late Until", readonly=True, index=True, copy=False)
    days = fields.Integer(readonly=True, copy=False)
    principal = fields.Monetary(
        readonly=True, help="What the bill still owed when charged.", copy=False
    )
    daily_rate = fields.Float(string="Daily Rate (%)", digits=(16, 4), readonly=True, copy=False)
    cap = fields.Monetary(
        readonly=True, help="All late fees of the bill together, at most.", copy=False
    )
    cap_left = fields.Monetary(string="Cap Left Before", readonly=True, copy=False)
    amount = fields.Monetary(readonly=True, copy=False)
    computation = fields.Char(compute="_compute_computation", string="How It Was Computed")
    waiver_reason = fields.Text()
    waiver_requested_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_waiver_requested = fields.Datetime(readonly=True, copy=False)
    approved_by_id = fields.Many2one(
        "res.users", string="Waiver Approved by", readonly=True, copy=False
    )
    date_approved = fields.Datetime(string="Waiver Approved on", readonly=True, copy=False)

    @api.depends("principal", "days", "daily_rate", "cap", "amount", "date_from", "date_to")
    def _compute_computation(self):
        for fee in self:
            fee.computation = fee._explain()

    def _explain(self):
        self.ensure_one()
        return _(
            "Principal %(principal)s × %(rate)s%% per day × %(days)s days (%(start)s – %(end)s)"
            " = %(amount)s; cap %(cap)s (%(cap_percent)s%% of the bill, %(cap_left)s left)",
            principal=_num(self.principal),
            rate=_num(self.daily_rate, "g"),
            days=self.days,
            start=self.date_from,
            end=self.date_to,
            amount=_num(self.amount),
            cap=_num(self.cap),
            cap_percent=_num(self.policy_id.cap_percent, "g"),
            cap_left=_num(self.cap_left),
        )

    # ------------------------------------------------------------------ charging

    @api.model
    def _suspended_invoices(self, invoices, day):
        """The bills a kept payment plan covers on ``day`` (no late fee while it is kept)."""
        plans = (
            self.env["hanling.fee.payment.plan"]
            # sudo: the kept payment plans are read by the charging step.
            .sudo()
            .search([("state", "=", "active"), ("invoice_ids", "in", invoices.ids)])
        )
        return plans.invoice_ids

    @api.model
    def _resume_from(self, invoice):
        """The first day a late fee may run again after payment plans on the bill ended."""
        plans = (
            self.env["hanling.fee.payment.plan"]
            # sudo: the ended payment plans are read by the charging step.
            .sudo()
            .search([("invoice_ids", "in", invoice.ids), ("date_suspended_until", "!=", False)])
        )
        ends = [d for d in plans.mapped("date_suspended_until") if d]
        return max(ends) + timedelta(days=1) if ends else None

    @api.model
    @workflow_step
    def _charge(self, day, policies=None):
        """Charge every late fee due on ``day``: per overdue fee bill, the days since the last
        charge (or since the grace ended), on what it still owes, within its cap. Charging
        the same day again charges nothing."""
        # sudo: the scheduled step charges every community's policy.
        Policy = self.env["hanling.fee.late.policy"].sudo()
        policies = Policy.browse(policies.ids) if policies else Policy.search([])
        made = self.browse()
        for policy in policies:
            invoices = policy._overdue_invoices(day)
            if not invoices:
                continue
            suspended = self._suspended_invoices(invoices, day)
            currency = policy.company_id.currency_id
            # sudo: the bills' earlier late fees, read by the charging step.
            charged = self.sudo().search([("invoice_id", "in", invoices.ids)])
            by_invoice = charged.grouped("invoice_id")
            pending = []
            for invoice in invoices.sorted(lambda m: (m.invoice_date, m.id)):
                if invoice in suspended:
                    continue
                previous = by_invoice.get(invoice, self.browse())
                due = _due_date(invoice)
                start = due + timedelta(days=policy.grace_days + 1)
                if previous:
                    start = max(start, max(previous.mapped("date_to")) + timedelta(days=1))
                resume = self._resume_from(invoice)
                if resume:
                    start = max(start, resume)
                if start > day:
                    continue
                days = (day - start).days + 1
                principal = invoice.amount_residual
                cap = currency.round(invoice.amount_total * policy.cap_percent / 100)
                # No compounding: the cap and the base are the bill's, never a late fee's.
                cap_left = currency.round(cap - sum(previous.mapped("amount")))
                amount = min(currency.round(principal * policy.daily_rate / 100 * days), cap_left)
                if currency.compare_amounts(amount, 0) <= 0:
                    continue
                bill = (
                    self.env["hanling.fee.bill.line"]
                    # sudo: the bill's unit, read from the run's bill lines.
                    .sudo()
                    .search([("move_id", "=", invoice.id)], order="id", limit=1)
                )
                pending.append(
                    {
                        "company_id": policy.company_id.id,
                        "policy_id": policy.id,
                        "invoice_id": invoice.id,
                        "partner_id": invoice.partner_id.id,
                        "unit_id": bill.unit_id.id,
                        "date_from": start,
                        "date_to": day,
                        "days": days,
                        "principal": principal,
                        "daily_rate": policy.daily_rate,
                        "cap": cap,
                        "cap_left": cap_left,
                        "amount": amount,
                    }
                )
            if pending:
                made |= self._issue(policy, pending)
        return made.with_env(self.env)

    def _issue(self, policy, vals_list):
        """The late fees and their posted invoices (one each, through the money service)."""
        # sudo: late fees are made by the charging step only (no role creates one).
        fees = self.sudo().create(vals_list)
        money = self.env["hanling.money.service"]
        invoice_vals = []
        for fee in fees:
            invoice_vals.append(
                money._invoice_values(
                    fee.company_id,
                    fee.partner_id,
                    [
                        {
                            "product_id": policy.product_id.id,
                            "name": _(
                                "Late fee on %(bill)s: %(how)s",
                                bill=fee.invoice_id.name,
                                how=fee._explain(),
                            ),
                            "quantity": 1,
                            "price_unit": fee.amount,
                            "tax_ids": [fields.Command.clear()],
                        }
                    ],
                    community=policy.community_id,
                    invoice_date=fee.date_to,
                    invoice_date_due=fee.date_to,
                    invoice_origin=fee.name,
                    ref=fee.name,
                )
            )
        moves = money._create_invoices(invoice_vals, company=policy.company_id)
        for fee, move in zip(fees, moves, strict=True):
            fee.late_invoice_id = move.id
        # A prepayment covers a late-fee bill too, as it is posted.
        self.env["hanling.fee.prepaid.application"]._apply(moves)
        return fees

    # ------------------------------------------------------------------ waiver

    @workflow_step
    def action_request_waiver(self):
        """The front desk or the accountant asks the office manager to waive the late fee."""
        if not (
            self.env.user.has_group("hanling_property.group_duty_officer")
            or self.env.user.has_group("account.group_account_invoice")
        ):
            raise AccessError(_("Only the front desk or the accountant asks for a waiver."))
        self._check_state(["charged"], _("Asking for a waiver"))
        for fee in self:
            if not (fee.waiver_reason or "").strip():
                raise UserError(_("Give the reason for waiving %(fee)s.", fee=fee.name))
        self.write(
            {
                "state": "waiver_requested",
                "waiver_requested_by_id": self.env.uid,
                "date_waiver_requested": fields.Datetime.now(),
            }
        )
        managers = self.env["res.users"]._hanling_role_users(
            "hanling_property.group_manager", self.company_id[:1]
        )
        for fee in managers and self:
            # sudo: the front desk asks the manager (an activity on the late fee it reads).
            fee.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=managers[0].id,
                summary=_("Approve the waiver of %(fee)s", fee=fee.name),
            )
        return True

    @workflow_step
    def action_approve_waiver(self):
        """The office manager waives the late fee: a credit note cancels its invoice."""
        if not _is_manager(self.env):
            raise AccessError(_("Only the office manager approves waiving a late fee."))
        self._check_state(["waiver_requested"], _("Approving a waiver"))
        # sudo: the manager closes the approval activity the request made.
        self.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        money = self.env["hanling.money.service"]
        for fee in self:
            invoice = money._read(fee.late_invoice_id)
            if invoice.payment_state not in ("not_paid",):
                raise UserError(
                    _(
                        "%(fee)s is paid already: refund it instead of waiving it.",
                        fee=fee.name,
                    )
                )
            credit = money._reverse_invoices(
                fee.late_invoice_id,
                [{"ref": _("Waiver of %(fee)s", fee=fee.name)}],
                cancel=True,
            )
            fee.write(
                {
                    "state": "waived",
                    "credit_note_id": credit.id,
                    "approved_by_id": self.env.uid,
                    "date_approved": fields.Datetime.now(),
                }
            )
            fee.message_post(
                body=_(
                    "Waived by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=fee.waiver_reason,
                )
            )
        return True

    @workflow_step
    def action_refuse_waiver(self):
        """The office manager refuses the waiver: the late fee stays owed."""
        if not _is_manager(self.env):
            raise AccessError(_("Only the office manager decides on waiving a late fee."))
        self._check_state(["waiver_requested"], _("Refusing a waiver"))
        self.write(
            {"state": "charged", "waiver_requested_by_id": False, "date_waiver_requested": False}
        )
        return True

    def unlink(self):
        raise UserError(_("A late fee is never deleted: waive it."))


class HanlingFeeDunningLevel(models.Model):
    """One step of a community's dunning schedule: what is done how many days after due."""

    _name = "hanling.fee.dunning.level"
    _description = "Dunning Level"
    _order = "policy_id, days_overdue, sequence, id"
    _check_company_auto = True

    policy_id = fields.Many2one(
        "hanling.fee.late.policy", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    days_overdue = fields.Integer(
        string="Days Overdue", required=True, help="Days after the oldest owed bill's due date."
    )
    action = fields.Selection(
        [
            ("mail", "Reminder Mail"),
            ("notice", "Printed Reminder Notice (催缴通知单)"),
            ("visit", "Visit by the Front Desk"),
        ],
        required=True,
        default="mail",
    )

    _sql_constraints = [
        ("days_positive", "CHECK(days_overdue >= 0)", "Days overdue cannot be negative."),
    ]
