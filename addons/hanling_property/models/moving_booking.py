from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.workflow import workflow_step

BOOKED_STATES = ("confirmed",)


class HanlingMovingBooking(models.Model):
    """搬家服务 (篇1 一 3): the office sets aside part of the grounds as a temporary unloading zone
    with a guard watching it, and its moving team (staff, helped by hired porters) moves the
    resident; residents may also bring their own movers, who get the zone and the guard."""

    _name = "hanling.moving.booking"
    _description = "Moving Service Booking"
    _inherit = ["hanling.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _sequence_code = "hanling.moving.booking"

    _workflow_fields = ("state", "confirmed_by_id", "date_confirmed", "date_finished")
    _workflow_lock = {
        # What was booked: a change is a new booking (the zone and the guard were checked free).
        ("confirmed", "done", "cancel"): (
            "unit_id",
            "date_start",
            "date_end",
            "unloading_zone",
            "guard_id",
            "company_id",
        ),
        ("done", "cancel"): ("partner_id", "move_in_id", "team", "team_leader_id", "crew_size"),
    }

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default=lambda s: _("New")
    )
    state = fields.Selection(
        [
            ("draft", "Requested"),
            ("confirmed", "Booked"),
            ("done", "Done"),
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
    unit_id = fields.Many2one(
        "hanling.unit", required=True, index=True, tracking=True, check_company=True
    )
    community_id = fields.Many2one(related="unit_id.community_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Resident", required=True, tracking=True)
    phone = fields.Char(related="partner_id.mobile", string="Mobile")
    move_in_id = fields.Many2one(
        "hanling.move.in", string="Move-in", index="btree_not_null", check_company=True
    )
    direction = fields.Selection(
        [("in", "Moving In"), ("out", "Moving Out")], required=True, default="in"
    )
    date_start = fields.Datetime(string="From", required=True, tracking=True)
    date_end = fields.Datetime(string="To", required=True, tracking=True)
    unloading_zone = fields.Char(
        string="Unloading Zone",
        tracking=True,
        help="The part of the grounds set aside for the lorry and the goods (落货区).",
    )
    guard_id = fields.Many2one(
        "res.users",
        string="Guard",
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
        help="The member of staff who watches the unloading zone.",
    )
    team = fields.Selection(
        [("office", "Office Moving Team"), ("own", "Resident's Own Movers")],
        string="Movers",
        required=True,
        default="office",
        tracking=True,
    )
    team_leader_id = fields.Many2one(
        "res.users",
        string="Team Leader",
        check_company=True,
        domain="[('share', '=', False)]",
        tracking=True,
    )
    crew_size = fields.Integer(string="Movers Needed", default=2)
    user_id = fields.Many2one(
        "res.users",
        string="Booked By",
        required=True,
        default=lambda self: self.env.user,
        check_company=True,
    )
    confirmed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_confirmed = fields.Datetime(string="Booked On", readonly=True, copy=False)
    date_finished = fields.Datetime(string="Finished On", readonly=True, copy=False)
    note = fields.Text()

    _sql_constraints = [
        ("crew_size_positive", "CHECK(crew_size >= 0)", "The number of movers cannot be negative."),
    ]

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for booking in self:
            if booking.date_end <= booking.date_start:
                raise ValidationError(_("The moving must end after it starts."))

    @api.onchange("move_in_id")
    def _onchange_move_in_id(self):
        if self.move_in_id:
            self.unit_id = self.move_in_id.unit_id
            self.partner_id = self.move_in_id.partner_id

    # ------------------------------------------------------------------ steps

    @workflow_step
    def action_confirm(self):
        self._check_state(["draft"], message=_("Only a requested moving can be booked."))
        for booking in self:
            booking._check_bookable()
        self.write(
            {
                "state": "confirmed",
                "confirmed_by_id": self.env.user.id,
                "date_confirmed": fields.Datetime.now(),
            }
        )
        for booking in self:
            for user in booking.guard_id | booking.team_leader_id:
                booking.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=fields.Date.context_today(booking, booking.date_start),
                    summary=_(
                        "Moving at %(unit)s: %(zone)s",
                        unit=booking.unit_id.display_name,
                        zone=booking.unloading_zone,
                    ),
                    user_id=user.id,
                )
        return True

    def _check_bookable(self):
        """The zone and its guard are given, and neither is taken at that time."""
        self.ensure_one()
        if not (self.unloading_zone or "").strip():
            raise UserError(_("Set aside the unloading zone for the moving."))
        if not self.guard_id:
            raise UserError(_("Name the guard who watches the unloading zone."))
        if self.team == "office" and not self.team_leader_id:
            raise UserError(_("Name the leader of the office's moving team."))
        overlapping = self.search(
            [
                ("id", "!=", self.id),
                ("company_id", "=", self.company_id.id),
                ("state", "in", BOOKED_STATES),
                ("date_start", "<", self.date_end),
                ("date_end", ">", self.date_start),
            ]
        )
        zone = self.unloading_zone.strip().casefold()
        for other in overlapping:
            same_place = other.community_id == self.community_id
            if same_place and (other.unloading_zone or "").strip().casefold() == zone:
                raise UserError(
                    _(
                        "The unloading zone %(zone)s is booked at that time by %(other)s.",
                        zone=self.unloading_zone,
                        other=other.name,
                    )
                )
            if other.guard_id == self.guard_id:
                raise UserError(
                    _(
                        "%(guard)s already guards %(other)s at that time.",
                        guard=self.guard_id.name,
                        other=other.name,
                    )
                )

    @workflow_step
    def action_done(self):
        self._check_state(["confirmed"], message=_("Only a booked moving can be finished."))
        self.write({"state": "done", "date_finished": fields.Datetime.now()})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    @workflow_step
    def action_cancel(self):
        self._check_state(
            ["draft", "confirmed"], message=_("Only a moving not yet done can be cancelled.")
        )
        self.write({"state": "cancel"})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    @workflow_step
    def action_draft(self):
        self._check_state(["cancel"], message=_("Only a cancelled moving can be requested again."))
        self.write({"state": "draft", "confirmed_by_id": False, "date_confirmed": False})
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_booked(self):
        if self.filtered(lambda b: b.state in ("confirmed", "done")):
            raise UserError(_("A booked or finished moving cannot be deleted; cancel it."))
