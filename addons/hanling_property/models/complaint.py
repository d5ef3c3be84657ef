from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.translate import LazyTranslate

from ..tools.workflow import workflow_step
from .deadline_mixin import deadline_flag

_lt = LazyTranslate(__name__)

COMPLAINT_CATEGORIES = [
    ("attitude", "Staff Attitude"),
    ("service", "Service Quality"),
    ("repair", "Repairs and Maintenance"),
    ("security", "Security and Order"),
    ("cleaning", "Cleaning and Greening"),
    ("parking", "Parking and Traffic"),
    ("neighbour", "Neighbours and Noise"),
    ("fees", "Fees and Charges"),
    ("facility", "Facilities and Building Defects"),
    ("other", "Other"),
]

# The four ways a complaint is handled (篇3 4.3.1-4.3.4).
RESOLUTION_KINDS = [
    ("service", "Service Fell Short: Apologise and Serve Again"),
    ("loss", "Staff Caused a Loss: Compensate or Repair"),
    ("other_resident", "Another Resident Caused It: Solve Our Part, Then Mediate"),
    ("developer", "Developer's Legacy Defect: Coordinate with Developer / Owners' Committee"),
]

ESCALATION_LEVELS = [
    ("department", "Department"),
    ("manager", "Office Manager"),
    ("company", "Company"),
]

SATISFIED = ("4", "5")

MANAGER = "hanling_property.group_manager"
COMPANY_REP = "hanling_property.group_company_rep"
# The office's front desk and the departments behind it: they move a complaint on. Other staff
# (technicians) record what they receive and follow it (首问责任制, 篇3 4.1.3).
HANDLER = "hanling_property.group_duty_officer"
CS_SUPERVISOR = "hanling_property.group_cs_supervisor"


