from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.translate import LazyTranslate

from ..tools import normalize_cn_phone
from ..tools.workflow import workflow_step
from .deadline_mixin import deadline_flag

_lt = LazyTranslate(__name__)

OPEN_STATES = ("draft", "submitted", "approved", "in_progress", "completion_requested")
DEPOSIT_STATES = ("submitted", "approved", "in_progress", "completion_requested", "completed")
# From the issue of the permit on, what was approved stays as approved.
ISSUED_STATES = ("approved", "in_progress", "completion_requested", "completed", "closed")
# 篇1 (一) 2) 2: the office helps the owner follow up the repairs under the decoration warranty;
# the follow-up is due this many days after the works passed inspection.
WARRANTY_FOLLOWUP_DAYS = 30
WARRANTY_ACTIVITY = "hanling_property.mail_activity_type_warranty_followup"


class HanlingDecorationPermit(models.Model):
    _name = "hanling.decoration.permit"
    _description = "Decoration Permit"
    _inherit = [
        "hanling.workflow.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "hanling.intake.mixin",
        "hanling.document.mixin",
        "hanling.deadline.mixin",
    ]
    _order = "id desc"
    _rec_names_search = ["name", "permit_number"]
    _check_company_auto = True
    _hanling_document_set = "decoration"
    _deadlines = {
        # The works are declared finished by the end of the permit (extensions included).
        "completion": {
            "due": "date_end_effective",
            "done": "date_completion_requested",
            "flag": "is_completion_overdue",
            "open_states": ("approved", "in_progress"),
            "activity": "hanling_property.mail_activity_type_deadline",
            "user": ("approver_id", "received_by_id"),
            "summary": _lt("Decoration works past the permitted end: %(name)s"),
        },
        # 篇1 (一) 2) 2: the warranty repairs are followed up after the completion; the follow-up
        # activity scheduled at the inspection is the reminder (recreated while overdue).
        "warranty": {
            "due": "date_warranty_due",
            "done": "date_warranty_followed",
            "flag": "is_warranty_overdue",
            "open_states": ("completed", "closed"),
            "activity": WARRANTY_ACTIVITY,
            "user": ("received_by_id", "approver_id"),
            "summary": _lt("Follow up the decoration warranty repairs: %(name)s"),
        },
    }

    _workflow_fields = (
        "state",
        "date_submitted",
        "date_approved",
        "approver_id",
        "permit_number",
        "date_started",
        "date_completion_requested",
        "date_completed",
        "date_closed",
        "date_rejected",
        "deposit_account_id",
        "deposit_move_ids",
        "date_warranty_due",
        "date_warranty_followed",
        "warranty_followed_by_id",
    )
    _workflow_lock = {
        # The application as received.
        ("submitted", *ISSUED_STATES, "rejected"): (
            "unit_id",
            "partner_id",
            "date_received",
            "received_by_id",
            "channel",
            "company_id",
        ),
        # What the permit allows, and the deposit it was issued against (extensions move the
        # end date, not the planned one).
        (*ISSUED_STATES, "rejected"): (
            "contractor_id",
            "date_planned_start",
            "date_planned_end",
            "deposit_amount",
            "scope",
        ),
        ("closed", "rejected"): (
            "document_line_ids",
            "worker_ids",
            "extension_ids",
            "hot_work_ids",
            "violation_ids",
        ),
        # The reasons of a decision are written with it.
        ("draft", *ISSUED_STATES, "rejected"): ("rejection_reason",),
        ("draft", "submitted", "approved", "completed", "closed", "rejected"): ("inspection_note",),
    }
    _sequence_code = "hanling.decoration.permit"

    name = fields.Char(
        string="Application", required=True, readonly=True, copy=False, default=lambda s: _("New")
    )
    permit_number = fields.Char(
        readonly=True, copy=False, index=True, tracking=True, help="装修许可证 number."
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Permit Issued"),
            ("in_progress", "Works in Progress"),
            ("completion_requested", "Completion Requested"),
            ("completed", "Inspection Passed"),
            ("closed", "Closed"),
            ("rejected", "Rejected"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    # Intake (hanling.intake.mixin): who received the application, when, how, unit, applicant.
    unit_id = fields.Many2one(required=True)
    partner_id = fields.Many2one(string="Applicant", required=True)
    channel = fields.Selection(default="visit")
    currency_id = fields.Many2one(related="company_id.currency_id")
    contractor_id = fields.Many2one("res.partner", tracking=True)
    contractor_manager = fields.Char(string="Site Manager")
    contractor_phone = fields.Char(string="Site Manager Phone")
    scope = fields.Text(string="Scope of Works", required=True)
    date_planned_start = fields.Date(string="Planned Start", required=True, tracking=True)
    date_planned_end = fields.Date(string="Planned End", required=True, tracking=True)
    date_end_effective = fields.Date(
        string="Works Allowed Until",
        compute="_compute_date_end_effective",
        store=True,
        index=True,
        help="Planned end, pushed back by the approved extensions.",
    )
    is_completion_overdue = deadline_flag("Completion Overdue")
    date_submitted = fields.Datetime(string="Submitted On", readonly=True, copy=False)
    date_approved = fields.Datetime(string="Approved On", readonly=True, copy=False)
    approver_id = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False)
    date_started = fields.Datetime(string="Works Started", readonly=True, copy=False)
    date_completion_requested = fields.Datetime(
        string="Completion Requested On", readonly=True, copy=False
    )
    date_completed = fields.Datetime(string="Inspected On", readonly=True, copy=False)
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    date_rejected = fields.Datetime(string="Rejected On", readonly=True, copy=False)
    rejection_reason = fields.Text(tracking=True)
    date_warranty_due = fields.Date(string="Warranty Follow-up Due", readonly=True, copy=False)
    date_warranty_followed = fields.Datetime(
        string="Warranty Followed Up On", readonly=True, copy=False
    )
    warranty_followed_by_id = fields.Many2one(
        "res.users", string="Warranty Followed Up By", readonly=True, copy=False
    )
    warranty_note = fields.Text(
        string="Warranty Repairs",
        help="What the owner reported under the decoration warranty and what the contractor did.",
    )
    is_warranty_overdue = deadline_flag("Warranty Follow-up Overdue")
    inspection_note = fields.Text(string="Inspection Findings")

    document_line_ids = fields.One2many(
        "hanling.document.line", "permit_id", string="Documents", copy=False
    )
    worker_ids = fields.One2many("hanling.decoration.worker", "permit_id", string="Workers")
    extension_ids = fields.One2many(
        "hanling.decoration.extension", "permit_id", string="Extensions", copy=False
    )
    hot_work_ids = fields.One2many(
        "hanling.decoration.hot.work", "permit_id", string="Hot-work Permits", copy=False
    )
    violation_ids = fields.One2many(
        "hanling.decoration.violation", "permit_id", string="Violations", copy=False
    )
    passes_out_count = fields.Integer(
        string="Passes Not Returned", compute="_compute_passes_out_count"
    )
    violation_amount_pending = fields.Monetary(
        string="Deductions to Post",
        compute="_compute_violation_amount_pending",
        help="Deductions of recorded violations not yet posted to income.",
    )

    # Deposit: the amounts come from the journal items of the linked accounting entries.
    deposit_amount = fields.Monetary(
        string="Deposit Due",
        tracking=True,
        help="Deposit the applicant has to pay before the permit is issued.",
    )
    deposit_account_id = fields.Many2one(
        "account.account", readonly=True, copy=False, check_company=True
    )
    deposit_move_ids = fields.One2many(
        "account.move", "hanling_decoration_permit_id", string="Deposit Entries", readonly=True
    )
    deposit_received = fields.Monetary(compute="_compute_deposit", store=True)
    deposit_refunded = fields.Monetary(compute="_compute_deposit", store=True)
    deposit_deducted = fields.Monetary(compute="_compute_deposit", store=True)
    deposit_held = fields.Monetary(compute="_compute_deposit", store=True, index=True)
    deposit_date = fields.Date(
        string="Deposit Received On", compute="_compute_deposit", store=True, index=True
    )
    deposit_age = fields.Integer(string="Held For (days)", compute="_compute_deposit_age")
    deposit_entry_count = fields.Integer(compute="_compute_deposit_entry_count", compute_sudo=True)

    _sql_constraints = [
        ("deposit_positive", "CHECK(deposit_amount >= 0)", "A deposit cannot be negative."),
    ]

    @api.depends("date_planned_end", "extension_ids.state", "extension_ids.date_end_new")
    def _compute_date_end_effective(self):
        for permit in self:
            approved = permit.extension_ids.filtered(lambda e: e.state == "approved")
            dates = [permit.date_planned_end, *approved.mapped("date_end_new")]
            permit.date_end_effective = max(d for d in dates if d) if any(dates) else False

    @api.depends("worker_ids.pass_state")
    def _compute_passes_out_count(self):
        for permit in self:
            permit.passes_out_count = len(
                permit.worker_ids.filtered(lambda w: w.pass_state == "issued")
            )

    @api.depends("violation_ids.amount", "violation_ids.move_id")
    def _compute_violation_amount_pending(self):
        for permit in self:
            pending = permit.violation_ids.filtered(lambda v: not v.move_id)
            permit.violation_amount_pending = sum(pending.mapped("amount"))

    @api.depends(
        "deposit_account_id",
        "deposit_move_ids.state",
        "deposit_move_ids.line_ids.balance",
        "deposit_move_ids.line_ids.account_id",
    )
    def _compute_deposit(self):
        for permit in self:
            lines = permit.deposit_move_ids.filtered(lambda m: m.state == "posted").line_ids
            lines = lines.filtered(lambda line, p=permit: line.account_id == p.deposit_account_id)
            received = lines.filtered(lambda line: line.balance < 0)
            refunds = lines.filtered(
                lambda line: line.balance > 0 and line.move_id.origin_payment_id
            )
            deductions = lines.filtered(
                lambda line: line.balance > 0 and not line.move_id.origin_payment_id
            )
            permit.deposit_received = -sum(received.mapped("balance"))
            permit.deposit_refunded = sum(refunds.mapped("balance"))
            permit.deposit_deducted = sum(deductions.mapped("balance"))
            permit.deposit_held = (
                permit.deposit_received - permit.deposit_refunded - permit.deposit_deducted
            )
            permit.deposit_date = min(received.mapped("date")) if received else False

    @api.depends("deposit_date", "deposit_held")
    def _compute_deposit_age(self):
        today = fields.Date.context_today(self)
        for permit in self:
            held = permit.deposit_date and not permit.currency_id.is_zero(permit.deposit_held)
            permit.deposit_age = (today - permit.deposit_date).days if held else 0

    def _compute_deposit_entry_count(self):
        for permit in self:
            permit.deposit_entry_count = len(permit.deposit_move_ids)

    @api.constrains("date_planned_start", "date_planned_end")
    def _check_dates(self):
        for permit in self:
            if not permit.date_planned_start or not permit.date_planned_end:
                raise ValidationError(_("Give the planned start and end of the works."))
            if permit.date_planned_end < permit.date_planned_start:
                raise ValidationError(_("The planned end of the works is before their start."))

    @api.constrains("contractor_phone")
    def _check_contractor_phone(self):
        label = self._fields["contractor_phone"]._description_string(self.env)
        for permit in self:
            normalize_cn_phone(self.env, permit.contractor_phone, label)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("contractor_phone"):
                vals["contractor_phone"] = normalize_cn_phone(self.env, vals["contractor_phone"])
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft(self):
        if any(p.state not in ("draft", "rejected") or p.deposit_entry_count for p in self):
            raise UserError(_("Only a draft or rejected permit without deposit can be deleted."))

    # ------------------------------------------------------------------ actions

    def _check_supervisor(self):
        if not (
            self.env.user.has_group("hanling_property.group_cs_supervisor")
            or self.env.user.has_group("hanling_property.group_eng_supervisor")
        ):
            raise AccessError(_("Only a customer-service or engineering supervisor can do this."))

    @workflow_step
    def action_submit(self):
        self._check_state(("draft",), message=_("Only a draft application can be submitted."))
        self._action_submit()
        return True

    def _action_submit(self):
        self.write({"state": "submitted", "date_submitted": fields.Datetime.now()})
        for permit in self:
            supervisor = self.env["res.users"]._hanling_role_users(
                "hanling_property.group_cs_supervisor",
                permit.company_id,
                "hanling_property.group_manager",
            )[:1]
            permit.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Review the decoration application"),
                user_id=(supervisor or self.env.user).id,
            )

    @workflow_step
    def action_approve(self):
        self._check_state(
            ("submitted",), message=_("Only a submitted application can be approved.")
        )
        self._check_supervisor()
        for permit in self:
            permit.document_line_ids._check_required_received(permit.name)
            if permit.currency_id.compare_amounts(permit.deposit_held, permit.deposit_amount) < 0:
                raise UserError(
                    _(
                        "%(permit)s: the deposit of %(due)s has not been received "
                        "(received: %(held)s).",
                        permit=permit.name,
                        due=permit.deposit_amount,
                        held=permit.deposit_held,
                    )
                )
        self._action_approve()
        return True

    def _action_approve(self):
        for permit in self:
            permit.write(
                {
                    "state": "approved",
                    "date_approved": fields.Datetime.now(),
                    "approver_id": self.env.user.id,
                    "permit_number": permit.permit_number
                    or self.env["ir.sequence"]
                    .with_company(permit.company_id)
                    .next_by_code("hanling.decoration.permit.number"),
                }
            )
        permit_lines = self.document_line_ids.filtered(
            lambda line: line.code == "decoration_permit"
        )
        permit_lines.filtered(lambda line: not line.received).write({"received": True})
        self.activity_feedback(["mail.mail_activity_data_todo"])

    @workflow_step
    def action_reject(self):
        self._check_state(
            ("submitted",), message=_("Only a submitted application can be rejected.")
        )
        self._check_supervisor()
        if any(not (permit.rejection_reason or "").strip() for permit in self):
            raise UserError(_("Write the reasons of the rejection first."))
        self._action_reject()
        return True

    def _action_reject(self):
        self.write({"state": "rejected", "date_rejected": fields.Datetime.now()})
        self.activity_unlink(["mail.mail_activity_data_todo"])

    @workflow_step
    def action_draft(self):
        self._check_state(("rejected",), message=_("Only a rejected application can be reopened."))
        self.write({"state": "draft", "date_rejected": False})
        return True

    @workflow_step
    def action_start(self):
        self._check_state(
            ("approved",), message=_("The works can only start once the permit is issued.")
        )
        self.write({"state": "in_progress", "date_started": fields.Datetime.now()})
        return True

    @workflow_step
    def action_request_completion(self):
        self._check_state(
            ("in_progress",), message=_("Only works in progress can be declared finished.")
        )
        self._action_request_completion()
        return True

    def _action_request_completion(self):
        self.write(
            {"state": "completion_requested", "date_completion_requested": fields.Datetime.now()}
        )
        for permit in self:
            inspector = self.env["res.users"]._hanling_role_users(
                "hanling_property.group_eng_supervisor",
                permit.company_id,
                "hanling_property.group_manager",
            )[:1]
            permit.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Inspect the finished decoration works"),
                user_id=(inspector or self.env.user).id,
            )

    @workflow_step
    def action_complete(self):
        self._check_state(
            ("completion_requested",), message=_("Only works declared finished can be inspected.")
        )
        self._check_supervisor()
        self._action_complete()
        return True

    def _action_complete(self):
        today = fields.Date.context_today(self)
        due = today + timedelta(days=WARRANTY_FOLLOWUP_DAYS)
        self.write(
            {
                "state": "completed",
                "date_completed": fields.Datetime.now(),
                "date_warranty_due": due,
            }
        )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        for permit in self:
            permit.activity_schedule(
                WARRANTY_ACTIVITY,
                date_deadline=due,
                summary=_("Follow up the decoration warranty repairs: %(name)s", name=permit.name),
                user_id=(permit.received_by_id or permit.approver_id or self.env.user).id,
            )

    @workflow_step
    def action_warranty_followed(self):
        """篇1 (一) 2) 2: the warranty repairs were followed up with the owner; say what came of it."""
        self._check_state(
            ("completed", "closed"),
            message=_("The warranty repairs are followed up once the works passed inspection."),
        )
        for permit in self:
            if permit.date_warranty_followed:
                raise UserError(
                    _("%(permit)s: the warranty follow-up is already recorded.", permit=permit.name)
                )
            if not (permit.warranty_note or "").strip():
                raise UserError(
                    _("Write what the owner reported under the warranty and what was done.")
                )
        self.write(
            {
                "date_warranty_followed": fields.Datetime.now(),
                "warranty_followed_by_id": self.env.user.id,
            }
        )
        self.activity_feedback([WARRANTY_ACTIVITY])
        return True

    @workflow_step
    def action_inspection_failed(self):
        self._check_state(
            ("completion_requested",), message=_("Only works declared finished can be inspected.")
        )
        self._check_supervisor()
        if any(not (permit.inspection_note or "").strip() for permit in self):
            raise UserError(_("Write the inspection findings the contractor must correct."))
        self.write({"state": "in_progress", "date_completion_requested": False})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    @workflow_step
    def action_close(self):
        self._check_state(
            ("completed",), message=_("Only a permit whose works passed inspection can be closed.")
        )
        self._check_can_close()
        for permit in self:
            if not permit.currency_id.is_zero(permit.deposit_held):
                raise UserError(
                    _("%(permit)s: settle the deposit before closing.", permit=permit.name)
                )
        self._action_close()
        return True

    def _check_can_close(self):
        for permit in self:
            if permit.passes_out_count:
                raise UserError(
                    _(
                        "%(permit)s: %(count)s temporary worker passes have not been returned.",
                        permit=permit.name,
                        count=permit.passes_out_count,
                    )
                )
            if permit.hot_work_ids.filtered(lambda h: h.state == "requested"):
                raise UserError(
                    _(
                        "%(permit)s: a hot-work request is still waiting for a decision.",
                        permit=permit.name,
                    )
                )

    @workflow_step
    def _action_close(self):
        """Also the end of the deposit settlement (wizard)."""
        self.write({"state": "closed", "date_closed": fields.Datetime.now()})
        self._hanling_documents_collected()

    def action_register_deposit(self):
        self.ensure_one()
        self._check_state(
            DEPOSIT_STATES[:-1] + ("draft",), message=_("This permit no longer takes deposits.")
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Register Deposit"),
            "res_model": "hanling.decoration.deposit.register",
            "view_mode": "form",
            "target": "new",
            "context": {"default_permit_id": self.id},
        }

    def action_settle_deposit(self):
        self.ensure_one()
        self._check_state(
            ("completed",), message=_("The deposit is settled once the works passed inspection.")
        )
        self._check_supervisor()
        self._check_can_close()
        return {
            "type": "ir.actions.act_window",
            "name": _("Settle Deposit"),
            "res_model": "hanling.decoration.deposit.settle",
            "view_mode": "form",
            "target": "new",
            "context": {"default_permit_id": self.id},
        }

    def action_view_deposit_entries(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Deposit Entries"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("hanling_decoration_permit_id", "=", self.id)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------ deposit accounting

    def _deposit_account(self):
        self.ensure_one()
        if self.deposit_account_id:
            return self.deposit_account_id
        account = self.env["hanling.money.service"]._deposit_accounting(self.company_id)[0]
        self.deposit_account_id = account
        return account

    @workflow_step
    def _register_deposit(self, amount, journal=None, date=None):
        """Receive the deposit as an inbound payment held on the deposit liability account."""
        self.ensure_one()
        money = self.env["hanling.money.service"]
        journal = journal or money._payment_journal(self.company_id)
        if self.state not in ("draft",) + DEPOSIT_STATES[:-1]:
            raise UserError(_("This permit no longer takes deposits."))
        if self.currency_id.compare_amounts(amount, 0) <= 0:
            raise UserError(_("The deposit received must be a positive amount."))
        account = self._deposit_account()
        payment = money._make_payments(
            [self._prepare_deposit_payment_values("inbound", amount, journal, date, account)],
            entry_values={"hanling_decoration_permit_id": self.id},
        )
        self.message_post(
            body=_(
                "Deposit of %(amount)s received (%(payment)s).",
                amount=amount,
                payment=money._references(payment),
            )
        )
        return payment

    @workflow_step
    def _post_deductions(self, date=None):
        """Move the pending violation deductions from the deposit to income (one entry)."""
        self.ensure_one()
        violations = self.violation_ids.filtered(lambda v: not v.move_id and v.amount)
        total = sum(violations.mapped("amount"))
        if not violations:
            return self.env["account.move"]
        self._check_deductions_covered()
        money = self.env["hanling.money.service"]
        account, income, journal = money._deposit_accounting(self.company_id)
        label = _("Decoration deposit deduction %(permit)s", permit=self.permit_number or self.name)
        move_vals = {
            "hanling_community_id": self.community_id.id,
            "journal_id": journal.id,
            "date": date or fields.Date.context_today(self),
            "ref": label,
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "hanling_decoration_permit_id": self.id,
            "line_ids": [
                fields.Command.create(
                    {
                        "name": label,
                        "account_id": self.deposit_account_id.id or account.id,
                        "partner_id": self.partner_id.id,
                        "debit": total,
                    }
                ),
                *[
                    fields.Command.create(
                        {
                            "name": violation.description,
                            "account_id": income.id,
                            "partner_id": self.partner_id.id,
                            "credit": violation.amount,
                        }
                    )
                    for violation in violations
                ],
            ],
        }
        # Front-office supervisors settle deposits without accounting rights: the entry is
        # fully determined by the permit and the company's configured accounts.
        move = money._post_entries([move_vals])
        violations.move_id = move.id
        return move

    def _check_deductions_covered(self):
        for permit in self:
            total = permit.violation_amount_pending
            if permit.currency_id.compare_amounts(total, permit.deposit_held) > 0:
                raise UserError(
                    _(
                        "%(permit)s: the deductions (%(total)s) exceed the deposit held "
                        "(%(held)s); invoice the difference to the owner instead.",
                        permit=permit.name,
                        total=total,
                        held=permit.deposit_held,
                    )
                )

    @workflow_step
    def _refund_deposit(self, amount, journal, date=None):
        """Return (part of) the deposit held by an outbound payment."""
        self.ensure_one()
        if self.currency_id.compare_amounts(amount, 0) <= 0:
            raise UserError(_("The refund must be a positive amount."))
        if self.currency_id.compare_amounts(amount, self.deposit_held) > 0:
            raise UserError(
                _(
                    "%(permit)s: the refund (%(amount)s) is larger than the deposit held "
                    "(%(held)s).",
                    permit=self.name,
                    amount=amount,
                    held=self.deposit_held,
                )
            )
        money = self.env["hanling.money.service"]
        payment = money._make_payments(
            [
                self._prepare_deposit_payment_values(
                    "outbound", amount, journal, date, self._deposit_account()
                )
            ],
            entry_values={"hanling_decoration_permit_id": self.id},
        )
        self.message_post(
            body=_(
                "Deposit of %(amount)s refunded (%(payment)s).",
                amount=amount,
                payment=money._references(payment),
            )
        )
        return payment

    def _prepare_deposit_payment_values(self, payment_type, amount, journal, date, account):
        """Hook: the deposit received or returned, held on the deposit liability account."""
        self.ensure_one()
        memo = _(
            "Decoration deposit %(permit)s %(unit)s",
            permit=self.permit_number or self.name,
            unit=self.unit_id.display_name,
        )
        return {
            "payment_type": payment_type,
            "partner_type": "customer",
            "partner_id": self.partner_id.id,
            "amount": amount,
            "journal_id": journal.id,
            "date": date or fields.Date.context_today(self),
            "memo": memo,
            "company_id": self.company_id.id,
            "destination_account_id": account.id,
            "hanling_decoration_permit_id": self.id,
        }
