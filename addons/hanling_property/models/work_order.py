import re
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.sql import create_index
from odoo.tools.translate import LazyTranslate

from ..tools.workflow import WorkflowGuardError, workflow_step
from .deadline_mixin import deadline_flag
from .intake_mixin import INTAKE_FIELDS
from .referral_mixin import REFERRAL_FIELDS
from .signature_mixin import SIGNATURE_FIELDS

_lt = LazyTranslate(__name__)

# 篇2 一 四): an immediate repair is reached within 15 minutes, whatever the time of day.
ARRIVAL_MINUTES = 15
# 篇2 二 六) 3: the engineering supervisor calls back within 24 hours of the end of the repair.
CALLBACK_HOURS = 24
# 篇2 一 四): the arrival is proven at the door by scanning the unit's QR code (the code the
# unit's sheet prints: its portal page, /my/units/<id>/request), or recorded by hand with a reason.
ARRIVAL_METHODS = [("scan", "QR Code Scanned"), ("manual", "Recorded by Hand")]
UNIT_CODE = re.compile(r"/my/units/(\d+)(?:/request)?/?(?:[?#].*)?$")
FEE_GROUPS = (
    "hanling_property.group_eng_supervisor",
    "hanling_property.group_cs_supervisor",
)
# From dispatch on, from the end of the job on, and once the file is shut (篇2 二).
DISPATCHED = ("assigned", "in_progress", "done", "accepted", "closed", "cancel", "referred")
ON_SITE = ("in_progress", "done", "accepted", "closed", "cancel", "referred")
FINISHED = ("done", "accepted", "closed", "cancel", "referred")
SHUT = ("closed", "cancel", "referred")