class HanlingComplaint(models.Model):
    """业户投诉记录表: a resident's complaint about the office's service (篇3)."""

    _name = "hanling.complaint"
    _description = "Resident Complaint"
    _inherit = [
        "hanling.workflow.mixin",
        "hanling.request.mixin",
        "hanling.callback.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "hanling.deadline.mixin",
    ]
    _order = "date_received desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "partner_id", "content"]
    _deadlines = {
        # The handling deadline: the responsible department resolves the complaint by then.
        "handling": {
            "due": "date_deadline",
            "done": "date_resolved",
            "flag": "is_overdue",
            "open_states": ("received", "assessing", "handling"),
            "activity": "hanling_property.mail_activity_type_deadline",
            "user": ("department_head_id", "first_responder_id"),
            "summary": _lt("Complaint past its deadline: %(name)s"),
        },
        # 篇3 4.4: the callback visit; reminded on the callback visit itself.
        "callback": {
            "due": "callback_date_due",
            "flag": "is_callback_overdue",
            "state_field": "callback_state",
            "open_states": ("planned",),
        },
    }

    _workflow_fields = (
        "state",
        "date_assessed",
        "date_handling",
        "date_resolved",
        "date_closed",
        "date_cancelled",
        "escalation_level",
        "date_escalated_manager",
        "date_escalated_company",
        "is_deferred",
        "deferral_consent_by_id",
        "deferral_consent_date",
        "date_result_reported",
        "result_reported_by_id",
        "handover_id",
    )
    _workflow_lock = {
        # The intake is what the resident said and who took it: fixed once assessed.
        ("assessing", "handling", "resolved", "closed", "cancel"): (
            "date_received",
            "channel",
            "received_by_id",
            "superior_id",
            "superior_instruction",
            "is_urgent",
            "deferral_consent",
            "company_id",
            "letter_file",
            "letter_filename",
        ),
        ("handling", "resolved", "closed", "cancel"): (
            "unit_id",
            "partner_id",
            "contact_phone",
            "community_id",
            "content",
        ),
        ("resolved", "closed", "cancel"): (
            "department_id",
            "date_deadline",
            "escalation_note",
            "resolution_kind",
            "loss_remedy",
            "other_partner_id",
            "developer_contact",
            "resolution",
            "mediation_note",
            "coordination_note",
        ),
        ("closed", "cancel"): ("category", "cancel_reason"),
    }
    _sequence_code = "hanling.complaint"

    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    content = fields.Text(string="Complaint", required=True, tracking=True)
    category = fields.Selection(
        COMPLAINT_CATEGORIES, required=True, default="service", index=True, tracking=True
    )
    department_id = fields.Many2one(
        "hanling.complaint.department",
        string="Responsible Department",
        index=True,
        tracking=True,
        check_company=True,
    )
    department_head_id = fields.Many2one(related="department_id.head_id", string="Department Head")
    date_deadline = fields.Datetime(string="Deadline", index=True, tracking=True)
    is_overdue = deadline_flag("Overdue")
    is_callback_overdue = deadline_flag("Callback Overdue")
    # 篇3 4.1.4: a complaint forwarded by a superior keeps the superior's instruction.
    superior_id = fields.Many2one("res.users", string="Superior", tracking=True)
    superior_instruction = fields.Text(string="Superior's Instruction")
    # 篇3 3.3 / 3.4: who takes complaints depends on the shift.
    shift = fields.Selection(
        [
            ("day", "Day Shift (Customer-Service Centre)"),
            ("night", "Night (Fire-Control Monitoring Centre)"),
        ],
        compute="_compute_shift",
        store=True,
        index=True,
    )
    is_urgent = fields.Boolean(string="Urgent", tracking=True)
    # 篇3 4.1.2: the letter of a complaint by letter is kept by the department.
    letter_file = fields.Binary(string="Letter", attachment=True, copy=False)
    letter_filename = fields.Char(string="Letter File Name", copy=False)
    # 篇3 4.4: the responsible department reports the result to the office manager.
    date_result_reported = fields.Datetime(
        string="Result Reported to the Manager", readonly=True, copy=False
    )
    result_reported_by_id = fields.Many2one(
        "res.users", string="Result Reported By", readonly=True, copy=False
    )
    # 篇3 4.1.5: a night complaint goes to the customer-service centre the next morning.
    handover_id = fields.Many2one(
        "hanling.complaint.handover",
        string="Morning Hand-over",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )
    # 篇3 4.1.5: a non-urgent night complaint waits for the day shift only if the resident agrees.
    deferral_consent = fields.Boolean(
        string="Resident Agrees to Wait for the Day Shift",
        tracking=True,
        copy=False,
    )
    is_deferred = fields.Boolean(
        string="Deferred to Day Shift", readonly=True, copy=False, tracking=True
    )
    deferral_consent_by_id = fields.Many2one(
        "res.users",
        string="Consent Recorded By",
        readonly=True,
        copy=False,
    )
    deferral_consent_date = fields.Datetime(string="Consent Recorded On", readonly=True, copy=False)
    # 首问责任制: the first responder follows the complaint until it is closed. It is the one who
    # received it (corrected only while the complaint is just received).
    first_responder_id = fields.Many2one(
        "res.users",
        string="First Responder",
        compute="_compute_first_responder_id",
        store=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    state = fields.Selection(
        [
            ("received", "Received"),
            ("assessing", "Assessing"),
            ("handling", "Handling"),
            ("resolved", "Resolved"),
            ("closed", "Closed"),
            ("cancel", "Cancelled"),
        ],
        default="received",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    date_assessed = fields.Datetime(string="First Response", readonly=True, copy=False, index=True)
    date_handling = fields.Datetime(string="Handling Started", readonly=True, copy=False)
    date_resolved = fields.Datetime(string="Resolved On", readonly=True, copy=False, index=True)
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False, index=True)
    date_cancelled = fields.Datetime(string="Cancelled On", readonly=True, copy=False)
    cancel_reason = fields.Text(string="Cancellation Reason", copy=False, tracking=True)
    escalation_level = fields.Selection(
        ESCALATION_LEVELS,
        default="department",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    escalation_note = fields.Text(
        string="Reason to Escalate",
        help="Why the complaint goes to the next level: the department cannot solve it alone, "
        "several departments are involved, or it is beyond the office.",
    )
    date_escalated_manager = fields.Datetime(
        string="Escalated to Office Manager", readonly=True, copy=False
    )
    date_escalated_company = fields.Datetime(
        string="Escalated to Company", readonly=True, copy=False
    )
    resolution_kind = fields.Selection(RESOLUTION_KINDS, index=True, tracking=True)
    resolution = fields.Text(string="How It Was Resolved", tracking=True)
    loss_remedy = fields.Selection(
        [("compensate", "Compensate the Loss"), ("repair", "Repair the Damage")],
        string="Remedy",
        tracking=True,
    )
    other_partner_id = fields.Many2one("res.partner", string="Other Resident", tracking=True)
    mediation_note = fields.Text(string="Mediation with the Other Resident")
    developer_contact = fields.Char(
        string="Developer / Owners' Committee Contact",
        help="Who at the developer or the owners' committee was contacted.",
    )
    coordination_note = fields.Text(string="Coordination with the Developer")
    nonconformity_ids = fields.One2many(
        "hanling.nonconformity",
        "complaint_id",
        string="Nonconformity Reports",
        groups="hanling_property.group_cs_staff,hanling_property.group_eng_supervisor",
    )
    nonconformity_count = fields.Integer(
        compute="_compute_nonconformity_count",
        groups="hanling_property.group_cs_staff,hanling_property.group_eng_supervisor",
    )
    hours_to_first_response = fields.Float(
        string="Hours to First Response",
        compute="_compute_durations",
        store=True,
        aggregator="avg",
        help="From receipt to the responsible department's first assessment.",
    )
    hours_to_close = fields.Float(
        string="Hours to Close",
        compute="_compute_durations",
        store=True,
        aggregator="avg",
        help="From receipt to closing after the callback.",
    )
    is_satisfied = fields.Boolean(
        string="Closed with Satisfied Callback",
        compute="_compute_is_satisfied",
        store=True,
        index=True,
    )
    satisfied_share = fields.Float(
        string="Satisfied Share (%)",
        compute="_compute_is_satisfied",
        store=True,
        aggregator="avg",
        help="100 for a complaint closed with a satisfied callback, 0 otherwise: averaged over closed "
        "complaints it gives the share closed to the resident's satisfaction.",
    )

    @api.depends(
        "date_received", "company_id.hanling_day_shift_start", "company_id.hanling_day_shift_end"
    )
    def _compute_shift(self):
        for complaint in self:
            complaint.shift = (
                complaint.company_id._hanling_shift_at(complaint.date_received)
                if complaint.date_received and complaint.company_id
                else False
            )

    @api.depends("received_by_id")
    def _compute_first_responder_id(self):
        for complaint in self:
            complaint.first_responder_id = complaint.received_by_id or self.env.user

    @api.depends("nonconformity_ids")
    def _compute_nonconformity_count(self):
        for complaint in self:
            complaint.nonconformity_count = len(complaint.nonconformity_ids)

    @api.depends("date_received", "date_assessed", "date_closed")
    def _compute_durations(self):
        for complaint in self:
            start = complaint.date_received
            complaint.hours_to_first_response = (
                (complaint.date_assessed - start).total_seconds() / 3600.0
                if start and complaint.date_assessed
                else 0.0
            )
            complaint.hours_to_close = (
                (complaint.date_closed - start).total_seconds() / 3600.0
                if start and complaint.date_closed
                else 0.0
            )

    @api.depends("state", "callback_satisfaction")
    def _compute_is_satisfied(self):
        for complaint in self:
            complaint.is_satisfied = (
                complaint.state == "closed" and complaint.callback_satisfaction in SATISFIED
            )
            complaint.satisfied_share = 100.0 if complaint.is_satisfied else 0.0

    @api.constrains("channel", "superior_id", "superior_instruction")
    def _check_superior(self):
        for complaint in self:
            if complaint.channel == "superior" and not (
                complaint.superior_id and complaint.superior_instruction
            ):
                raise ValidationError(
                    _(
                        "A complaint forwarded by a superior records the superior and their instruction."
                    )
                )

    @api.constrains("channel", "letter_file")
    def _check_letter(self):
        for complaint in self:
            if complaint.channel == "letter" and not complaint.letter_file:
                raise ValidationError(
                    _(
                        "A complaint received by letter keeps the letter: attach the letter or its "
                        "scan (篇3 4.1.2)."
                    )
                )

    @api.constrains("is_deferred", "deferral_consent", "is_urgent")
    def _check_deferral(self):
        for complaint in self:
            if complaint.is_deferred and (not complaint.deferral_consent or complaint.is_urgent):
                raise ValidationError(
                    _(
                        "Only a non-urgent complaint whose resident agreed can wait for the day shift."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        complaints = super().create(vals_list)
        # sudo: routing is the office's, whoever recorded the complaint (首问责任制: a
        # technician records and follows it without the right to assign it; 篇3 4.1.3).
        routed = complaints.sudo()
        for complaint in routed:
            complaint.message_subscribe(partner_ids=complaint._hanling_followers_to_add().ids)
        routed.filtered("department_id")._notify_department()
        routed.filtered(lambda c: not c.department_id)._route_to_customer_service()
        return complaints

    def write(self, vals):
        result = super().write(vals)
        if vals.get("department_id"):
            self._notify_department()
        if {"received_by_id", "superior_id", "department_id"} & set(vals):
            for complaint in self:
                complaint.message_subscribe(partner_ids=complaint._hanling_followers_to_add().ids)
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if self.filtered(lambda c: c.state not in ("received", "cancel")):
            raise UserError(
                _("A complaint being handled cannot be deleted; cancel it with a reason.")
            )

    def message_unsubscribe(self, partner_ids=None):
        # 首问责任制: the first responder cannot drop a complaint before it is closed.
        if partner_ids:
            locked = self.filtered(
                lambda c: (
                    c.state not in ("closed", "cancel")
                    and c.first_responder_id.partner_id.id in partner_ids
                )
            )
            if locked:
                raise UserError(
                    _(
                        "%(user)s is the first responder of %(names)s and must follow it until it is "
                        "closed (first-responder duty).",
                        user=locked[0].first_responder_id.name,
                        names=", ".join(locked.mapped("name")),
                    )
                )
        return super().message_unsubscribe(partner_ids=partner_ids)

    # ------------------------------------------------------------------ actions

    def _check_state(self, allowed, action_label=None, message=None):
        # Every step of the complaint is the front desk's or the responsible department's.
        self._check_can_handle()
        return super()._check_state(allowed, action_label=action_label, message=message)

    def _check_can_handle(self):
        if not self.env.user.has_group(HANDLER):
            raise AccessError(
                _(
                    "%(user)s records complaints and follows them as first responder; the "
                    "customer-service centre and the responsible department handle them "
                    "(篇3 4.1.3).",
                    user=self.env.user.name,
                )
            )

    @workflow_step
    def action_defer(self):
        """Leave a non-urgent night complaint for the day shift, with the resident's consent."""
        self._check_state(["received"], _("Deferring to the day shift"))
        if self.filtered(lambda c: c.shift != "night"):
            raise UserError(
                _("Only a complaint received outside the day shift can be deferred to it.")
            )
        if self.filtered("is_urgent"):
            raise UserError(
                _("An urgent complaint must be dealt with now, it cannot wait for the day shift.")
            )
        if self.filtered(lambda c: not c.deferral_consent):
            raise UserError(
                _(
                    "Ask the resident first: a night complaint waits for the day shift only with their consent."
                )
            )
        self.write(
            {
                "is_deferred": True,
                "deferral_consent_by_id": self.env.uid,
                "deferral_consent_date": fields.Datetime.now(),
            }
        )
        return True

    @workflow_step
    def action_assess(self):
        self._check_state(["received"], _("Assessing"))
        if self.filtered(lambda c: not c.department_id):
            raise UserError(_("Choose the responsible department before assessing the complaint."))
        self._action_assess()
        return True

    def _action_assess(self):
        self.write({"state": "assessing", "date_assessed": fields.Datetime.now()})

    @workflow_step
    def action_handle(self):
        self._check_state(["assessing"], _("Handling"))
        self._action_handle()
        return True

    def _action_handle(self):
        self.write({"state": "handling", "date_handling": fields.Datetime.now()})

    @workflow_step
    def action_resolve(self):
        self._check_state(["handling"], _("Resolving"))
        for complaint in self:
            complaint._check_resolution()
        self._action_resolve()
        return True

    def _action_resolve(self):
        self.write({"state": "resolved", "date_resolved": fields.Datetime.now()})
        to_plan = self.filtered(lambda c: c.callback_state == "none")
        for complaint in to_plan:
            # 篇3 4.4: the customer-service centre calls back; the first responder owns the call
            # when they work there, otherwise whoever resolved it.
            responder = complaint.first_responder_id
            complaint._schedule_callback(
                fields.Datetime.add(fields.Datetime.now(), days=1),
                user=responder
                if responder.has_group("hanling_property.group_cs_staff")
                else self.env.user,
            )
        for complaint in self.filtered(lambda c: c.channel == "superior" and c.superior_id):
            # 篇3 4.1.4: report to the superior as soon as the complaint is handled.
            complaint.message_post(
                body=_(
                    "The complaint %(name)s you forwarded is resolved: %(resolution)s",
                    name=complaint.name,
                    resolution=complaint.resolution,
                ),
                partner_ids=complaint.superior_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )

    @workflow_step
    def action_report_result(self):
        """篇3 4.4: the responsible department reports the result to the office manager."""
        self._check_state(["resolved"], _("Reporting the result to the office manager"))
        self.write(
            {"date_result_reported": fields.Datetime.now(), "result_reported_by_id": self.env.uid}
        )
        users_of = self.env["res.users"]._hanling_role_users
        for complaint in self:
            # The office manager proper: the company representatives hold the role too.
            managers = users_of(MANAGER, complaint.company_id, COMPANY_REP)[:1]
            body = _(
                "Result of complaint %(name)s reported to the office manager by %(user)s: "
                "%(resolution)s",
                name=complaint.name,
                user=self.env.user.name,
                resolution=complaint.resolution,
            )
            complaint.message_subscribe(partner_ids=managers.partner_id.ids)
            complaint.message_post(
                body=body, partner_ids=managers.partner_id.ids, subtype_xmlid="mail.mt_note"
            )
            # 篇3 3.2: the manager checks the effect of the handling.
            complaint._hanling_schedule_todo(
                managers,
                _("Check the result of complaint %(name)s", name=complaint.name),
                complaint.resolution,
            )
        return True

    @workflow_step
    def action_close(self):
        self._check_state(["resolved"], _("Closing"))
        self._check_callback_done()
        open_reports = self._hanling_nonconformities().filtered(
            lambda n: n.state not in ("done", "cancel")
        )
        if open_reports:
            raise UserError(
                _(
                    "Close the nonconformity reports first: %(names)s.",
                    names=", ".join(open_reports.mapped("name")),
                )
            )
        for complaint in self:
            complaint._check_close_requirements()
        self._action_close()
        return True

    def _check_close_requirements(self):
        self.ensure_one()
        if self.escalation_level != "department" and not self._hanling_nonconformities().filtered(
            lambda n: n.state == "done"
        ):
            levels = dict(self._fields["escalation_level"]._description_selection(self.env))
            raise UserError(
                _(
                    "%(name)s went up to %(level)s: it closes only with its nonconformity report "
                    "(不合格品/服务记录处理单) approved, carried out and closed (篇3 4.2.2-4.2.5).",
                    name=self.name,
                    level=levels[self.escalation_level],
                )
            )
        if not self.date_result_reported:
            raise UserError(
                _(
                    "Report the result of %(name)s to the office manager before closing it "
                    "(篇3 4.4).",
                    name=self.name,
                )
            )

    def _action_close(self):
        self.write({"state": "closed", "date_closed": fields.Datetime.now()})
        for complaint in self:
            # 首问责任制: the first responder is told how the complaint they took ended.
            complaint._notify_first_responder(
                _(
                    "The complaint %(name)s you received is closed: %(resolution)s",
                    name=complaint.name,
                    resolution=complaint.resolution,
                )
            )

    def _notify_first_responder(self, body):
        self.ensure_one()
        responder = self.first_responder_id
        if responder and responder != self.env.user:
            self.message_post(
                body=body, partner_ids=responder.partner_id.ids, subtype_xmlid="mail.mt_note"
            )

    def action_hand_over(self):
        """篇3 4.1.5: the night's complaints go to the customer-service centre in the morning."""
        self._check_can_handle()
        if not self:
            raise UserError(_("Select the night complaints to hand over."))
        return self.env["hanling.complaint.handover"]._hand_over(self)

    @workflow_step
    def _on_handed_over(self, handover):
        """Hook of the hand-over list: the complaints are on it."""
        self.write({"handover_id": handover.id})

    @workflow_step
    def action_cancel(self):
        self._check_state(["received", "assessing", "handling"], _("Cancelling"))
        if self.filtered(lambda c: not (c.cancel_reason or "").strip()):
            raise UserError(_("Write down why the complaint is cancelled."))
        if self._hanling_nonconformities().filtered(lambda n: n.state not in ("draft", "cancel")):
            raise UserError(
                _("A complaint with a nonconformity report under way cannot be cancelled.")
            )
        self._action_cancel()
        return True

    def _action_cancel(self):
        # The drafts go with the complaint, through their own step.
        self._hanling_nonconformities().filtered(lambda n: n.state == "draft")._action_cancel()
        self.callback_ids.filtered(lambda c: c.state == "planned").action_cancel()
        self.write({"state": "cancel", "date_cancelled": fields.Datetime.now()})

    @workflow_step
    def action_escalate(self):
        """Department → office manager (篇3 4.2.2) → company (篇3 4.2.4), each step timed and notified."""
        self._check_state(["received", "assessing", "handling"], _("Escalating"))
        if self.filtered(lambda c: c.escalation_level == "company"):
            raise UserError(_("The complaint is already with the company: it cannot go higher."))
        if self.filtered(lambda c: not (c.escalation_note or "").strip()):
            raise UserError(_("Write down why the complaint must go to the next level."))
        if self.filtered(lambda c: c.escalation_level == "manager") and not self.env.user.has_group(
            "hanling_property.group_manager"
        ):
            raise AccessError(_("Only the office manager reports a complaint to the company."))
        self._action_escalate()
        return True

    def _action_escalate(self):
        now = fields.Datetime.now()
        users_of = self.env["res.users"]._hanling_role_users
        for complaint in self:
            reps = users_of(COMPANY_REP, complaint.company_id)
            if complaint.escalation_level == "department":
                complaint.write({"escalation_level": "manager", "date_escalated_manager": now})
                # The office managers proper: the company representatives hold the role too.
                managers = users_of(MANAGER, complaint.company_id)
                users = (managers - reps) or managers
                summary = _(
                    "Complaint escalated to the office manager: %(name)s", name=complaint.name
                )
            else:
                complaint.write({"escalation_level": "company", "date_escalated_company": now})
                users = reps
                summary = _("Complaint escalated to the company: %(name)s", name=complaint.name)
            complaint.message_subscribe(partner_ids=users.partner_id.ids)
            complaint._hanling_schedule_todo(users, summary, complaint.escalation_note)

    def action_create_nonconformity(self):
        self.ensure_one()
        self._check_state(["assessing", "handling"], _("Writing a nonconformity report"))
        nonconformity = self.env["hanling.nonconformity"].create(
            {"complaint_id": self.id, "description": self.content}
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "hanling.nonconformity",
            "res_id": nonconformity.id,
            "view_mode": "form",
        }

    def action_view_nonconformities(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hanling_property.hanling_nonconformity_action"
        )
        action["domain"] = [("complaint_id", "=", self.id)]
        action["context"] = {"default_complaint_id": self.id}
        return action

    # ------------------------------------------------------------------ business

    def _check_resolution(self):
        """Each of the four kinds of 篇3 4.3 asks for what it needs."""
        self.ensure_one()
        if not self.resolution_kind:
            raise UserError(_("Say which kind of case this is before resolving it."))
        if not (self.resolution or "").strip():
            raise UserError(_("Describe how the complaint was resolved."))
        live_reports = self._hanling_nonconformities().filtered(lambda n: n.state != "cancel")
        if self.resolution_kind == "loss":
            if not self.loss_remedy:
                raise UserError(
                    _("A loss caused by our staff is compensated or repaired: choose which.")
                )
            if not live_reports:
                raise UserError(_("A loss caused by our staff needs a nonconformity report."))
            if self.loss_remedy == "compensate" and live_reports.filtered(
                lambda n: (
                    n.compensation_method == "none"
                    or n.compensation_due > 0
                    or not n.compensation_paid
                )
            ):
                raise UserError(
                    _("The approved compensation must be paid before the complaint is resolved.")
                )
        elif self.resolution_kind == "other_resident":
            if not self.other_partner_id or not (self.mediation_note or "").strip():
                raise UserError(
                    _("Record the other resident and how the office mediated with them.")
                )
        elif self.resolution_kind == "developer":
            if not self.developer_contact or not (self.coordination_note or "").strip():
                raise UserError(
                    _(
                        "Record the developer or owners' committee contact and how it was coordinated."
                    )
                )

    def _hanling_nonconformities(self):
        # sudo: states and amounts only: a duty officer may resolve or close a complaint without
        # having access to its nonconformity reports.
        return self.sudo().nonconformity_ids

    def _hanling_followers_to_add(self):
        self.ensure_one()
        users = self.first_responder_id | self.superior_id | self.department_id.head_id
        return users.partner_id

    def _route_to_customer_service(self):
        """A complaint recorded outside the front desk goes to the customer-service centre.

        首问责任制 (篇3 3.1, 4.1.3): whoever receives it records it and passes it on; the
        customer-service centre registers and forwards it to the responsible department.
        """
        users_of = self.env["res.users"]._hanling_role_users
        for complaint in self:
            recorder = complaint.first_responder_id
            # The portal's complaints reach the desk on its own list; staff outside it route here.
            if not recorder or recorder.share or recorder.has_group(HANDLER):
                continue
            supervisor = users_of(CS_SUPERVISOR, complaint.company_id, MANAGER)[:1]
            complaint.message_subscribe(partner_ids=supervisor.partner_id.ids)
            complaint._hanling_schedule_todo(
                supervisor,
                _(
                    "Complaint recorded by %(user)s: assign the responsible department: %(name)s",
                    user=recorder.name,
                    name=complaint.name,
                ),
                complaint.content,
            )

    def _notify_department(self):
        for complaint in self.filtered("department_id.head_id"):
            complaint._hanling_schedule_todo(
                complaint.department_id.head_id,
                _("Complaint assigned to your department: %(name)s", name=complaint.name),
                complaint.content,
            )

    def _hanling_schedule_todo(self, users, summary, note=False):
        self.ensure_one()
        deadline = (
            fields.Date.to_date(fields.Datetime.context_timestamp(self, self.date_deadline))
            if self.date_deadline
            else fields.Date.context_today(self)
        )
        for user in users:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=deadline,
                summary=summary,
                note=note,
                user_id=user.id,
            )

    @api.model
    def _callback_caller_groups(self):
        """篇3 4.4: the customer-service centre's staff call back (phone or visit)."""
        return ("hanling_property.group_cs_staff",)

    @api.model
    def _callback_required_fields(self):
        """篇3 4.4.1-4.4.4: the four points of the complaint callback, none optional."""
        return (
            "satisfaction",
            "opinion",
            "prevention_suggestion",
            "service_suggestion",
            "evaluation",
        )

    @workflow_step
    def _on_callback_done(self, callbacks):
        for complaint in self:
            complaint.message_post(
                body=_("Callback done; the complaint can be closed."), subtype_xmlid="mail.mt_note"
            )

    @api.model
    def _get_satisfied_share(self, domain=None):
        """Share (%) of closed complaints whose callback found the resident satisfied."""
        groups = self._read_group(
            [("state", "=", "closed"), *(domain or [])],
            groupby=["is_satisfied"],
            aggregates=["__count"],
        )
        counts = dict(groups)
        total = sum(counts.values())
        return 100.0 * counts.get(True, 0) / total if total else 0.0
