from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import LazyTranslate

from ..tools.workflow import workflow_step
from .deadline_mixin import deadline_flag

_lt = LazyTranslate(__name__)

# Manual 篇1 (一) 1): the reception of a new owner should take no more than 30 minutes.
MOVE_IN_TARGET_MINUTES = 30
# 篇1 (一) 1) 4: the utilities are opened "in time" at the move-in; a request is chased when the
# supplier has not opened it within this many days (the clerk may set another date).
UTILITY_ACTIVATION_DAYS = 3


class HanlingMoveIn(models.Model):
    _name = "hanling.move.in"
    _description = "Move-in Reception"
    _inherit = [
        "hanling.workflow.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "hanling.document.mixin",
    ]
    _order = "date_started desc, id desc"
    _check_company_auto = True
    _hanling_document_set = "move_in"

    _workflow_fields = (
        "state",
        "date_started",
        "date_done",
        "occupancy_id",
        "cleaning_work_order_id",
    )
    _workflow_lock = {
        ("in_progress", "done", "cancel"): ("unit_id", "mode", "date_appointment", "company_id"),
        # What the owner was received with and signed for.
        ("done", "cancel"): (
            "partner_id",
            "identity_checked",
            "user_id",
            "document_line_ids",
            "key_ids",
        ),
    }
    _sequence_code = "hanling.move.in"

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default=lambda s: _("New")
    )
    state = fields.Selection(
        [
            ("draft", "Scheduled"),
            ("in_progress", "In Reception"),
            ("done", "Completed"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    unit_id = fields.Many2one(
        "hanling.unit", required=True, index=True, tracking=True, check_company=True
    )
    community_id = fields.Many2one(related="unit_id.community_id", store=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner", string="Owner", required=True, index=True, tracking=True
    )
    phone = fields.Char(related="partner_id.mobile", string="Mobile")
    user_id = fields.Many2one(
        "res.users",
        string="Clerk",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        check_company=True,
    )
    mode = fields.Selection(
        [("office", "At the Office"), ("home_visit", "Home Visit")],
        string="Reception",
        required=True,
        default="office",
        help="Owners who cannot come to the office are received at home by appointment.",
    )
    date_appointment = fields.Datetime(string="Appointment", tracking=True)
    date_started = fields.Datetime(string="Started", readonly=True, copy=False, index=True)
    date_done = fields.Datetime(string="Completed", readonly=True, copy=False, index=True)
    duration = fields.Float(
        string="Duration (min)",
        compute="_compute_duration",
        store=True,
        aggregator="avg",
        help="Minutes between the start and the completion of the reception.",
    )
    is_on_time = fields.Boolean(
        string="Within 30 Minutes", compute="_compute_duration", store=True, index=True
    )
    on_time_rate = fields.Float(
        string="On-time Rate (%)",
        compute="_compute_duration",
        store=True,
        aggregator="avg",
        help="100 when the reception took 30 minutes or less, 0 otherwise; its average is the "
        "share of receptions on time.",
    )
    identity_checked = fields.Boolean(string="Identity Checked", tracking=True)
    document_line_ids = fields.One2many(
        "hanling.document.line", "move_in_id", string="Documents", copy=False
    )
    key_ids = fields.One2many("hanling.move.in.key", "move_in_id", string="Keys", copy=False)
    defect_ids = fields.One2many(
        "hanling.move.in.defect", "move_in_id", string="Outstanding Defects", copy=False
    )
    utility_ids = fields.One2many(
        "hanling.move.in.utility", "move_in_id", string="Utilities", copy=False
    )
    bank_agreement = fields.Boolean(
        string="Bank Collection Agreement",
        tracking=True,
        help="一卡通: the owner signed the agreement letting the bank collect the fees.",
    )
    bank_id = fields.Many2one("res.bank", string="Bank")
    occupancy_id = fields.Many2one(
        "hanling.occupancy", string="Occupancy", readonly=True, copy=False, check_company=True
    )
    # Stored: the deadline check marks the dependants of the lines' flags when time moves them.
    utilities_overdue = fields.Boolean(
        string="Utility Overdue",
        compute="_compute_utilities_overdue",
        store=True,
        index=True,
        help="A requested utility is not activated by the date it was expected.",
    )
    # 篇1 (一) 5): the new home is cleaned at the move-in, when the owner wants it, at the time
    # the owner chooses; booked as a work order of the catalogue's cleaning service.
    cleaning_answer = fields.Selection(
        [("wanted", "Wanted"), ("declined", "Declined")],
        string="New-home Cleaning",
        tracking=True,
        copy=False,
        help="The owner's answer when offered the cleaning of the new home.",
    )
    cleaning_service_id = fields.Many2one(
        "hanling.service",
        string="Cleaning Service",
        default=lambda self: self.env.ref(
            "hanling_property.service_paid_34", raise_if_not_found=False
        ),
        domain="[('category_id.name', 'ilike', '清洁')]",
        check_company=True,
    )
    cleaning_date = fields.Datetime(
        string="Cleaning Appointment", copy=False, help="The time the owner chose."
    )
    cleaning_work_order_id = fields.Many2one(
        "hanling.work.order", string="Cleaning Work Order", readonly=True, copy=False
    )
    moving_ids = fields.One2many(
        "hanling.moving.booking", "move_in_id", string="Moving Bookings", copy=False
    )
    moving_count = fields.Integer(compute="_compute_moving_count")
    cancel_reason = fields.Char()
    note = fields.Html()

    @api.depends("date_started", "date_done")
    def _compute_duration(self):
        for move_in in self:
            if move_in.date_started and move_in.date_done:
                seconds = (move_in.date_done - move_in.date_started).total_seconds()
                move_in.duration = round(seconds / 60.0, 1)
                move_in.is_on_time = move_in.duration <= MOVE_IN_TARGET_MINUTES
                move_in.on_time_rate = 100.0 if move_in.is_on_time else 0.0
            else:
                move_in.duration = 0.0
                move_in.is_on_time = False
                move_in.on_time_rate = 0.0

    @api.depends("utility_ids.is_overdue")
    def _compute_utilities_overdue(self):
        for move_in in self:
            move_in.utilities_overdue = any(move_in.utility_ids.mapped("is_overdue"))

    def _compute_moving_count(self):
        for move_in in self:
            move_in.moving_count = len(move_in.moving_ids)

    @api.constrains("unit_id", "state")
    def _check_one_open_per_unit(self):
        open_states = ("draft", "in_progress")
        others = self.search(
            [
                ("unit_id", "in", self.unit_id.ids),
                ("state", "in", open_states),
                ("id", "not in", self.ids),
            ]
        )
        for move_in in self.filtered(lambda m: m.state in open_states):
            if move_in.unit_id in others.unit_id:
                raise ValidationError(
                    _(
                        "%(unit)s already has a move-in reception under way.",
                        unit=move_in.unit_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("utility_ids"):
                vals["utility_ids"] = [
                    fields.Command.create({"utility": u})
                    for u in ("water", "electricity", "gas", "phone", "cable_tv")
                ]
        move_ins = super().create(vals_list)
        move_ins.filtered("date_appointment")._schedule_appointment()
        return move_ins

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(m.state == "done" for m in self):
            raise UserError(_("A completed move-in cannot be deleted."))

    @workflow_step
    def action_start(self):
        self._check_state(["draft"], message=_("Only a scheduled move-in can be started."))
        self._action_start()
        return True

    def _action_start(self):
        self.write({"state": "in_progress", "date_started": fields.Datetime.now()})

    @workflow_step
    def action_done(self):
        # One completion, one occupancy: the state guard locks the rows first.
        self._check_state(["in_progress"], message=_("Start the reception before completing it."))
        for move_in in self:
            if not move_in.identity_checked:
                raise UserError(_("Check the owner's identity before completing the move-in."))
            if not move_in.key_ids:
                raise UserError(_("Record the keys the owner signed for (签领钥匙登记)."))
            move_in.document_line_ids._check_required_received(move_in.name)
            if not move_in.cleaning_answer:
                raise UserError(
                    _(
                        "Offer the new-home cleaning and record the owner's answer before "
                        "completing the move-in."
                    )
                )
        self._action_done()
        return True

    def _action_done(self):
        self.write({"state": "done", "date_done": fields.Datetime.now()})
        for move_in in self:
            move_in.occupancy_id = move_in._create_occupancy()
        self.activity_unlink(["mail.mail_activity_data_todo"])
        self._hanling_documents_collected()

    def _create_occupancy(self):
        """Make the owner an occupant of the unit from today (keeps an existing one)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        current = self.unit_id.occupancy_ids.filtered(
            lambda o: (
                o.partner_id == self.partner_id and o.role == "owner" and o._is_current_on(today)
            )
        )
        if current:
            return current[:1]
        return self.env["hanling.occupancy"].create(
            {
                "unit_id": self.unit_id.id,
                "partner_id": self.partner_id.id,
                "role": "owner",
                "date_start": today,
            }
        )

    @workflow_step
    def action_cancel(self):
        self._check_state(
            ["draft", "in_progress"],
            message=_("Only a move-in not yet completed can be cancelled."),
        )
        self._action_cancel()
        return True

    def _action_cancel(self):
        self.write({"state": "cancel"})
        self.activity_unlink(["mail.mail_activity_data_todo"])

    @workflow_step
    def action_reset(self):
        self._check_state(["cancel"], message=_("Only a cancelled move-in can be scheduled again."))
        self.write({"state": "draft", "date_started": False})
        return True

    @workflow_step
    def action_book_cleaning(self):
        """篇1 (一) 5): book the cleaning the owner wants as a work order of the catalogue."""
        self._check_state(
            ["in_progress", "done"],
            message=_("The new-home cleaning is booked during or after the reception."),
        )
        for move_in in self:
            if move_in.cleaning_answer != "wanted":
                raise UserError(_("The owner has not asked for the new-home cleaning."))
            order = move_in.cleaning_work_order_id
            if order and order.state != "cancel":
                raise UserError(
                    _("The new-home cleaning is already booked: %(order)s.", order=order.name)
                )
            if not move_in.cleaning_service_id:
                raise UserError(_("Choose the cleaning service of the catalogue."))
            if not move_in.cleaning_date:
                raise UserError(_("Give the time the owner chose for the cleaning."))
            order = self.env["hanling.work.order"].create(move_in._cleaning_order_values())
            move_in.cleaning_work_order_id = order
            move_in.message_post(
                body=_("New-home cleaning booked: %(order)s.", order=order.name),
            )
        return True

    def _cleaning_order_values(self):
        self.ensure_one()
        return {
            "company_id": self.company_id.id,
            "unit_id": self.unit_id.id,
            "partner_id": self.partner_id.id,
            "channel": "visit",
            "service_id": self.cleaning_service_id.id,
            "description": _(
                "New-home cleaning at the move-in %(move_in)s (%(unit)s)",
                move_in=self.name,
                unit=self.unit_id.display_name,
            ),
            "urgency": "appointment",
            "appointment_date": self.cleaning_date,
        }

    def action_view_cleaning_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "hanling.work.order",
            "res_id": self.cleaning_work_order_id.id,
            "view_mode": "form",
        }

    def action_book_moving(self):
        """篇1 (一) 3): open a moving booking for this move-in (zone, guard, moving team)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Moving Service"),
            "res_model": "hanling.moving.booking",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_move_in_id": self.id,
                "default_unit_id": self.unit_id.id,
                "default_partner_id": self.partner_id.id,
            },
        }

    def action_view_moving(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Moving Service"),
            "res_model": "hanling.moving.booking",
            "view_mode": "list,form",
            "domain": [("move_in_id", "=", self.id)],
            "context": {
                "default_move_in_id": self.id,
                "default_unit_id": self.unit_id.id,
                "default_partner_id": self.partner_id.id,
            },
        }

    def _schedule_appointment(self):
        for move_in in self:
            summary = (
                _("Home visit for the move-in of %(unit)s", unit=move_in.unit_id.display_name)
                if move_in.mode == "home_visit"
                else _("Move-in appointment for %(unit)s", unit=move_in.unit_id.display_name)
            )
            move_in.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(move_in, move_in.date_appointment),
                summary=summary,
                user_id=move_in.user_id.id,
            )


