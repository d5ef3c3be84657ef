"""分期 (issue 17, item 3): a payment plan agreed with a resident for the bills owed."""

from datetime import timedelta

from odoo import _, _lt, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.hanling_property.models.deadline_mixin import deadline_flag
from odoo.addons.hanling_property.tools.workflow import workflow_step

from .fee_arrears import _is_manager, _num, _unit_open_bills


class HanlingFeePaymentPlan(models.Model):
    """The front desk agrees instalments with a resident for owed bills; the office manager
    approves the plan (it suspends late fees: a concession of money like a waiver). While it is
    kept no late fee runs on its bills; an instalment missed past the policy's grace days
    breaks it and late fees run again from that day. Paid off, it is done."""

    _name = "hanling.fee.payment.plan"
    _description = "Payment Plan"
    _inherit = [
        "hanling.workflow.mixin",
        "hanling.deadline.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    _sequence_code = "hanling.fee.payment.plan"
    _workflow_fields = (
        "state",
        "invoice_ids",
        "amount_agreed",
        "submitted_by_id",
        "approved_by_id",
        "date_approved",
        "date_suspended_until",
        "date_done",
    )
    _workflow_lock = {
        ("submitted", "active", "done", "broken", "cancel"): (
            "partner_id",
            "unit_id",
            "line_ids",
            "company_id",
        )
    }
    _deadlines = {
        "instalment": {
            "due": "date_next_due",
            "flag": "is_instalment_overdue",
            "open_states": ("active",),
            "activity": "hanling_property.mail_activity_type_deadline",
            "user": ("user_id",),
            "summary": _lt("Instalment of the payment plan overdue: %(name)s"),
        },
    }

    name = fields.Char(string="Number", readonly=True, copy=False, default="/")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Awaiting Approval"),
            ("active", "Kept"),
            ("broken", "Broken"),
            ("done", "Paid Off"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    unit_id = fields.Many2one("hanling.unit", required=True, index=True, check_company=True)
    community_id = fields.Many2one(related="unit_id.community_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Payer", required=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Agreed by", default=lambda self: self.env.user, check_company=True
    )
    invoice_ids = fields.Many2many(
        "account.move",
        "hanling_fee_payment_plan_invoice_rel",
        "plan_id",
        "move_id",
        string="Bills",
        readonly=True,
        copy=False,
        help="The unit's bills the payer owed when the plan was submitted.",
    )
    amount_owed_now = fields.Monetary(
        string="Owed Now", compute="_compute_amounts", help="What the unit's payer owes today."
    )
    line_ids = fields.One2many(
        "hanling.fee.payment.plan.line", "plan_id", string="Instalments", copy=True
    )
    amount_agreed = fields.Monetary(readonly=True, copy=False, help="Owed when submitted.")
    amount_instalments = fields.Monetary(compute="_compute_amounts")
    amount_paid = fields.Monetary(compute="_compute_amounts")
    date_next_due = fields.Date(
        string="Next Instalment Due", compute="_compute_date_next_due", store=True, index=True
    )
    is_instalment_overdue = deadline_flag("Instalment Overdue")
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_approved = fields.Datetime(readonly=True, copy=False)
    date_suspended_until = fields.Date(
        string="Late Fees Suspended Until", readonly=True, copy=False
    )
    date_done = fields.Date(readonly=True, copy=False)
    note = fields.Text()

    def _open_bills(self):
        self.ensure_one()
        return _unit_open_bills(self.env, self.unit_id, self.partner_id or None)

    def _owed(self):
        """What the plan's bills still owe now (sudo: the front desk reads their residual)."""
        # sudo: the front desk reads what the plan's bills still owe (no accounting rights).
        return sum(self.sudo().invoice_ids.mapped("amount_residual"))

    @api.depends(
        "line_ids.amount", "amount_agreed", "invoice_ids.amount_residual", "unit_id", "partner_id"
    )
    def _compute_amounts(self):
        for plan in self:
            if plan.state == "draft":
                plan.amount_owed_now = (
                    sum(plan._open_bills().mapped("amount_residual")) if plan.unit_id else 0.0
                )
            else:
                plan.amount_owed_now = plan._owed()
            plan.amount_instalments = sum(plan.line_ids.mapped("amount"))
            plan.amount_paid = plan.amount_agreed - plan._owed() if plan.amount_agreed else 0.0

    @api.depends(
        "state", "line_ids.date", "line_ids.amount", "amount_agreed", "invoice_ids.amount_residual"
    )
    def _compute_date_next_due(self):
        for plan in self:
            plan.date_next_due = plan._next_unpaid_line().date if plan.state == "active" else False

    def _next_unpaid_line(self):
        """The first instalment the payments so far do not cover."""
        self.ensure_one()
        paid = self.amount_agreed - self._owed() if self.amount_agreed else 0.0
        currency = self.currency_id
        running = 0.0
        for line in self.line_ids.sorted(lambda line: (line.date, line.id)):
            running += line.amount
            if currency.compare_amounts(paid, running) < 0:
                return line
        return self.env["hanling.fee.payment.plan.line"]

    # ------------------------------------------------------------------ steps

    def _check_desk(self):
        if not self.env.user.has_group("hanling_property.group_duty_officer"):
            raise AccessError(_("Only the front desk agrees payment plans."))

    @workflow_step
    def action_submit(self):
        """The front desk submits the plan agreed with the resident for approval."""
        self._check_desk()
        self._check_state(["draft"], _("Submitting a payment plan"))
        for plan in self:
            invoices = plan._open_bills()
            if not invoices:
                raise UserError(_("The payer owes nothing on this unit: no plan to agree."))
            plan.write({"invoice_ids": [fields.Command.set(invoices.ids)]})
            if not plan.line_ids:
                raise UserError(_("Agree at least one instalment."))
            owed = plan._owed()
            if plan.currency_id.compare_amounts(sum(plan.line_ids.mapped("amount")), owed):
                raise UserError(
                    _(
                        "The instalments add up to %(instalments)s; the bills owe %(owed)s.",
                        instalments=_num(sum(plan.line_ids.mapped("amount"))),
                        owed=_num(owed),
                    )
                )
            plan.write(
                {"state": "submitted", "amount_agreed": owed, "submitted_by_id": self.env.uid}
            )
        return True

    @workflow_step
    def action_approve(self):
        """The office manager approves the plan: late fees on its bills stop while it is kept."""
        if not _is_manager(self.env):
            raise AccessError(_("Only the office manager approves a payment plan."))
        self._check_state(["submitted"], _("Approving a payment plan"))
        self.write(
            {
                "state": "active",
                "approved_by_id": self.env.uid,
                "date_approved": fields.Datetime.now(),
            }
        )
        return True

    @workflow_step
    def action_cancel(self):
        self._check_desk()
        self._check_state(["draft", "submitted"], _("Cancelling a payment plan"))
        self.write({"state": "cancel"})
        return True

    @api.model
    @workflow_step
    def _check_plans(self, day):
        """Daily: a plan paid off is done; one with an instalment missed past the grace days
        is broken (late fees run again from the day after). Idempotent."""
        # sudo: the scheduled check of every company's kept plans.
        plans = self.sudo().search([("state", "=", "active")])
        # sudo: the communities' late-fee policies (their grace days), read once for all plans.
        policies = (
            self.env["hanling.fee.late.policy"]
            .sudo()
            .search([("community_id", "in", plans.community_id.ids)])
        )
        grace_days = {policy.community_id: policy.grace_days for policy in policies}
        for plan in plans:
            if not plan._owed():
                plan.write({"state": "done", "date_done": day, "date_suspended_until": day})
                continue
            line = plan._next_unpaid_line()
            grace = grace_days.get(plan.community_id, 0)
            if line and line.date + timedelta(days=grace) < day:
                plan.write({"state": "broken", "date_suspended_until": day})
                plan.message_post(
                    body=_(
                        "Instalment of %(date)s not paid: the plan is broken, late fees run "
                        "again.",
                        date=line.date,
                    )
                )


class HanlingFeePaymentPlanLine(models.Model):
    _name = "hanling.fee.payment.plan.line"
    _description = "Payment Plan Instalment"
    _order = "plan_id, date, id"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "hanling.fee.payment.plan", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    date = fields.Date(string="Due Date", required=True)
    amount = fields.Monetary(required=True)

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "An instalment is a positive amount."),
    ]

    # The instalments are the plan's ``line_ids``: frozen with them once it is submitted (the
    # plan's ``_workflow_lock``; the agreed plan is what the manager approved).

    @api.model_create_multi
    def create(self, vals_list):
        self.env["hanling.fee.payment.plan"].browse(
            {vals["plan_id"] for vals in vals_list if vals.get("plan_id")}
        )._check_edit_lock({"line_ids": True})
        return super().create(vals_list)

    def write(self, vals):
        self._check_plan_editable()
        if vals.get("plan_id"):
            self.plan_id.browse(vals["plan_id"])._check_edit_lock({"line_ids": True})
        return super().write(vals)

    def unlink(self):
        self._check_plan_editable()
        return super().unlink()

    def _check_plan_editable(self):
        self.plan_id._check_edit_lock({"line_ids": True})
