import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.workflow import workflow_step


class HanlingEventSession(models.Model):
    _name = "hanling.event.session"
    _description = "Activity Session"
    _inherit = ["hanling.workflow.mixin"]
    _order = "date_begin desc, id desc"
    _check_company_auto = True
    # No state: the guard keeps the session's own room booking (unlinked with the session) and
    # the time of its roll call for the server to set.
    _workflow_fields = ("booking_id", "date_roll_call")

    name = fields.Char(compute="_compute_name", store=True)
    event_id = fields.Many2one(
        "event.event", string="Activity", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="event_id.company_id", store=True, index=True)
    community_id = fields.Many2one(
        related="event_id.hanling_community_id", store=True, index=True, string="Community"
    )
    kind = fields.Selection(related="event_id.hanling_kind", store=True, index=True)
    date_begin = fields.Datetime(string="Start", required=True, index=True)
    date_end = fields.Datetime(string="End", required=True)
    date_roll_call = fields.Datetime(string="Roll Call Taken", readonly=True, copy=False)
    booking_id = fields.Many2one(
        "hanling.room.booking",
        string="Room Booking",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    attendance_ids = fields.One2many("hanling.event.attendance", "session_id", string="Attendance")
    present_count = fields.Integer(compute="_compute_counts", string="Present")
    absent_count = fields.Integer(compute="_compute_counts", string="Absent")
    uncollected_count = fields.Integer(compute="_compute_counts", string="Not Collected")

    @api.depends("event_id.name", "date_begin", "event_id.date_tz")
    def _compute_name(self):
        for session in self:
            if not session.date_begin:
                session.name = session.event_id.name
                continue
            tz = pytz.timezone(session.event_id.date_tz or "UTC")
            local = pytz.utc.localize(session.date_begin).astimezone(tz)
            session.name = f"{session.event_id.name or ''} {local:%Y-%m-%d %H:%M}"

    @api.depends("attendance_ids.state", "attendance_ids.is_child")
    def _compute_counts(self):
        for session in self:
            states = session.attendance_ids.mapped("state")
            session.present_count = states.count("present") + states.count("left")
            session.absent_count = states.count("absent")
            session.uncollected_count = len(
                session.attendance_ids.filtered(lambda a: a.is_child and a.state == "present")
            )

    @api.constrains("date_begin", "date_end")
    def _check_dates(self):
        for session in self:
            if session.date_end <= session.date_begin:
                raise ValidationError(_("A session must end after it starts."))

    @api.model_create_multi
    def create(self, vals_list):
        sessions = super().create(vals_list)
        sessions._sync_room_bookings()
        return sessions

    def write(self, vals):
        res = super().write(vals)
        if {"date_begin", "date_end", "event_id"} & set(vals):
            self._sync_room_bookings()
        return res

    def unlink(self):
        # sudo: the room booking belongs to the session (see _sync_room_bookings).
        bookings = self.sudo().booking_id
        res = super().unlink()
        bookings.unlink()
        return res

    @workflow_step
    def _sync_room_bookings(self):
        """Book the activity's room for each session, so residents cannot book it then."""
        to_create = self.filtered(lambda s: s.event_id.hanling_room_id and not s.booking_id)
        # sudo: the room follows the activity's timetable, whoever plans the sessions.
        bookings = (
            self.env["hanling.room.booking"]
            .sudo()
            .create(
                [
                    {
                        "room_id": session.event_id.hanling_room_id.id,
                        "event_id": session.event_id.id,
                        "purpose": session.event_id.name,
                        "date_start": session.date_begin,
                        "date_stop": session.date_end,
                    }
                    for session in to_create
                ]
            )
        )
        for session, booking in zip(to_create, bookings, strict=True):
            session.booking_id = booking
        for session in (self - to_create).filtered("booking_id"):
            # sudo: the session's own room booking follows its times, whoever moves the session.
            booking = session.booking_id.sudo()
            if booking.state == "cancel":
                continue  # a cancelled booking keeps the times it freed
            if (booking.date_start, booking.date_stop) != (session.date_begin, session.date_end):
                booking.write({"date_start": session.date_begin, "date_stop": session.date_end})

    def action_roll_call(self):
        """Open the phone-sized roll call, listing every confirmed participant."""
        self.ensure_one()
        self._roll_call()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hanling_property.hanling_event_attendance_action_roll_call"
        )
        action["domain"] = [("session_id", "=", self.id)]
        action["context"] = {"default_session_id": self.id}
        action["name"] = self.name
        return action

    @workflow_step
    def _roll_call(self):
        """Create the missing attendance lines for the confirmed participants."""
        registrations = self.env["event.registration"].search(
            [("event_id", "in", self.event_id.ids), ("state", "in", ("open", "done"))]
        )
        vals_list = []
        for session in self:
            listed = session.attendance_ids.registration_id
            for registration in registrations:
                if registration.event_id == session.event_id and registration not in listed:
                    vals_list.append({"session_id": session.id, "registration_id": registration.id})
        self.filtered(lambda s: not s.date_roll_call).date_roll_call = fields.Datetime.now()
        return self.env["hanling.event.attendance"].create(vals_list)


