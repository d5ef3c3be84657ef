from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.workflow import workflow_step


class HanlingRoomBooking(models.Model):
    _name = "hanling.room.booking"
    _description = "Room Booking"
    _inherit = ["hanling.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _workflow_fields = ("state", "date_cancelled", "booked_by_id")
    # A cancelled booking stays as it was: it freed the room for that time.
    _workflow_lock = {
        ("cancel",): (
            "room_id",
            "purpose",
            "date_start",
            "date_stop",
            "attendees",
            "partner_id",
            "unit_id",
            "event_id",
        ),
    }

    name = fields.Char(compute="_compute_name", store=True)
    room_id = fields.Many2one(
        "hanling.room", required=True, index=True, check_company=True, tracking=True, string="Room"
    )
    community_id = fields.Many2one(related="room_id.community_id", store=True, index=True)
    company_id = fields.Many2one(related="room_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Booked For", tracking=True, index=True)
    unit_id = fields.Many2one("hanling.unit", string="Unit", check_company=True)
    event_id = fields.Many2one("event.event", string="Activity", index=True, check_company=True)
    purpose = fields.Char(required=True, tracking=True)
    date_start = fields.Datetime(string="From", required=True, index=True, tracking=True)
    date_stop = fields.Datetime(string="To", required=True, index=True, tracking=True)
    attendees = fields.Integer(string="Expected People")
    state = fields.Selection(
        [("confirmed", "Confirmed"), ("cancel", "Cancelled")],
        default="confirmed",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    date_cancelled = fields.Datetime(string="Cancelled On", readonly=True, copy=False)
    booked_by_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        readonly=True,
        copy=False,
        string="Recorded By",
    )

    @api.depends("room_id.name", "purpose")
    def _compute_name(self):
        for booking in self:
            booking.name = f"{booking.room_id.name or ''} · {booking.purpose or ''}"

    @api.constrains("date_start", "date_stop", "room_id", "state", "attendees")
    def _check_no_double_booking(self):
        for booking in self:
            if not booking.date_start or not booking.date_stop:
                raise ValidationError(_("A booking needs the time it starts and ends."))
            if booking.date_stop <= booking.date_start:
                raise ValidationError(_("A booking must end after it starts."))
            if booking.room_id.capacity and booking.attendees > booking.room_id.capacity:
                raise ValidationError(
                    _(
                        "%(room)s holds %(capacity)s people, not %(count)s.",
                        room=booking.room_id.name,
                        capacity=booking.room_id.capacity,
                        count=booking.attendees,
                    )
                )
        confirmed = self.filtered(lambda b: b.state == "confirmed")
        if not confirmed:
            return
        # One query for the whole batch: any confirmed booking of the same rooms that overlaps.
        others = self.search(
            [
                ("room_id", "in", confirmed.room_id.ids),
                ("state", "=", "confirmed"),
                ("date_start", "<", max(confirmed.mapped("date_stop"))),
                ("date_stop", ">", min(confirmed.mapped("date_start"))),
            ]
        )
        for booking in confirmed:
            clash = others.filtered(
                lambda o, b=booking: (
                    o != b
                    and o.room_id == b.room_id
                    and o.date_start < b.date_stop
                    and o.date_stop > b.date_start
                )
            )
            if clash:
                raise ValidationError(
                    _(
                        "%(room)s is already booked from %(start)s to %(stop)s (%(purpose)s).",
                        room=booking.room_id.name,
                        start=fields.Datetime.to_string(
                            fields.Datetime.context_timestamp(self, clash[0].date_start)
                        )[:16],
                        stop=fields.Datetime.to_string(
                            fields.Datetime.context_timestamp(self, clash[0].date_stop)
                        )[:16],
                        purpose=clash[0].purpose,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._lock_rooms([vals.get("room_id") for vals in vals_list if vals.get("room_id")])
        return super().create(vals_list)

    def write(self, vals):
        if {"room_id", "date_start", "date_stop", "state"} & set(vals):
            self._lock_rooms(self.room_id.ids + ([vals["room_id"]] if vals.get("room_id") else []))
        return super().write(vals)

    def _lock_rooms(self, room_ids):
        # Two desks booking the same room at once must not both pass the overlap check: lock the
        # room rows until the end of the transaction.
        if room_ids:
            self.env.cr.execute(
                "SELECT id FROM hanling_room WHERE id IN %s FOR NO KEY UPDATE",
                [tuple(set(room_ids))],
            )

    @workflow_step
    def action_cancel(self):
        self._check_state(["confirmed"], message=_("Only confirmed bookings can be cancelled."))
        self._action_cancel()
        return True

    @workflow_step
    def _action_cancel(self):
        self.write({"state": "cancel", "date_cancelled": fields.Datetime.now()})