class HanlingMoveInKey(models.Model):
    _name = "hanling.move.in.key"
    _description = "Key Signed For"
    _order = "id"

    move_in_id = fields.Many2one("hanling.move.in", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="move_in_id.company_id", store=True, index=True)
    key_type = fields.Selection(
        [
            ("unit_door", "Unit Door"),
            ("building_door", "Building Entrance"),
            ("mailbox", "Mailbox"),
            ("meter_box", "Meter Box"),
            ("access_card", "Access Card"),
            ("other", "Other"),
        ],
        string="Key",
        required=True,
        default="unit_door",
    )
    description = fields.Char()
    quantity = fields.Integer(required=True, default=1)
    signed = fields.Boolean(string="Signed For", default=True)

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "The number of keys must be positive."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        keys = super().create(vals_list)
        keys.move_in_id._check_lines_unlocked("key_ids")
        return keys

    def write(self, vals):
        self.move_in_id._check_lines_unlocked("key_ids")
        result = super().write(vals)
        if "move_in_id" in vals:
            self.move_in_id._check_lines_unlocked("key_ids")
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked(self):
        self.move_in_id._check_lines_unlocked("key_ids")


class HanlingMoveInDefect(models.Model):
    _name = "hanling.move.in.defect"
    _description = "Outstanding Defect"
    _order = "id"

    move_in_id = fields.Many2one("hanling.move.in", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="move_in_id.company_id", store=True, index=True)
    location = fields.Char(help="Room or part of the unit, e.g. kitchen, main bedroom window.")
    description = fields.Char(required=True)
    date_rectified = fields.Date(string="Rectified On")
    is_rectified = fields.Boolean(string="Rectified", compute="_compute_is_rectified", store=True)

    @api.depends("date_rectified")
    def _compute_is_rectified(self):
        for defect in self:
            defect.is_rectified = bool(defect.date_rectified)