class HanlingWorkOrder(models.Model):
    """维修单: a repair or service done for a resident, from the hotline to the callback (篇2)."""

    _name = "hanling.work.order"
    _description = "Work Order"
    _inherit = [
        "hanling.workflow.mixin",
        "hanling.request.mixin",
        "hanling.callback.mixin",
        "hanling.signature.mixin",
        "hanling.referral.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "hanling.deadline.mixin",
    ]
    _order = "date_received desc, id desc"
    _rec_names_search = ["name", "description"]
    _check_company_auto = True
    _sequence_code = "hanling.work.order"
    _workflow_fields = (
        "state",
        "date_assigned",
        "date_arrived",
        "arrival_method",
        "date_finished",
        "date_accepted",
        "date_closed",
        "date_cancelled",
        "date_fee_fixed",
        "fee_fixed_by_id",
        "fee_confirmed_by_id",
        "date_fee_confirmed",
        "fee_confirmed_amount",
        "rework_count",
        "invoice_id",
        "resident_signed_on",
    )
    _workflow_lock = {
        # What the office took down and sent the technician to do.
        DISPATCHED: (*INTAKE_FIELDS, "address", "urgency", "description"),
        # Once the technician is on site the appointment, the technician, the resident to bill
        # and the reason to cancel are history (as the form showed them).
        ON_SITE: (
            "partner_id",
            "contact_phone",
            "appointment_date",
            "technician_id",
            "cancel_reason",
        ),
        # Once done: what was done, for which catalogue service, or who was recommended.
        FINISHED: ("service_id", *REFERRAL_FIELDS),
        # The technician's report is written on site only.
        ("draft", *FINISHED): ("inspection_note", "change_note", "resident_informed", "work_note"),
        # The resident signs the finished job, nothing before and nothing after; why the
        # resident is not satisfied is written then too (篇2 二 五) 1).
        ("draft", "assigned", "in_progress", "accepted", "closed", "cancel", "referred"): (
            *SIGNATURE_FIELDS,
            "rework_reason",
        ),
        # "Fee to be fixed" is the technician's call on site or at the end of the job; the
        # supervisors' button clears it.
        ("draft", "assigned", "accepted", "closed", "cancel", "referred"): ("fee_uncertain",),
        # Why the arrival was recorded by hand is written at the door, before it is recorded.
        ("draft", *ON_SITE): ("arrival_manual_reason",),
        # A shut file keeps its fee and its supervisor's findings.
        SHUT: ("supervisor_id", "punctuality", "labour_price", "material_ids"),
    }
    # One number per work order, even if two requests draw at once (migration 18.0.1.1.0 renames
    # duplicates left by older versions before adding it).
    _sql_constraints = [
        ("name_company_uniq", "unique(company_id, name)", "This number is already used."),
    ]
    _deadlines = {
        # 篇2 一 四): the technician is on site by the deadline; the supervisor is told if not.
        "arrival": {
            "due": "date_arrival_deadline",
            "done": "date_arrived",
            "flag": "is_arrival_overdue",
            "open_states": ("draft", "assigned"),
            "activity": "hanling_property.mail_activity_type_work_order_late",
            "user": ("supervisor_id", "received_by_id"),
            "summary": _lt("Technician not on site yet: %(name)s"),
        },
        # 篇2 二 六) 3: the callback within 24 hours; reminded on the callback visit itself.
        "callback": {
            "due": "callback_date_due",
            "flag": "is_callback_overdue",
            "state_field": "callback_state",
            "open_states": ("planned",),
        },
    }

    # Trigram indexes: the number and the text are searched with ILIKE (list search, name search).
    name = fields.Char(
        string="Number",
        required=True,
        readonly=True,
        copy=False,
        default="/",
        index="trigram",
    )
    state = fields.Selection(
        [
            ("draft", "New"),
            ("assigned", "Assigned"),
            ("in_progress", "In Progress"),
            ("done", "Repaired"),
            ("accepted", "Accepted"),
            ("closed", "Closed"),
            ("cancel", "Cancelled"),
            ("referred", "Referred to a Supplier"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    service_id = fields.Many2one(
        "hanling.service",
        string="Catalogue Service",
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    fee_type = fields.Selection(related="service_id.fee_type", store=True, index=True)
    description = fields.Text(string="What Is Wanted", required=True, index="trigram")
    urgency = fields.Selection(
        [("immediate", "Immediate"), ("appointment", "By Appointment")],
        required=True,
        default="immediate",
        tracking=True,
    )
    appointment_date = fields.Datetime(string="Appointment", tracking=True, copy=False)
    technician_id = fields.Many2one(
        "res.users",
        index=True,
        tracking=True,
        copy=False,
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("hanling_property.group_technician").ids)
        ],
    )
    supervisor_id = fields.Many2one(
        "res.users",
        string="Engineering Supervisor",
        index=True,
        tracking=True,
        domain=lambda self: [
            (
                "groups_id",
                "in",
                self.env.ref("hanling_property.group_eng_supervisor").ids,
            )
        ],
        help="Checks punctuality, calls the resident back and fixes uncertain fees.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    address = fields.Char(
        string="Repair Address",
        tracking=True,
        help="Where to go when the request is not for a unit (篇2 一 一): dispatch needs the unit "
        "or this address.",
    )

    # Deadlines and the time of each transition: statistics are computed from these.
    date_arrival_deadline = fields.Datetime(
        string="Arrive By",
        compute="_compute_date_arrival_deadline",
        store=True,
        index=True,
        help="Immediate jobs: 15 minutes after the call. Appointments: the appointment time.",
    )
    date_assigned = fields.Datetime(string="Assigned On", readonly=True, copy=False)
    date_arrived = fields.Datetime(string="Arrived On", readonly=True, copy=False, index=True)
    arrival_method = fields.Selection(
        ARRIVAL_METHODS,
        string="Arrival Recorded By",
        readonly=True,
        copy=False,
        index=True,
        help="Scanned: the technician scanned the unit's QR code at the door. By hand: the code "
        "could not be scanned; the reason is kept (篇2 一 四)).",
    )
    arrival_manual_reason = fields.Text(
        string="Why Not Scanned",
        copy=False,
        help="Why the arrival is recorded by hand instead of by scanning the unit's QR code.",
    )
    arrival_scan_rate = fields.Float(
        string="Scanned Arrivals (%)",
        compute="_compute_arrival_scan_rate",
        store=True,
        aggregator="avg",
        help="100 when the arrival was proven by scanning the unit's QR code, 0 otherwise; "
        "averages to the share of scanned arrivals.",
    )
    date_finished = fields.Datetime(string="Finished On", readonly=True, copy=False, index=True)
    date_accepted = fields.Datetime(string="Accepted On", readonly=True, copy=False, index=True)
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    date_cancelled = fields.Datetime(string="Cancelled On", readonly=True, copy=False)
    date_fee_fixed = fields.Datetime(string="Fee Fixed On", readonly=True, copy=False)
    fee_fixed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    # 会同 (篇2 二 五) 3): the first supervisor's confirmation of an uncertain fee, waiting for
    # the other role's.
    fee_confirmed_by_id = fields.Many2one(
        "res.users", string="Fee Proposed By", readonly=True, copy=False
    )
    date_fee_confirmed = fields.Datetime(string="Fee Proposed On", readonly=True, copy=False)
    fee_confirmed_amount = fields.Monetary(string="Fee Proposed", readonly=True, copy=False)
    # "直到业户满意为止" (篇2 二 五) 1): each time the resident sent the job back.
    rework_count = fields.Integer(
        string="Reworks",
        readonly=True,
        copy=False,
        default=0,
        aggregator="sum",
        help="Times the resident was not satisfied at acceptance and the job went back to repair.",
    )
    rework_reason = fields.Text(
        string="Why Not Satisfied",
        copy=False,
        help="What the resident is not satisfied with: written before sending the job back.",
    )
    is_arrival_overdue = deadline_flag("Arrival Overdue")
    is_callback_overdue = deadline_flag("Callback Overdue")
    arrived_on_time = fields.Boolean(
        string="On Time",
        compute="_compute_durations",
        store=True,
        aggregator="bool_and",
    )
    on_time_rate = fields.Float(
        string="On-Time Rate (%)",
        compute="_compute_durations",
        store=True,
        aggregator="avg",
        help="100 when the technician arrived by the deadline, 0 otherwise; averages to a rate.",
    )
    response_minutes = fields.Float(
        string="Response Time (min)",
        compute="_compute_durations",
        store=True,
        aggregator="avg",
        help="From the call to the dispatch of a technician.",
    )
    arrival_delay_minutes = fields.Float(
        string="Arrival Delay (min)",
        compute="_compute_durations",
        store=True,
        aggregator="avg",
        help="Minutes after the deadline the technician arrived (0 when on time).",
    )
    duration_hours = fields.Float(
        string="Duration (h)",
        compute="_compute_durations",
        store=True,
        aggregator="avg",
        help="From the technician's arrival to the end of the repair.",
    )
    satisfaction_score = fields.Float(
        compute="_compute_satisfaction_score",
        store=True,
        aggregator="avg",
    )
    punctuality = fields.Selection(
        [("on_time", "On Time"), ("late", "Late")],
        string="Resident Says",
        tracking=True,
        copy=False,
        help="The engineering supervisor's call at the appointment time: was the technician on time?",
    )

    # On site (篇2 二).
    visit_ids = fields.One2many("hanling.work.order.visit", "order_id", string="Missed Visits")
    missed_visit_count = fields.Integer(compute="_compute_missed_visit_count", store=True)
    inspection_note = fields.Text(string="Initial Inspection", copy=False)
    change_note = fields.Text(
        string="Change from the First Judgement",
        copy=False,
        help="What turned out different from the first judgement (篇2 二 四)).",
    )
    resident_informed = fields.Boolean(
        string="Resident Told of the Change",
        copy=False,
        help="The technician apologised and agreed the change with the resident.",
    )
    work_note = fields.Text(string="Work Done", copy=False)
    material_ids = fields.One2many(
        "hanling.work.order.material", "order_id", string="Materials", copy=False
    )
    cancel_reason = fields.Text(copy=False)

    # Fee: a quote until invoiced; the invoice is the truth.
    labour_price = fields.Monetary(
        string="Labour",
        compute="_compute_labour_price",
        store=True,
        readonly=False,
        copy=False,
        help="From the catalogue price; fixed by the supervisors when it was not certain.",
    )
    fee_uncertain = fields.Boolean(
        string="Fee to Be Fixed",
        copy=False,
        tracking=True,
        help="The technician could not settle the fee on site: the engineering and customer-"
        "service supervisors fix it (篇2 二 五) 3).",
    )
    amount_materials = fields.Monetary(
        string="Materials Charged", compute="_compute_amounts", store=True
    )
    amount_estimated = fields.Monetary(string="Fee", compute="_compute_amounts", store=True)
    invoice_id = fields.Many2one(
        "account.move",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )
    invoice_status = fields.Selection(
        [
            ("none", "Nothing to Invoice"),
            ("waiting", "Awaiting Acceptance"),
            ("to_fix", "Fee to Be Fixed"),
            ("to_invoice", "To Invoice"),
            ("invoiced", "Invoiced"),
        ],
        compute="_compute_invoice_status",
        store=True,
        index=True,
    )
    amount_invoiced = fields.Monetary(
        related="invoice_id.amount_total", string="Invoiced Amount", store=True
    )
    payment_state = fields.Selection(
        related="invoice_id.payment_state",
        string="Payment Status",
        store=True,
        index=True,
    )

    def init(self):
        super().init()
        # The monthly review and the per-community statistics read one community's month: with
        # only the date index they read the month of every community (issue 9 benchmarks).
        create_index(
            self.env.cr,
            "hanling_work_order_community_date_received_index",
            self._table,
            ["community_id", "date_received"],
        )

    @api.depends("urgency", "date_received", "appointment_date")
    def _compute_date_arrival_deadline(self):
        for order in self:
            if order.urgency == "immediate":
                order.date_arrival_deadline = order.date_received and (
                    order.date_received + timedelta(minutes=ARRIVAL_MINUTES)
                )
            else:
                order.date_arrival_deadline = order.appointment_date

    @api.depends(
        "date_received",
        "date_assigned",
        "date_arrived",
        "date_finished",
        "date_arrival_deadline",
    )
    def _compute_durations(self):
        def minutes(start, end):
            return (end - start).total_seconds() / 60.0 if start and end else 0.0

        for order in self:
            order.response_minutes = minutes(order.date_received, order.date_assigned)
            order.duration_hours = minutes(order.date_arrived, order.date_finished) / 60.0
            if order.date_arrived and order.date_arrival_deadline:
                delay = minutes(order.date_arrival_deadline, order.date_arrived)
                order.arrival_delay_minutes = max(delay, 0.0)
                order.arrived_on_time = delay <= 0
                order.on_time_rate = 100.0 if delay <= 0 else 0.0
            else:
                order.arrival_delay_minutes = 0.0
                order.arrived_on_time = False
                order.on_time_rate = 0.0

    @api.depends("arrival_method")
    def _compute_arrival_scan_rate(self):
        for order in self:
            order.arrival_scan_rate = 100.0 if order.arrival_method == "scan" else 0.0

    @api.depends("callback_satisfaction")
    def _compute_satisfaction_score(self):
        for order in self:
            order.satisfaction_score = float(order.callback_satisfaction or 0)

    @api.depends("visit_ids")
    def _compute_missed_visit_count(self):
        for order in self:
            order.missed_visit_count = len(order.visit_ids)

    @api.depends("service_id")
    def _compute_labour_price(self):
        for order in self:
            order.labour_price = order.service_id.list_price if order.fee_type == "paid" else 0.0

    @api.depends("labour_price", "material_ids.amount", "material_ids.bought_for_resident")
    def _compute_amounts(self):
        for order in self:
            charged = order.material_ids.filtered("bought_for_resident")
            order.amount_materials = sum(charged.mapped("amount"))
            order.amount_estimated = order.labour_price + order.amount_materials

    @api.depends("state", "fee_uncertain", "amount_estimated", "invoice_id")
    def _compute_invoice_status(self):
        for order in self:
            if order.invoice_id:
                order.invoice_status = "invoiced"
            elif order.state in ("cancel", "referred"):
                order.invoice_status = "none"
            elif order.fee_uncertain:
                order.invoice_status = "to_fix"
            elif order.currency_id.is_zero(order.amount_estimated):
                order.invoice_status = "none"
            elif order.state in ("accepted", "closed"):
                order.invoice_status = "to_invoice"
            else:
                order.invoice_status = "waiting"

    def write(self, vals):
        if "labour_price" in vals:
            self._check_fee_editable()
        if (
            "fee_uncertain" in vals
            and not vals["fee_uncertain"]
            and not self._workflow_open()
            and self.filtered(lambda o: o.fee_uncertain and o.state == "done")
        ):
            # Unticking it after the job would bill the resident without the supervisors.
            raise WorkflowGuardError(
                _("The fee to be fixed is settled by the supervisors' “Fix the Fee” button.")
            )
        res = super().write(vals)
        if ("labour_price" in vals or "material_ids" in vals) and not self._workflow_open():
            self._reset_fee_confirmation()
        if vals.get("punctuality"):
            # The supervisor's call at the appointment time is done once its answer is recorded.
            self.activity_feedback(["hanling_property.mail_activity_type_work_order_punctuality"])
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if self.filtered(lambda o: o.state not in ("draft", "cancel")):
            raise UserError(
                _("Only new or cancelled work orders can be deleted; cancel it instead.")
            )

    # ------------------------------------------------------------------ buttons

    def action_assign(self):
        self._check_state(["draft"], _("Assigning a technician"))
        if self.filtered(lambda o: not o.technician_id):
            raise UserError(_("Choose the technician who goes on site."))
        if self.filtered(lambda o: not o.service_id):
            raise UserError(_("Choose the catalogue service, or refer the resident to a supplier."))
        if self.filtered(lambda o: o.urgency == "appointment" and not o.appointment_date):
            raise UserError(_("Agree an appointment time with the resident first."))
        self._check_dispatch_contact()
        self._action_assign()
        return True

    def _check_dispatch_contact(self):
        """篇2 一 一): the office takes down the repair address and a contact phone before
        anyone is sent."""
        for order in self:
            missing = []
            if not order.unit_id and not (order.address or "").strip():
                missing.append(_("the unit (or the repair address)"))
            if not (order.contact_phone or "").strip():
                missing.append(_("the contact phone"))
            if missing:
                raise UserError(
                    _(
                        "%(name)s cannot be dispatched without %(missing)s.",
                        name=order.display_name,
                        missing=_(" and ").join(missing),
                    )
                )

    @workflow_step
    def _action_assign(self):
        now = fields.Datetime.now()
        for order in self:
            order.write(
                {
                    "state": "assigned",
                    "date_assigned": now,
                    "supervisor_id": (order.supervisor_id or order._default_supervisor()).id,
                }
            )
        self._schedule_punctuality_check()

    def action_resident_absent(self):
        """The resident was not at home: open the missed-visit note (kept on the order)."""
        self._check_state(["assigned"], _("Recording a missed visit"))
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Resident Not at Home"),
            "res_model": "hanling.work.order.visit",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def action_print_note(self):
        """Print the 留言条 of the last missed visit (篇2 二 一) 2), for the technician at the door."""
        self.ensure_one()
        if not self.visit_ids:
            raise UserError(_("Record the missed visit first: the note slip prints what was left."))
        return self.visit_ids.sorted(lambda v: (v.date, v.id))[-1:].action_print_note()

    @workflow_step
    def _on_missed_visit(self, visits):
        """A visit was missed: new appointment, the office told, the supervisor re-checks."""
        for order in self:
            visit = visits.filtered(lambda v, o=order: v.order_id == o)[-1:]
            order.write(
                {
                    "urgency": "appointment",
                    "appointment_date": visit.new_appointment or False,
                }
            )
            # The office follows up and agrees the next visit (篇2 二 一) 2, 3).
            order.message_post(
                body=_(
                    "Resident not at home; note left: %(note)s. The office must agree a new visit.",
                    note=visit.note,
                ),
                partner_ids=(order.supervisor_id | order.received_by_id).partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        self._schedule_punctuality_check()

    def action_start(self):
        """Arrival recorded by hand, when the unit's QR code cannot be scanned (篇2 一 四)):
        the reason is required and kept."""
        self._check_state(["assigned"], _("Recording the arrival"))
        if self.filtered(lambda o: not (o.arrival_manual_reason or "").strip()):
            raise UserError(
                _(
                    "Scan the unit's QR code at the door to record your arrival; if it cannot be "
                    "scanned, write why before recording the arrival by hand."
                )
            )
        self._action_start("manual")
        return True

    def action_arrive_scan(self, code=None):
        """The technician scans the unit's QR code at the door: the scan proves the arrival
        (篇2 一 四)). The code of another unit is refused."""
        self.ensure_one()
        self._check_state(["assigned"], _("Recording the arrival"))
        if self.env.user != self.technician_id:
            raise AccessError(
                _(
                    "Only %(tech)s, the technician sent to %(name)s, can scan the arrival at "
                    "the door.",
                    tech=self.technician_id.name or _("the technician"),
                    name=self.display_name,
                )
            )
        match = UNIT_CODE.search((code or "").strip())
        if not match:
            raise UserError(
                _("This is not the QR code of a unit of the office: scan the code at the door.")
            )
        if not self.unit_id:
            raise UserError(
                _(
                    "%(name)s is not for a unit with a QR code: record the arrival by hand with "
                    "the reason.",
                    name=self.display_name,
                )
            )
        scanned = int(match.group(1))
        if scanned != self.unit_id.id:
            # sudo: the name of the unit whose code was scanned, to say which door it was.
            other = self.env["hanling.unit"].sudo().browse(scanned).exists()
            raise UserError(
                _(
                    "This QR code is of %(scanned)s, but %(name)s is for %(unit)s: scan the code "
                    "at the door of %(unit)s.",
                    scanned=other.display_name or _("another unit"),
                    name=self.display_name,
                    unit=self.unit_id.display_name,
                )
            )
        if not self.unit_id._hanling_qr_key_matches(code):
            # The unit's number alone is no proof: the printed code carries the unit's key.
            raise UserError(
                _(
                    "This is not the QR code at the door of %(unit)s: scan the code printed "
                    "there, or record the arrival by hand with the reason.",
                    unit=self.unit_id.display_name,
                )
            )
        self._action_start("scan")
        return True

    @workflow_step
    def _action_start(self, method):
        self.write(
            {
                "state": "in_progress",
                "date_arrived": fields.Datetime.now(),
                "arrival_method": method,
            }
        )

    def action_finish(self):
        self._check_state(["in_progress"], _("Finishing the repair"))
        if self.filtered(lambda o: not o.inspection_note):
            raise UserError(_("Record the initial inspection before finishing."))
        if self.filtered(lambda o: o.change_note and not o.resident_informed):
            raise UserError(
                _("The job changed from the first judgement: tell the resident and tick it.")
            )
        self._action_finish()
        return True

    @workflow_step
    def _action_finish(self):
        # A paid service without a price is quoted on site: the supervisors fix it.
        self.filtered(
            lambda o: o.fee_type == "paid" and o.currency_id.is_zero(o.labour_price)
        ).fee_uncertain = True
        now = fields.Datetime.now()
        self.write({"state": "done", "date_finished": now})
        # 篇2 二 六) 3 "维修结束24小时内": the clock starts at the end of the repair, not at the
        # resident's acceptance; a rework ends the repair again, so the call is planned afresh.
        for supervisor, orders in self.grouped("supervisor_id").items():
            # sudo: the technician finishes the job on site but has no rights on callback
            # visits; the callback is planned for the engineering supervisor.
            orders.sudo()._schedule_callback(
                now + timedelta(hours=CALLBACK_HOURS), supervisor or self.env.user
            )

    def action_accept(self):
        self._check_state(["done"], _("Acceptance by the resident"))
        self._check_resident_signature()
        self._action_accept()
        return True

    @workflow_step
    def _action_accept(self):
        now = fields.Datetime.now()
        self._stamp_resident_signature()
        self.write({"state": "accepted", "date_accepted": now})
        to_fix = self.filtered("fee_uncertain")
        to_fix._schedule_fee_activities()
        (self - to_fix)._create_invoices()

    def action_rework(self):
        """The resident is not satisfied: the job goes back to repair (篇2 二 五) 1)."""
        self._check_state(["done"], _("Sending the repair back"))
        if self.filtered(lambda o: not (o.rework_reason or "").strip()):
            raise UserError(_("Write why the resident is not satisfied before sending it back."))
        self._action_rework()
        return True

    @workflow_step
    def _action_rework(self):
        # The repair is not over: the call planned at its end waits for the next end.
        # sudo: the resident (portal) or the technician sends it back without callback rights.
        self.sudo().callback_ids.filtered(lambda c: c.state == "planned").action_cancel()
        for order in self:
            reason = order.rework_reason.strip()
            order.write(
                {
                    "state": "in_progress",
                    "rework_count": order.rework_count + 1,
                    "rework_reason": False,
                    # The next acceptance is signed afresh.
                    "resident_signature": False,
                    "resident_signed_by": False,
                    "resident_opinion": False,
                    "resident_signed_on": False,
                }
            )
            order.message_post(
                body=_(
                    "Resident not satisfied, back to repair (rework %(count)s): %(reason)s",
                    count=order.rework_count,
                    reason=reason,
                ),
                partner_ids=(order.technician_id | order.supervisor_id).partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )

    def action_set_fee(self):
        """会同 (篇2 二 五) 3): the engineering supervisor and the customer-service supervisor,
        two different people, each confirm the same fee; the second confirmation fixes it."""
        if not self._user_fixes_fees():
            raise AccessError(
                _("Only the engineering or customer-service supervisor can fix the fee.")
            )
        self._check_state(["done", "accepted"], _("Fixing the fee"))
        if self.filtered(lambda o: not o.fee_uncertain):
            raise UserError(_("The fee of this work order is already fixed."))
        for order in self.filtered("fee_confirmed_by_id"):
            first = order.fee_confirmed_by_id
            if order.currency_id.compare_amounts(
                order.fee_confirmed_amount, order.amount_estimated
            ):
                continue  # the amount changed since: this confirmation starts over
            if first == self.env.user:
                raise AccessError(
                    _(
                        "You already proposed this fee: the other supervisor confirms it "
                        "(the engineering and the customer-service supervisor together)."
                    )
                )
            if not self._fee_roles_differ(first, self.env.user):
                raise AccessError(
                    _(
                        "%(first)s and you hold the same role: the fee is fixed by the "
                        "engineering supervisor together with the customer-service supervisor.",
                        first=first.name,
                    )
                )
        self._action_set_fee()
        return True

    def _fee_roles_differ(self, first, second):
        """One engineering and one customer-service supervisor between the two of them."""
        eng, cs = FEE_GROUPS
        return (first.has_group(eng) and second.has_group(cs)) or (
            first.has_group(cs) and second.has_group(eng)
        )

    @workflow_step
    def _action_set_fee(self):
        now = fields.Datetime.now()
        fixed = self.browse()
        for order in self:
            confirmed = order.fee_confirmed_by_id and not order.currency_id.compare_amounts(
                order.fee_confirmed_amount, order.amount_estimated
            )
            if not confirmed:
                order.write(
                    {
                        "fee_confirmed_by_id": self.env.uid,
                        "date_fee_confirmed": now,
                        "fee_confirmed_amount": order.amount_estimated,
                    }
                )
                order.activity_feedback(
                    ["hanling_property.mail_activity_type_work_order_fee"], user_id=self.env.uid
                )
                order.message_post(
                    body=_(
                        "Fee of %(amount)s proposed by %(user)s; the other supervisor confirms it.",
                        amount=order.amount_estimated,
                        user=self.env.user.name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                continue
            order.write(
                {
                    "fee_uncertain": False,
                    "date_fee_fixed": now,
                    "fee_fixed_by_id": self.env.uid,
                }
            )
            order.message_post(
                body=_(
                    "Fee of %(amount)s fixed by %(first)s and %(second)s together.",
                    amount=order.amount_estimated,
                    first=order.fee_confirmed_by_id.name,
                    second=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
            fixed |= order
        fixed.activity_feedback(["hanling_property.mail_activity_type_work_order_fee"])
        fixed.filtered(lambda o: o.state in ("accepted", "closed"))._create_invoices()

    @workflow_step
    def _reset_fee_confirmation(self):
        """The amount changed after the first confirmation: both confirm again."""
        pending = self.filtered(
            lambda o: o.fee_uncertain
            and o.fee_confirmed_by_id
            and o.currency_id.compare_amounts(o.fee_confirmed_amount, o.amount_estimated)
        )
        if pending:
            pending.write(
                {
                    "fee_confirmed_by_id": False,
                    "date_fee_confirmed": False,
                    "fee_confirmed_amount": 0.0,
                }
            )
            for order in pending:
                order.message_post(
                    body=_("The fee changed: the first confirmation is withdrawn."),
                    subtype_xmlid="mail.mt_note",
                )

    @workflow_step
    def action_create_invoice(self):
        self._check_state(["accepted", "closed"], _("Invoicing"))
        if self.filtered(lambda o: o.invoice_id):
            raise UserError(_("This work order is already invoiced."))
        if self.filtered("fee_uncertain"):
            raise UserError(_("The supervisors must fix the fee before invoicing."))
        if self.filtered(lambda o: o.invoice_status != "to_invoice"):
            raise UserError(_("There is nothing to invoice on this work order."))
        self._create_invoices()
        return True

    def action_close(self):
        self._check_state(["accepted"], _("Closing"))
        self._check_callback_done()
        if self.filtered("fee_uncertain"):
            raise UserError(_("The supervisors must fix the fee before closing."))
        self._action_close()
        return True

    @workflow_step
    def _action_close(self):
        self.write({"state": "closed", "date_closed": fields.Datetime.now()})

    @workflow_step
    def action_cancel(self):
        self._check_state(["draft", "assigned"], _("Cancelling"))
        if self.filtered(lambda o: not o.cancel_reason):
            raise UserError(_("Give the reason for cancelling."))
        self.write({"state": "cancel", "date_cancelled": fields.Datetime.now()})
        self.activity_unlink(
            [
                "hanling_property.mail_activity_type_work_order_punctuality",
            ]
        )
        return True

    @workflow_step
    def action_refer(self):
        self._check_state(["draft", "assigned", "in_progress"], _("Referring to a supplier"))
        if self._check_referral():
            raise UserError(_("Record which specialist supplier was recommended to the resident."))
        self.write({"state": "referred", "date_cancelled": fields.Datetime.now()})
        self.activity_unlink(
            [
                "hanling_property.mail_activity_type_work_order_punctuality",
            ]
        )
        return True

    def action_open_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.invoice_id.id,
            "view_mode": "form",
        }

    def action_print(self):
        return self.env.ref("hanling_property.action_report_work_order").report_action(self)

    # ------------------------------------------------------------------ business methods

    def _check_fee_editable(self):
        """Once the job is done the fee is the supervisors' to change (篇2 二 五) 3)."""
        if self.filtered("invoice_id"):
            raise UserError(_("The fee is invoiced; correct it with a credit note in Accounting."))
        finished = self.filtered(lambda o: o.state not in ("draft", "assigned", "in_progress"))
        if finished and not self._user_fixes_fees():
            raise AccessError(
                _("Only the engineering or customer-service supervisor can change the fee.")
            )

    @api.model
    def _callback_caller_groups(self):
        """篇2 二 六) 3: the engineering supervisor calls the resident back."""
        return ("hanling_property.group_eng_supervisor",)

    def _user_fixes_fees(self):
        return any(self.env.user.has_group(group) for group in FEE_GROUPS)

    def _default_supervisor(self):
        if self.env.user.has_group("hanling_property.group_eng_supervisor"):
            return self.env.user
        return self.env["res.users"]

    def _schedule_punctuality_check(self):
        """At the appointment time the supervisor phones the resident (篇2 二 六) 1)."""
        self.activity_unlink(["hanling_property.mail_activity_type_work_order_punctuality"])
        for order in self.filtered("supervisor_id"):
            deadline = order.date_arrival_deadline or fields.Datetime.now()
            order.activity_schedule(
                "hanling_property.mail_activity_type_work_order_punctuality",
                date_deadline=fields.Date.to_date(
                    fields.Datetime.context_timestamp(order, deadline)
                ),
                summary=_(
                    "Phone the resident: was %(tech)s on time?",
                    tech=order.technician_id.name,
                ),
                user_id=order.supervisor_id.id,
            )

    def _schedule_fee_activities(self):
        """The engineering supervisor and a customer-service supervisor fix the fee together."""
        for order in self:
            # A customer-service supervisor proper before the office manager.
            cs_user = self.env["res.users"]._hanling_role_users(
                "hanling_property.group_cs_supervisor",
                order.company_id,
                exclude_group_xmlid="hanling_property.group_manager",
            )[:1]
            for user in (order.supervisor_id | cs_user) or self.env.user:
                order.activity_schedule(
                    "hanling_property.mail_activity_type_work_order_fee",
                    summary=_("Fix the fee of %(name)s", name=order.name),
                    user_id=user.id,
                )

    def _get_materials_product(self):
        return self.env.ref("hanling_property.product_work_order_materials")

    def _prepare_invoice_line_values(self):
        """Labour from the catalogue service's product, then the materials charged."""
        self.ensure_one()
        lines = []
        if not self.currency_id.is_zero(self.labour_price):
            lines.append(
                {
                    "product_id": self.service_id.product_id.id,
                    "name": _("%(service)s (labour)", service=self.service_id.name),
                    "quantity": 1.0,
                    "price_unit": self.labour_price,
                }
            )
        materials_product = self._get_materials_product()
        for material in self.material_ids.filtered("bought_for_resident"):
            lines.append(
                {
                    "product_id": materials_product.id,
                    "name": material.name,
                    "quantity": material.quantity,
                    "price_unit": material.price_unit,
                }
            )
        return lines

    def _prepare_invoice_values(self):
        """Hook: the customer invoice of this work order (the finance copy, 财务联)."""
        self.ensure_one()
        return self.env["hanling.money.service"]._invoice_values(
            self.company_id,
            self.partner_id,
            self._prepare_invoice_line_values(),
            community=self.community_id,
            invoice_origin=self.name,
            ref=self.name,
            narration=self.unit_id.display_name or False,
        )

    def _create_invoices(self):
        """Post one customer invoice per billable order; free jobs without materials get none."""
        billable = self.filtered(lambda o: o.invoice_status == "to_invoice")
        if billable.filtered(lambda o: o.invoice_id):
            raise UserError(_("This work order is already invoiced."))
        if billable.filtered(lambda o: not o.partner_id):
            raise UserError(_("Set the resident to invoice before the fee can be invoiced."))
        if billable.filtered(lambda o: o.labour_price and not o.service_id.product_id):
            raise UserError(_("The catalogue service has no invoicing product."))
        # Technicians and supervisors record the finance copy of the order (one batch, posted
        # for the accountant to collect) through the money service.
        moves = self.env["hanling.money.service"]._create_invoices(
            [order._prepare_invoice_values() for order in billable]
        )
        for order, move in zip(billable, moves, strict=True):
            order.invoice_id = move.id
        return moves
