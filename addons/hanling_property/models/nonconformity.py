from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.translate import LazyTranslate

from ..tools.workflow import workflow_step
from .deadline_mixin import deadline_flag

_lt = LazyTranslate(__name__)

MANAGER = "hanling_property.group_manager"
COMPANY_REP = "hanling_property.group_company_rep"


class HanlingNonconformity(models.Model):
    """不合格品/服务记录处理单: what went wrong, why, the corrective action and its approval (篇3 4.2)."""

    _name = "hanling.nonconformity"
    _description = "Nonconformity Report"
    _inherit = [
        "hanling.workflow.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "hanling.deadline.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    _deadlines = {
        # 篇3 4.2: the approved corrective action is carried out by its deadline, then closed.
        "corrective_action": {
            "due": "date_deadline",
            "done": "date_done",
            "flag": "is_overdue",
            "open_states": ("approved",),
            "activity": "hanling_property.mail_activity_type_deadline",
            "user": ("responsible_id", "manager_id"),
            "summary": _lt("Corrective action past its deadline: %(name)s"),
        },
    }

    _workflow_fields = (
        "state",
        "date_submitted",
        "date_approved",
        "approved_by_id",
        "approved_level",
        "date_done",
        "compensation_move_ids",
        "compensation_payment_ids",
    )
    _workflow_lock = {
        # The approval is given on these: fixed from the submission (send back to draft to
        # change them, and the report is approved again).
        ("submitted", "approved", "done", "cancel"): (
            "complaint_id",
            "description",
            "cause",
            "corrective_action",
            "loss_amount",
            "compensation_method",
            "compensation_amount",
        ),
        ("done", "cancel"): ("responsible_id", "date_deadline", "manager_id", "result"),
    }
    _sequence_code = "hanling.nonconformity"

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    complaint_id = fields.Many2one(
        "hanling.complaint",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        related="complaint_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(related="complaint_id.partner_id", string="Resident", store=True)
    unit_id = fields.Many2one(related="complaint_id.unit_id", store=True)
    community_id = fields.Many2one(related="complaint_id.community_id", store=True, index=True)
    escalation_level = fields.Selection(related="complaint_id.escalation_level")
    description = fields.Text(string="Nonconformity", required=True, tracking=True)
    cause = fields.Text(tracking=True)
    corrective_action = fields.Text(string="Corrective Action", tracking=True)
    responsible_id = fields.Many2one("res.users", string="Responsible", tracking=True, index=True)
    date_deadline = fields.Date(string="Deadline", tracking=True)
    is_overdue = deadline_flag("Overdue")
    result = fields.Text(string="Result of the Corrective Action", tracking=True)
    loss_amount = fields.Monetary(
        string="Resident's Loss",
        tracking=True,
        help="The resident's economic loss as assessed; at or above the company threshold the "
        "company management representative approves (篇3 4.2.5). Not an accounting amount.",
    )
    approval_level = fields.Selection(
        [("manager", "Office Manager"), ("company", "Company Management Representative")],
        compute="_compute_approval_level",
        store=True,
        index=True,
        string="Approved By Level",
    )
    compensation_method = fields.Selection(
        [
            ("none", "No Compensation"),
            ("credit_note", "Credit Note"),
            ("payment", "Payment to the Resident"),
        ],
        default="none",
        required=True,
        tracking=True,
    )
    compensation_amount = fields.Monetary(string="Approved Compensation", tracking=True)
    compensation_move_ids = fields.Many2many(
        "account.move",
        "hanling_nonconformity_account_move_rel",
        "nonconformity_id",
        "move_id",
        string="Credit Notes",
        readonly=True,
        copy=False,
    )
    compensation_payment_ids = fields.Many2many(
        "account.payment",
        "hanling_nonconformity_account_payment_rel",
        "nonconformity_id",
        "payment_id",
        string="Payments",
        readonly=True,
        copy=False,
    )
    compensation_paid = fields.Monetary(string="Compensation Paid", compute="_compute_compensation")
    compensation_due = fields.Monetary(
        string="Compensation Still Due", compute="_compute_compensation"
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Awaiting Approval"),
            ("approved", "Approved"),
            ("done", "Closed"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    date_submitted = fields.Datetime(string="Submitted On", readonly=True, copy=False)
    date_approved = fields.Datetime(string="Approved On", readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False)
    approved_level = fields.Selection(
        [("manager", "Office Manager"), ("company", "Company Management Representative")],
        string="Approved at Level",
        readonly=True,
        copy=False,
    )
    date_done = fields.Datetime(string="Closed On", readonly=True, copy=False, index=True)
    manager_id = fields.Many2one(
        "res.users",
        string="Office Manager",
        tracking=True,
        help="Holds the meeting and writes the corrective/preventive action report once this is closed.",
    )
    prevention_report_ids = fields.One2many(
        "hanling.prevention.report", "nonconformity_id", string="Corrective/Preventive Reports"
    )
    prevention_state = fields.Selection(
        [("none", "Not Yet Due"), ("due", "Report Due"), ("done", "Report Written")],
        compute="_compute_prevention_state",
        store=True,
        index=True,
        string="Prevention Report",
    )

    @api.depends(
        "complaint_id.escalation_level",
        "loss_amount",
        "compensation_amount",
        "company_id.hanling_complaint_loss_threshold",
    )
    def _compute_approval_level(self):
        for report in self:
            threshold = report.company_id.hanling_complaint_loss_threshold
            # A compensation at the threshold goes to the company too, whatever loss is
            # written beside it. "500元以上" includes 500 itself (篇3 4.2.5).
            amount = max(report.loss_amount, report.compensation_amount)
            currency = report.currency_id or report.env.company.currency_id
            reaches = currency.compare_amounts(amount, 0.0) > 0 and (
                currency.compare_amounts(amount, threshold) >= 0
            )
            report.approval_level = (
                "company"
                if report.complaint_id.escalation_level == "company" or reaches
                else "manager"
            )

    @api.depends(
        "compensation_amount",
        "compensation_move_ids.state",
        "compensation_move_ids.amount_total",
        "compensation_payment_ids.state",
        "compensation_payment_ids.amount",
    )
    def _compute_compensation(self):
        for report in self:
            # sudo: office staff see what accounting holds without being accounting users themselves.
            moves = report.compensation_move_ids.sudo().filtered(lambda m: m.state == "posted")
            payments = report.compensation_payment_ids.sudo().filtered(
                lambda p: p.state not in ("draft", "canceled", "rejected")
            )
            paid = sum(moves.mapped("amount_total")) + sum(payments.mapped("amount"))
            report.compensation_paid = paid
            report.compensation_due = max(report.compensation_amount - paid, 0.0)

    @api.depends("state", "prevention_report_ids")
    def _compute_prevention_state(self):
        for report in self:
            if report.prevention_report_ids:
                report.prevention_state = "done"
            elif report.state == "done" and report.approved_level:
                report.prevention_state = "due"
            else:
                report.prevention_state = "none"

    @api.constrains("complaint_id")
    def _check_complaint_open(self):
        for report in self:
            if report.complaint_id.state in ("closed", "cancel"):
                raise ValidationError(
                    _("A nonconformity report is written for a complaint still being dealt with.")
                )

    @api.constrains("loss_amount", "compensation_amount")
    def _check_amounts(self):
        for report in self:
            if report.loss_amount < 0 or report.compensation_amount < 0:
                raise ValidationError(_("Loss and compensation cannot be negative."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft(self):
        if self.filtered(lambda r: r.state not in ("draft", "cancel")):
            raise UserError(_("Only a draft or cancelled nonconformity report can be deleted."))

    # ------------------------------------------------------------------ actions

    @workflow_step
    def action_submit(self):
        self._check_state(["draft"], _("Submitting for approval"))
        for report in self:
            missing = [
                report._fields[f]._description_string(self.env)
                for f in (
                    "description",
                    "cause",
                    "corrective_action",
                    "responsible_id",
                    "date_deadline",
                )
                if not report[f]
            ]
            if missing:
                raise UserError(
                    _(
                        "Fill in before submitting %(name)s: %(fields)s.",
                        name=report.name,
                        fields=", ".join(missing),
                    )
                )
            if report.compensation_method != "none" and report.compensation_amount <= 0:
                raise UserError(_("State the compensation to approve, or choose no compensation."))
        self._action_submit()
        return True

    def _action_submit(self):
        self.write({"state": "submitted", "date_submitted": fields.Datetime.now()})
        for report in self:
            approvers = report._get_approvers()
            report.message_subscribe(partner_ids=approvers.partner_id.ids)
            for user in approvers:
                report.activity_schedule(
                    "hanling_property.mail_activity_type_nonconformity_approval",
                    summary=_("Approve nonconformity report %(name)s", name=report.name),
                    user_id=user.id,
                )

    @workflow_step
    def action_approve(self):
        self._check_state(["submitted"], _("Approving"))
        for report in self:
            report._check_approver()
        self._action_approve()
        return True

    def _action_approve(self):
        now = fields.Datetime.now()
        for report in self:
            values = {
                "state": "approved",
                "date_approved": now,
                "approved_by_id": self.env.uid,
                "approved_level": report.approval_level,
            }
            if not report.manager_id and report.approval_level == "manager":
                values["manager_id"] = self.env.uid
            elif not report.manager_id:
                # The office manager proper writes the prevention report, not the company.
                managers = self.env["res.users"]._hanling_role_users(
                    MANAGER, report.company_id, COMPANY_REP
                )
                values["manager_id"] = managers[:1].id or self.env.uid
            report.write(values)
        self.activity_feedback(["hanling_property.mail_activity_type_nonconformity_approval"])
        for report in self:
            # 篇3 4.3: the responsible carries out the corrective action in the time set; the
            # deadline mechanism chases it once past (is_overdue, on the dashboard).
            report.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=report.date_deadline,
                summary=_(
                    "Carry out the corrective action of %(name)s by %(deadline)s",
                    name=report.name,
                    deadline=report.date_deadline,
                ),
                note=report.corrective_action,
                user_id=(report.responsible_id or report.manager_id).id or self.env.uid,
            )

    @workflow_step
    def action_draft(self):
        """Send back for changes (refused by the approver, or to correct the amounts)."""
        self._check_state(["submitted", "cancel"], _("Sending back to draft"))
        self.activity_unlink(["hanling_property.mail_activity_type_nonconformity_approval"])
        # A report cancelled after its approval comes back without it: it is approved again.
        self.write(
            {
                "state": "draft",
                "date_submitted": False,
                "date_approved": False,
                "approved_by_id": False,
                "approved_level": False,
            }
        )
        return True

    @workflow_step
    def action_compensate(self):
        """Pay the approved compensation through accounting: a credit note or an outbound payment."""
        self.ensure_one()
        # The row lock: two clicks at once pay once.
        self._check_state(
            ["approved"],
            message=_(
                "A compensation can only be paid after the nonconformity report is approved."
            ),
        )
        if self.approval_level == "company" and self.approved_level != "company":
            raise UserError(
                _("This compensation now needs the company management representative's approval.")
            )
        if not self.env.user.has_group("hanling_property.group_manager"):
            raise AccessError(_("Only the office manager records an approved compensation."))
        if self.compensation_method == "none":
            raise UserError(_("No compensation was approved on this report."))
        if not self.partner_id:
            raise UserError(_("The complaint has no resident to compensate."))
        if self.compensation_due <= 0:
            raise UserError(_("The approved compensation is already paid in full."))
        if self.compensation_method == "credit_note":
            document = self._create_compensation_credit_note(self.compensation_due)
        else:
            document = self._create_compensation_payment(self.compensation_due)
        self.message_post(
            body=_(
                "Compensation recorded in accounting: %(document)s.",
                document=self.env["hanling.money.service"]._references(document),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    @workflow_step
    def action_done(self):
        self._check_state(["approved"], _("Closing"))
        if self.filtered(lambda r: not (r.result or "").strip()):
            raise UserError(
                _("Record the result of the corrective action before closing the report.")
            )
        if self.filtered(lambda r: r.compensation_method != "none" and r.compensation_due > 0):
            raise UserError(_("Pay the approved compensation before closing the report."))
        self._action_done()
        return True

    def _action_done(self):
        self.write({"state": "done", "date_done": fields.Datetime.now()})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        self._schedule_prevention_reminder()

    @workflow_step
    def action_cancel(self):
        self._check_state(["draft", "submitted", "approved"], _("Cancelling"))
        if self.filtered(lambda r: r.compensation_paid):
            raise UserError(
                _("A report with compensation recorded in accounting cannot be cancelled.")
            )
        self._action_cancel()
        return True

    @workflow_step
    def _action_cancel(self):
        """Also called by the complaint when it is cancelled with its draft reports."""
        self.activity_unlink(["hanling_property.mail_activity_type_nonconformity_approval"])
        self.write({"state": "cancel"})

    def action_create_prevention_report(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "hanling.prevention.report",
            "view_mode": "form",
            "context": {
                "default_nonconformity_id": self.id,
                "default_owner_id": self.manager_id.id,
            },
        }

    def action_view_compensation(self):
        self.ensure_one()
        if self.compensation_payment_ids:
            return {
                "type": "ir.actions.act_window",
                "res_model": "account.payment",
                "domain": [("id", "in", self.compensation_payment_ids.ids)],
                "view_mode": "list,form",
                "name": _("Compensation"),
            }
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "domain": [("id", "in", self.compensation_move_ids.ids)],
            "view_mode": "list,form",
            "name": _("Compensation"),
        }

    # ------------------------------------------------------------------ business

    def _get_approvers(self):
        self.ensure_one()
        users_of = self.env["res.users"]._hanling_role_users
        reps = users_of(COMPANY_REP, self.company_id)
        if self.approval_level == "company":
            return reps
        # The office managers proper: the company representatives hold the role too.
        managers = users_of(MANAGER, self.company_id)
        return (managers - reps) or managers

    def _check_approver(self):
        """Office manager (篇3 4.2.2); company representative beyond the office or the threshold (4.2.4, 4.2.5)."""
        self.ensure_one()
        if self.approval_level == "company":
            if not self.env.user.has_group(COMPANY_REP):
                raise AccessError(
                    _(
                        "%(name)s must be approved by the company management representative: the complaint "
                        "went to the company or the loss reaches %(threshold)s.",
                        name=self.name,
                        threshold=self.company_id.hanling_complaint_loss_threshold,
                    )
                )
        elif not self.env.user.has_group(MANAGER):
            raise AccessError(_("%(name)s must be approved by the office manager.", name=self.name))

    def _prepare_compensation_refund_values(self, amount):
        self.ensure_one()
        product = self.env.ref("hanling_property.product_complaint_compensation")
        line = {
            "product_id": product.id,
            "name": _("Compensation: %(name)s", name=self.complaint_id.name),
            "quantity": 1.0,
            "price_unit": amount,
            "tax_ids": [Command.clear()],
        }
        return self.env["hanling.money.service"]._invoice_values(
            self.company_id,
            self.partner_id,
            [line],
            community=self.complaint_id.community_id,
            move_type="out_refund",
            invoice_origin=self.name,
            ref=_("Compensation for complaint %(name)s", name=self.complaint_id.name),
        )

    def _create_compensation_credit_note(self, amount):
        self.ensure_one()
        # Office managers record the approved compensation without being invoicing users; the
        # approval checked by the action is the control.
        move = self.env["hanling.money.service"]._create_invoices(
            [self._prepare_compensation_refund_values(amount)]
        )
        self.compensation_move_ids = [Command.link(move.id)]
        return move

    def _prepare_compensation_payment_values(self, amount):
        self.ensure_one()
        journal = self.env["hanling.money.service"]._payment_journal(self.company_id)
        return {
            "payment_type": "outbound",
            "partner_type": "customer",
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "journal_id": journal.id,
            "amount": amount,
            "currency_id": self.currency_id.id,
            "memo": _("Compensation for complaint %(name)s", name=self.complaint_id.name),
        }

    def _create_compensation_payment(self, amount):
        self.ensure_one()
        # Same as the credit note: the approved compensation, recorded by the office.
        payment = self.env["hanling.money.service"]._make_payments(
            [self._prepare_compensation_payment_values(amount)]
        )
        self.compensation_payment_ids = [Command.link(payment.id)]
        return payment

    def _schedule_prevention_reminder(self):
        """One reminder per report due, for its office manager (篇3 4.5); idempotent."""
        due = self.filtered(lambda r: r.prevention_state == "due")
        if not due:
            return due
        activity_type = self.env.ref("hanling_property.mail_activity_type_prevention_report")
        existing = self.env["mail.activity"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", due.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        has_reminder = set(existing.mapped("res_id"))
        for report in due.filtered(lambda r: r.id not in has_reminder):
            report.activity_schedule(
                "hanling_property.mail_activity_type_prevention_report",
                summary=_(
                    "Write the corrective/preventive action report for %(name)s", name=report.name
                ),
                user_id=(report.manager_id or report.approved_by_id).id or self.env.uid,
            )
        return due

    @api.model
    def _cron_remind_prevention_report(self):
        return self.search([("prevention_state", "=", "due")])._schedule_prevention_reminder()