class HanlingEventAttendance(models.Model):
    _name = "hanling.event.attendance"
    _description = "Session Attendance"
    _inherit = ["hanling.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "session_id desc, name, id"
    _check_company_auto = True
    _workflow_fields = ("state", "date_arrived", "date_collected", "date_alerted")
    _workflow_lock = {
        # The line is one participant at one session, once the roll call has started on it.
        ("present", "absent", "left"): ("session_id", "registration_id"),
        # Who took the child home is the record of the collection.
        ("left",): ("collected_by",),
    }

    session_id = fields.Many2one(
        "hanling.event.session", required=True, index=True, ondelete="cascade", string="Session"
    )
    registration_id = fields.Many2one(
        "event.registration", string="Participant", required=True, index=True, ondelete="cascade"
    )
    event_id = fields.Many2one(related="session_id.event_id", store=True, index=True)
    company_id = fields.Many2one(related="session_id.company_id", store=True, index=True)
    name = fields.Char(related="registration_id.name", store=True, string="Name")
    is_child = fields.Boolean(compute="_compute_is_child", store=True, index=True)
    age = fields.Integer(related="registration_id.hanling_age")
    guardian_id = fields.Many2one(related="registration_id.hanling_guardian_id")
    pickup_contact = fields.Char(related="registration_id.hanling_pickup_contact")
    pickup_phone = fields.Char(related="registration_id.hanling_pickup_phone")
    state = fields.Selection(
        [
            ("pending", "Not Checked"),
            ("present", "Present"),
            ("absent", "Absent"),
            ("left", "Left / Collected"),
        ],
        default="pending",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    date_arrived = fields.Datetime(string="Arrived At", readonly=True, copy=False)
    collected_by = fields.Char(string="Collected By", tracking=True)
    date_collected = fields.Datetime(string="Collected At", readonly=True, copy=False)
    date_alerted = fields.Datetime(string="Duty Officer Alerted", readonly=True, copy=False)

    _sql_constraints = [
        (
            "registration_session_uniq",
            "unique(session_id, registration_id)",
            "A participant is listed once per session.",
        ),
    ]

    @api.depends("registration_id.hanling_attendee_kind")
    def _compute_is_child(self):
        for attendance in self:
            attendance.is_child = attendance.registration_id.hanling_attendee_kind == "child"

    @api.constrains("session_id", "registration_id")
    def _check_same_event(self):
        for attendance in self:
            if attendance.registration_id.event_id != attendance.session_id.event_id:
                raise ValidationError(_("The participant is not registered for this activity."))

    def action_present(self):
        self._check_state(
            ["pending", "absent"],
            message=_("Only participants not yet checked or marked absent can arrive."),
        )
        self._action_present()

    @workflow_step
    def _action_present(self):
        self.write({"state": "present", "date_arrived": fields.Datetime.now()})

    @workflow_step
    def action_absent(self):
        self._check_state(
            ["pending"], message=_("Only participants not yet checked can be marked absent.")
        )
        self.write({"state": "absent"})

    def action_collected(self):
        self._check_state(
            ["present"], message=_("Only participants who are present can leave or be collected.")
        )
        for attendance in self:
            if attendance.is_child and not (attendance.collected_by or attendance.pickup_contact):
                raise UserError(
                    _("Write down who collected “%(name)s”.", name=attendance.name or "")
                )
        self._action_collected()

    @workflow_step
    def _action_collected(self):
        now = fields.Datetime.now()
        for attendance in self:
            values = {"state": "left", "date_collected": now}
            if attendance.is_child and not attendance.collected_by:
                values["collected_by"] = attendance.pickup_contact
            attendance.write(values)
        self.activity_feedback(
            ["mail.mail_activity_data_todo"], feedback=_("The child has been collected.")
        )

    @api.model
    @workflow_step
    def _cron_alert_uncollected(self):
        """Alert the duty officer about children still present after the collection time."""
        now = fields.Datetime.now()
        candidates = self.search(
            [
                ("state", "=", "present"),
                ("is_child", "=", True),
                ("session_id.kind", "=", "after_school"),
                ("date_alerted", "=", False),
                ("session_id.date_begin", "<=", now),
            ]
        )
        late = self.browse()
        for attendance in candidates:
            event = attendance.event_id
            tz = pytz.timezone(event.date_tz or "UTC")
            day = pytz.utc.localize(attendance.session_id.date_begin).astimezone(tz).date()
            if event._hanling_pickup_deadline_utc(day) <= now:
                late |= attendance
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        # One batch for all the late children rather than one activity_schedule() per child.
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": attendance.id,
                    "automated": True,
                    "activity_type_id": todo.id,
                    "date_deadline": today,
                    "summary": _("Child not collected: %(name)s", name=attendance.name or ""),
                    "note": _(
                        "%(name)s is still at “%(event)s”. Pick-up contact: %(contact)s %(phone)s.",
                        name=attendance.name or "",
                        event=attendance.event_id.name,
                        contact=attendance.pickup_contact or "-",
                        phone=attendance.pickup_phone or "",
                    ),
                    "user_id": attendance.event_id._hanling_alert_user().id,
                }
                for attendance in late
            ]
        )
        late.write({"date_alerted": now})
        return late
