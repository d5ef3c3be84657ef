from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.workflow import EditLockError

ACTIVITY_KINDS = [
    ("after_school", "After-School Centre"),
    ("tutoring", "Holiday Tutoring"),
    ("interest", "Interest Class"),
    ("elderly", "Elderly Class"),
    ("social", "Social Event"),
    ("outing", "Outing"),
    ("exhibition", "Exhibition or Performance"),
    ("health", "Health Centre"),
    ("other", "Other Activity"),
]


def _default_refund_days(env):
    # sudo: system parameters are technical configuration; this one number is read, nothing else.
    return int(env["ir.config_parameter"].sudo().get_param("hanling_property.event_refund_days", 3))


# The published terms of a paid activity: what each confirmed participant was billed and may
# get back. Once someone is registered they are the deal, and stay.
FEE_TERMS = ("hanling_service_id", "hanling_refund_days")


class EventEvent(models.Model):
    # The guard owns what is computed from the fee (whether the activity is paid: the invoice of
    # each confirmation follows it); the fee and the refund rule are frozen once participants
    # registered under them.
    _name = "event.event"
    _inherit = ["event.event", "hanling.workflow.mixin"]
    _workflow_fields = ()

    hanling_community_id = fields.Many2one(
        "hanling.community",
        string="Community",
        index=True,
        check_company=True,
        tracking=True,
        help="The residential community this class or activity is offered in.",
    )
    hanling_kind = fields.Selection(
        ACTIVITY_KINDS, string="Activity Kind", index=True, tracking=True
    )
    hanling_instructor = fields.Char(
        string="Teacher / Assistant",
        help="Who teaches or looks after the participants (e.g. a partner school's teacher or "
        "the property assistant).",
    )
    hanling_service_id = fields.Many2one(
        "hanling.service",
        string="Fee (Catalogue Service)",
        domain="[('fee_type', '=', 'paid'), ('company_id', 'in', [company_id, False])]",
        tracking=True,
        help="Leave empty for a free activity; a paid activity is invoiced at this catalogue "
        "service's price for each confirmed registration.",
    )
    hanling_is_paid = fields.Boolean(
        string="Paid Activity", compute="_compute_hanling_is_paid", store=True, index=True
    )
    hanling_currency_id = fields.Many2one(
        related="hanling_service_id.currency_id", string="Fee Currency"
    )
    hanling_price = fields.Monetary(
        related="hanling_service_id.list_price",
        string="Fee per Participant",
        currency_field="hanling_currency_id",
    )
    hanling_refund_days = fields.Integer(
        string="Full Refund up to (Days Before Start)",
        default=lambda self: _default_refund_days(self.env),
        tracking=True,
        help="A paid registration cancelled at least this many days before the start is refunded "
        "in full by a credit note; later cancellations are not refunded.",
    )
    hanling_refund_rule = fields.Char(string="Refund Rule", compute="_compute_hanling_refund_rule")
    hanling_pickup_deadline = fields.Float(
        string="Collect Children By",
        default=18.5,
        help="After-school centre: local time by which every child present at a session must "
        "have been collected; a child still there raises an activity for the duty officer.",
    )
    hanling_duty_user_id = fields.Many2one(
        "res.users",
        string="Duty Officer to Alert",
        domain="[('share', '=', False)]",
        check_company=True,
        help="Receives the alert for uncollected children; defaults to the responsible person.",
    )
    hanling_room_id = fields.Many2one(
        "hanling.room",
        string="Room",
        check_company=True,
        domain="[('community_id', '=', hanling_community_id)]",
        help="Each session books this room; a session that clashes with another booking is refused.",
    )
    hanling_session_ids = fields.One2many("hanling.event.session", "event_id", string="Sessions")
    hanling_session_count = fields.Integer(
        string="Session Count", compute="_compute_hanling_session_count"
    )
    hanling_waiting_count = fields.Integer(
        string="Waiting List", compute="_compute_hanling_waiting_count"
    )

    @api.depends("hanling_service_id")
    def _compute_hanling_is_paid(self):
        for event in self:
            event.hanling_is_paid = bool(event.hanling_service_id)

    @api.depends("hanling_is_paid", "hanling_refund_days")
    def _compute_hanling_refund_rule(self):
        for event in self:
            if not event.hanling_is_paid:
                event.hanling_refund_rule = _("Free activity: nothing to refund.")
            else:
                event.hanling_refund_rule = _(
                    "Full refund when cancelled at least %(days)s day(s) before the start; "
                    "no refund after that.",
                    days=event.hanling_refund_days,
                )

    def _compute_hanling_session_count(self):
        counts = dict(
            self.env["hanling.event.session"]._read_group(
                [("event_id", "in", self.ids)], ["event_id"], ["__count"]
            )
        )
        for event in self:
            event.hanling_session_count = counts.get(event, 0)

    def _compute_hanling_waiting_count(self):
        counts = dict(
            self.env["event.registration"]._read_group(
                [("event_id", "in", self.ids), ("hanling_waiting", "=", True)],
                ["event_id"],
                ["__count"],
            )
        )
        for event in self:
            event.hanling_waiting_count = counts.get(event, 0)

    @api.constrains("hanling_refund_days", "hanling_pickup_deadline")
    def _check_hanling_settings(self):
        for event in self:
            if event.hanling_refund_days < 0:
                raise ValidationError(_("The refund period cannot be negative."))
            if not 0 <= event.hanling_pickup_deadline < 24:
                raise ValidationError(_("The collection time must be between 00:00 and 23:59."))

    @api.constrains("hanling_community_id", "company_id")
    def _check_hanling_community_company(self):
        for event in self:
            community = event.hanling_community_id
            if community and event.company_id and community.company_id != event.company_id:
                raise ValidationError(
                    _("The community “%(name)s” belongs to another office.", name=community.name)
                )

    def write(self, vals):
        if set(FEE_TERMS) & set(vals) and not self._workflow_open():
            self._hanling_check_fee_terms(vals)
        res = super().write(vals)
        if {"seats_max", "seats_limited"} & set(vals):
            # More seats: the waiting list moves up at once.
            self._hanling_promote_waiting()
        return res

    def _hanling_check_fee_terms(self, vals):
        """The fee and refund rule of an activity with registrations are the participants'
        deal: refused once anyone is registered (a new activity is published instead)."""
        changed = [name for name in FEE_TERMS if name in vals]
        for event in self:
            new = {
                name: self._fields[name].convert_to_record(
                    self._fields[name].convert_to_cache(vals[name], event), event
                )
                for name in changed
            }
            if all(event[name] == value for name, value in new.items()):
                continue
            # sudo: whether anyone registered, whoever changes the activity.
            registered = event.sudo().registration_ids.filtered(
                lambda r: r.state in ("open", "done") or r.hanling_invoice_id
            )
            if registered:
                raise EditLockError(
                    _(
                        "%(event)s has registered participants: %(fields)s can no longer be "
                        "changed.",
                        event=event.display_name,
                        fields=", ".join(
                            sorted(self._fields[n]._description_string(self.env) for n in changed)
                        ),
                    )
                )

    def action_hanling_generate_sessions(self):
        """One session per day of the event (weekdays only for the after-school centre)."""
        for event in self:
            if not event.date_begin or not event.date_end:
                raise UserError(_("Set the start and end dates first."))
        self._hanling_generate_sessions()
        return True

    def action_hanling_view_sessions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hanling_property.hanling_event_session_action"
        )
        action["domain"] = [("event_id", "=", self.id)]
        action["context"] = {"default_event_id": self.id}
        return action

    def _hanling_generate_sessions(self):
        existing = {
            (session.event_id.id, session.date_begin)
            for session in self.env["hanling.event.session"].search([("event_id", "in", self.ids)])
        }
        vals_list = []
        for event in self:
            tz = pytz.timezone(event.date_tz or "UTC")
            begin = pytz.utc.localize(event.date_begin).astimezone(tz)
            end = pytz.utc.localize(event.date_end).astimezone(tz)
            start_time, end_time = begin.timetz(), end.timetz()
            if (end_time.hour, end_time.minute) <= (start_time.hour, start_time.minute):
                end_time = time(23, 59)
            day = begin.date()
            while day <= end.date():
                if event.hanling_kind != "after_school" or day.weekday() < 5:
                    start = tz.localize(datetime.combine(day, start_time.replace(tzinfo=None)))
                    stop = tz.localize(datetime.combine(day, end_time.replace(tzinfo=None)))
                    start_utc = start.astimezone(pytz.utc).replace(tzinfo=None)
                    if (event.id, start_utc) not in existing:
                        vals_list.append(
                            {
                                "event_id": event.id,
                                "date_begin": start_utc,
                                "date_end": stop.astimezone(pytz.utc).replace(tzinfo=None),
                            }
                        )
                day += timedelta(days=1)
        return self.env["hanling.event.session"].create(vals_list)

    def _hanling_pickup_deadline_utc(self, day):
        """The UTC datetime of this event's collection deadline on the local date ``day``."""
        self.ensure_one()
        tz = pytz.timezone(self.date_tz or "UTC")
        hours = int(self.hanling_pickup_deadline)
        minutes = round((self.hanling_pickup_deadline - hours) * 60)
        local = tz.localize(datetime.combine(day, time(hours, min(minutes, 59))))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _hanling_alert_user(self):
        self.ensure_one()
        return self.hanling_duty_user_id or self.user_id or self.env.ref("base.user_admin")

    def _hanling_promote_waiting(self):
        """Give freed seats to the waiting list, first come first served."""
        events = self.filtered(lambda e: e.hanling_community_id)
        if not events:
            return self.env["event.registration"]
        waiting = self.env["event.registration"].search(
            [
                ("event_id", "in", events.ids),
                ("hanling_waiting", "=", True),
                ("state", "=", "draft"),
            ],
            order="hanling_waiting_since, id",
        )
        promoted = self.env["event.registration"]
        for event in events:
            queue = waiting.filtered(lambda r, e=event: r.event_id == e)
            if event.seats_limited and event.seats_max:
                queue = queue[: max(event.seats_available, 0)]
            promoted |= queue
        if promoted:
            promoted.action_confirm()
            for registration in promoted:
                registration.message_post(body=_("A seat was freed: moved from the waiting list."))
        return promoted

    # ------------------------------------------------------------------ portal

    @api.model
    def _hanling_portal_events(self, partner):
        """Upcoming activities of the communities where ``partner`` lives."""
        communities = partner.hanling_unit_ids.community_id
        if not communities:
            return self.browse()
        return self.search(
            [
                ("hanling_community_id", "in", communities.ids),
                ("date_end", ">=", fields.Datetime.now()),
            ],
            order="date_begin",
        )

    def _hanling_portal_register(self, partner, values):
        """Sign ``partner`` (or their child) up from the portal; full activities wait-list."""
        self.ensure_one()
        if self not in self._hanling_portal_events(partner):
            raise UserError(_("This activity is not open to you."))
        child = values.get("kind") == "child"
        vals = {
            "event_id": self.id,
            "partner_id": partner.id,
            "name": (values.get("name") or "").strip() or partner.name,
            "email": partner.email,
            "phone": partner.mobile or partner.phone,
            "hanling_unit_id": partner.hanling_unit_ids[:1].id,
            "hanling_attendee_kind": "child" if child else "resident",
        }
        if child:
            try:
                age = int(values.get("age") or 0)
            except ValueError:
                age = 0
            vals.update(
                {
                    "hanling_age": age,
                    "hanling_guardian_id": partner.id,
                    "hanling_pickup_contact": (values.get("pickup_contact") or "").strip(),
                    "hanling_pickup_phone": (values.get("pickup_phone") or "").strip(),
                }
            )
        return self.env["event.registration"].create(vals)
