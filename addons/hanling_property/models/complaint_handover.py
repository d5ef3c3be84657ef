from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.workflow import workflow_step

MANAGER = "hanling_property.group_manager"
CS_SUPERVISOR = "hanling_property.group_cs_supervisor"
CS_STAFF = "hanling_property.group_cs_staff"


class HanlingComplaintHandover(models.Model):
    """The morning hand-over of the night's complaints to the customer-service centre.

    篇3 4.1.1 / 4.1.5: outside the day shift the fire-control monitoring centre records the
    complaints; what it could not settle at night waits for the day shift, and every night
    complaint is passed to the customer-service centre, which registers and follows it. One list
    per hand-over, one reminder for the customer-service supervisor for the whole list.
    """

    _name = "hanling.complaint.handover"
    _description = "Night Complaint Hand-over"
    _inherit = ["hanling.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_handover desc, id desc"
    _check_company_auto = True
    _sequence_code = "hanling.complaint.handover"

    _workflow_fields = (
        "state",
        "date_handover",
        "handed_by_id",
        "supervisor_id",
        "date_acknowledged",
        "acknowledged_by_id",
    )

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("handed", "Handed Over"), ("received", "Taken Over")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    date_handover = fields.Datetime(string="Handed Over On", readonly=True, copy=False)
    handed_by_id = fields.Many2one("res.users", string="Handed Over By", readonly=True, copy=False)
    supervisor_id = fields.Many2one(
        "res.users", string="Customer-Service Supervisor", readonly=True, copy=False
    )
    date_acknowledged = fields.Datetime(string="Taken Over On", readonly=True, copy=False)
    acknowledged_by_id = fields.Many2one(
        "res.users", string="Taken Over By", readonly=True, copy=False
    )
    complaint_ids = fields.One2many(
        "hanling.complaint", "handover_id", string="Night Complaints", readonly=True
    )
    complaint_count = fields.Integer(string="Complaints", compute="_compute_complaint_count")
    note = fields.Text(string="Notes for the Day Shift")

    @api.depends("complaint_ids")
    def _compute_complaint_count(self):
        for handover in self:
            handover.complaint_count = len(handover.complaint_ids)

    @api.model
    def _hand_over(self, complaints):
        """Put the selected night complaints on one hand-over list and tell the supervisor."""
        wrong = complaints.filtered(lambda c: c.shift != "night")
        if wrong:
            raise UserError(
                _(
                    "Only complaints received at night are handed over in the morning: %(names)s.",
                    names=", ".join(wrong.mapped("name")),
                )
            )
        done = complaints.filtered("handover_id")
        if done:
            raise UserError(
                _(
                    "Already handed over: %(names)s.",
                    names=", ".join(f"{c.name} ({c.handover_id.name})" for c in done),
                )
            )
        cancelled = complaints.filtered(lambda c: c.state == "cancel")
        if cancelled:
            raise UserError(
                _(
                    "Cancelled complaints are not handed over: %(names)s.",
                    names=", ".join(cancelled.mapped("name")),
                )
            )
        if len(complaints.company_id) > 1:
            raise UserError(_("Hand over the complaints of one company at a time."))
        handover = self.create({"company_id": complaints.company_id.id})
        complaints._on_handed_over(handover)
        handover._action_hand_over()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": handover.id,
            "view_mode": "form",
        }

    @workflow_step
    def _action_hand_over(self):
        self.ensure_one()
        self._check_state(["draft"], _("Handing over"))
        supervisor = self.env["res.users"]._hanling_role_users(
            CS_SUPERVISOR, self.company_id, MANAGER
        )[:1]
        self.write(
            {
                "state": "handed",
                "date_handover": fields.Datetime.now(),
                "handed_by_id": self.env.uid,
                "supervisor_id": supervisor.id,
            }
        )
        lines = Markup("<br/>").join(
            f"{c.name} {c.unit_id.display_name or ''} {c.content or ''}" for c in self.complaint_ids
        )
        self.message_subscribe(partner_ids=supervisor.partner_id.ids)
        # One reminder for the whole list (not one per complaint).
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_(
                "Take over %(count)s night complaints: %(name)s",
                count=len(self.complaint_ids),
                name=self.name,
            ),
            note=lines,
            user_id=(supervisor or self.env.user).id,
        )

    @workflow_step
    def action_acknowledge(self):
        """The customer-service centre takes the list over and follows each complaint."""
        self._check_state(["handed"], _("Taking over"))
        if not self.env.user.has_group(CS_STAFF):
            raise AccessError(_("The customer-service centre takes the night complaints over."))
        self.write(
            {
                "state": "received",
                "date_acknowledged": fields.Datetime.now(),
                "acknowledged_by_id": self.env.uid,
            }
        )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True
