from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.workflow import workflow_step
from .intake_mixin import INTAKE_FIELDS
from .referral_mixin import REFERRAL_FIELDS

# The front desk keeps the duty log; other staff (technicians) record what they receive and
# follow it (首问责任制, 篇3 4.1.3; 篇2 一 三: requests relayed by other employees).
FRONT_DESK = "hanling_property.group_duty_officer"


class HanlingDutyLog(models.Model):
    """值班记录表: every call, visit or letter is written down the moment it arrives (篇2 一)."""

    _name = "hanling.duty.log"
    _description = "Duty Log Entry"
    _inherit = [
        "hanling.workflow.mixin",
        "hanling.intake.mixin",
        "hanling.referral.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "date_received desc, id desc"
    _check_company_auto = True
    _sequence_code = "hanling.duty.log"
    # The document created from the entry is the conversion's to link.
    _workflow_fields = ("state", "res_model", "res_id")
    # The entry is what the office wrote down when the request arrived, and how it was answered.
    _workflow_lock = {
        ("converted", "referred", "closed"): (
            *INTAKE_FIELDS,
            "request",
            "kind",
            "urgency",
            "appointment_date",
            "outcome",
            *REFERRAL_FIELDS,
        ),
    }

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    request = fields.Text(string="What Is Wanted", required=True, tracking=True)
    kind = fields.Selection(
        [
            ("repair", "Repair"),
            ("service", "Service"),
            ("complaint", "Complaint"),
            ("errand", "Errand"),
            ("inquiry", "Inquiry"),
            ("emergency", "Emergency / Alarm"),
            ("other", "Other"),
        ],
        required=True,
        default="repair",
        index=True,
    )
    urgency = fields.Selection(
        [("immediate", "Immediate"), ("appointment", "By Appointment")],
        required=True,
        default="immediate",
    )
    appointment_date = fields.Datetime(string="Appointment")
    shift = fields.Selection(
        [("day", "Day Shift"), ("night", "Night Shift")],
        compute="_compute_shift",
        store=True,
        index=True,
        help="Day: customer-service centre. Night: fire-control monitoring centre.",
    )
    state = fields.Selection(
        [
            ("open", "Open"),
            ("converted", "Document Created"),
            ("referred", "Referred to a Supplier"),
            ("closed", "Closed"),
        ],
        default="open",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    outcome = fields.Text(help="How the request was answered when no document was needed.")
    res_model = fields.Char(string="Document Model", readonly=True, copy=False, index=True)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", readonly=True, copy=False
    )
    document_name = fields.Char(string="Created Document", compute="_compute_document_name")

    @api.depends(
        "date_received", "company_id.hanling_day_shift_start", "company_id.hanling_day_shift_end"
    )
    def _compute_shift(self):
        for entry in self:
            entry.shift = (
                entry.company_id._hanling_shift_at(entry.date_received)
                if entry.date_received and entry.company_id
                else False
            )

    @api.model_create_multi
    def create(self, vals_list):
        entries = super().create(vals_list)
        # sudo: the routing is the office's, whoever recorded the entry.
        entries.sudo()._route_to_front_desk()
        return entries

    def _route_to_front_desk(self):
        """An entry recorded outside the front desk goes to the customer-service supervisor."""
        users_of = self.env["res.users"]._hanling_role_users
        for entry in self:
            recorder = entry.received_by_id
            if not recorder or recorder.share or recorder.has_group(FRONT_DESK):
                continue
            supervisor = users_of(
                "hanling_property.group_cs_supervisor",
                entry.company_id,
                "hanling_property.group_manager",
            )[:1]
            entry.message_subscribe(partner_ids=(recorder | supervisor).partner_id.ids)
            entry.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_(
                    "Request recorded by %(user)s: %(name)s", user=recorder.name, name=entry.name
                ),
                note=entry.request,
                user_id=(supervisor or recorder).id,
            )

    def _check_state(self, allowed, action_label=None, message=None):
        # Answering, referring and converting an entry are the front desk's.
        if not self.env.user.has_group(FRONT_DESK):
            raise AccessError(
                _(
                    "%(user)s records requests and follows them as first responder; the front "
                    "desk deals with them (篇3 4.1.3).",
                    user=self.env.user.name,
                )
            )
        return super()._check_state(allowed, action_label=action_label, message=message)

    def _notify_first_responder(self):
        for entry in self:
            recorder = entry.received_by_id
            if recorder and recorder != self.env.user and not recorder.share:
                labels = dict(self._fields["state"]._description_selection(self.env))
                entry.message_post(
                    body=_(
                        "The request %(name)s you recorded is dealt with: %(state)s. %(outcome)s",
                        name=entry.name,
                        state=labels[entry.state],
                        outcome=entry.document_name or entry.outcome or "",
                    ),
                    partner_ids=recorder.partner_id.ids,
                    subtype_xmlid="mail.mt_note",
                )

    @api.depends("res_model", "res_id")
    def _compute_document_name(self):
        for entry in self:
            document = entry._get_document()
            entry.document_name = document.display_name if document else False

    @workflow_step
    def action_refer(self):
        self._check_state(["open"], _("Referring to a supplier"))
        if self._check_referral():
            raise UserError(_("Record which specialist supplier was recommended to the resident."))
        self.write({"state": "referred"})
        self._notify_first_responder()
        return True

    @workflow_step
    def action_close(self):
        self._check_state(["open"], _("Closing"))
        if self.filtered(lambda e: not e.outcome):
            raise UserError(_("Record how the request was answered before closing it."))
        self.write({"state": "closed"})
        self._notify_first_responder()
        return True

    def action_open_document(self):
        self.ensure_one()
        document = self._get_document()
        if not document:
            raise UserError(_("No document was created from this entry."))
        return {
            "type": "ir.actions.act_window",
            "res_model": document._name,
            "res_id": document.id,
            "view_mode": "form",
        }

    def _get_document(self):
        self.ensure_one()
        if not self.res_model or not self.res_id or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id).exists()

    @workflow_step
    def _action_convert(self, model_name, values=None):
        """Create the document the request calls for (work order, complaint, errand…).

        The document inherits the intake (who, when, unit, resident, phone) and is linked
        both ways; returns the form action of the new document.
        """
        self.ensure_one()
        self._check_state(["open"], _("Creating a document"))
        vals = {**self._prepare_intake_values(), "duty_log_id": self.id, **(values or {})}
        document = self.env[model_name].create(vals)
        self.write({"state": "converted", "res_model": model_name, "res_id": document.id})
        self.message_post(
            body=_("Created %(document)s.", document=document.display_name),
            subtype_xmlid="mail.mt_note",
        )
        self._notify_first_responder()
        return {
            "type": "ir.actions.act_window",
            "res_model": model_name,
            "res_id": document.id,
            "view_mode": "form",
        }