class HanlingMoveInUtility(models.Model):
    """篇1 (一) 1) 4: water, power, gas, telephone and cable TV opened at the move-in; each one
    requested is followed until the supplier has opened it (deadline, reminder to the clerk)."""

    _name = "hanling.move.in.utility"
    _description = "Utility to Activate"
    _inherit = [
        "hanling.workflow.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "hanling.deadline.mixin",
    ]
    _order = "id"
    _deadlines = {
        "activation": {
            "due": "date_due",
            "done": "date_activated",
            "flag": "is_overdue",
            "open_states": ("requested",),
            "activity": "hanling_property.mail_activity_type_utility",
            "user": ("user_id",),
            "summary": _lt("Utility not activated yet: %(name)s"),
        },
    }

    _workflow_fields = ("state", "date_requested", "date_activated")
    _workflow_lock = {("done",): ("move_in_id", "utility", "date_due")}

    move_in_id = fields.Many2one("hanling.move.in", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="move_in_id.company_id", store=True, index=True)
    utility = fields.Selection(
        [
            ("water", "Water"),
            ("electricity", "Electricity"),
            ("gas", "Gas"),
            ("phone", "Telephone"),
            ("cable_tv", "Cable TV"),
        ],
        required=True,
    )
    state = fields.Selection(
        [("not_needed", "Not Needed"), ("requested", "Requested"), ("done", "Activated")],
        required=True,
        default="not_needed",
        readonly=True,
        copy=False,
    )
    date_done = fields.Date(string="Activated On", help="Today unless given when activated.")
    note = fields.Char()
    user_id = fields.Many2one(related="move_in_id.user_id", string="Clerk")
    unit_id = fields.Many2one(related="move_in_id.unit_id")
    date_requested = fields.Date(string="Requested On", readonly=True, copy=False)
    date_due = fields.Date(
        string="Expected By",
        copy=False,
        help="When the supplier should have opened it; the clerk is reminded once it is past.",
    )
    date_activated = fields.Datetime(string="Activation Recorded", readonly=True, copy=False)
    is_overdue = deadline_flag("Activation Overdue")

    @api.depends("move_in_id.name", "utility")
    def _compute_display_name(self):
        labels = dict(self._fields["utility"]._description_selection(self.env))
        for line in self:
            line.display_name = f"{line.move_in_id.name or ''} {labels.get(line.utility, '')}"

    @workflow_step
    def action_request(self):
        self._check_state(
            ["not_needed"], message=_("Only a utility not asked for yet can be requested.")
        )
        today = fields.Date.context_today(self)
        for utility in self:
            utility.write(
                {
                    "state": "requested",
                    "date_requested": today,
                    "date_due": utility.date_due or today + timedelta(days=UTILITY_ACTIVATION_DAYS),
                }
            )
        return True

    @workflow_step
    def action_activate(self):
        self._check_state(
            ["not_needed", "requested"], message=_("This utility is already activated.")
        )
        today = fields.Date.context_today(self)
        now = fields.Datetime.now()
        for utility in self:
            utility.write(
                {"state": "done", "date_done": utility.date_done or today, "date_activated": now}
            )
        return True

    @workflow_step
    def action_not_needed(self):
        """Take back a request made by mistake."""
        self._check_state(["requested"], message=_("Only a requested utility can be taken back."))
        self.write({"state": "not_needed", "date_requested": False, "date_due": False})
        return True
