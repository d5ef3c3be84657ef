from odoo import api, fields, models

from ..tools import normalize_cn_phone

INTAKE_CHANNELS = [
    ("phone", "Phone / Hotline"),
    ("visit", "In Person"),
    ("letter", "In Writing"),
    ("relayed", "Relayed by an Employee"),
    ("superior", "From a Superior"),
    ("portal", "Online"),
]

# The intake fields a document keeps as the office received the request: procedures freeze
# them in ``_workflow_lock`` once the request is dispatched.
INTAKE_FIELDS = (
    "date_received",
    "received_by_id",
    "channel",
    "company_id",
    "unit_id",
    "community_id",
    "partner_id",
    "contact_phone",
)


class HanlingIntakeMixin(models.AbstractModel):
    """What every resident request records the moment it reaches the office (篇2 一, 篇3 4.1).

    Used by the duty log and by every document created from it (work orders, complaints,
    errands), so a request keeps who took it, when, how, for which unit and how to call back.
    """

    _name = "hanling.intake.mixin"
    _description = "Resident Request Intake"

    date_received = fields.Datetime(
        string="Received On", required=True, default=fields.Datetime.now, index=True, tracking=True
    )
    received_by_id = fields.Many2one(
        "res.users",
        string="Received By",
        required=True,
        default=lambda self: self.env.user,
        index=True,
    )
    channel = fields.Selection(INTAKE_CHANNELS, required=True, default="phone")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    unit_id = fields.Many2one("hanling.unit", index=True, tracking=True, check_company=True)
    community_id = fields.Many2one(
        "hanling.community",
        compute="_compute_community_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        check_company=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Resident",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
    )
    # Trigram index: the lists are searched by (part of) the phone number with ILIKE.
    contact_phone = fields.Char(
        compute="_compute_contact_phone",
        store=True,
        readonly=False,
        precompute=True,
        index="trigram",
    )

    @api.depends("unit_id")
    def _compute_community_id(self):
        for record in self.filtered("unit_id"):
            record.community_id = record.unit_id.community_id

    @api.depends("unit_id")
    def _compute_partner_id(self):
        for record in self.filtered(lambda r: r.unit_id and not r.partner_id):
            occupants = record.unit_id.current_occupancy_ids.sorted(
                lambda o: (o.role != "owner", o.role != "tenant")
            )
            record.partner_id = occupants[:1].partner_id

    @api.depends("partner_id")
    def _compute_contact_phone(self):
        for record in self.filtered(lambda r: r.partner_id and not r.contact_phone):
            record.contact_phone = record.partner_id.mobile or record.partner_id.phone

    @api.constrains("contact_phone")
    def _check_contact_phone(self):
        label = self._fields["contact_phone"]._description_string(self.env)
        for record in self:
            normalize_cn_phone(self.env, record.contact_phone, label)

    def _prepare_intake_values(self):
        """Intake values to carry over to a document created from this one."""
        self.ensure_one()
        return {
            "date_received": self.date_received,
            "received_by_id": self.received_by_id.id,
            "channel": self.channel,
            "company_id": self.company_id.id,
            "unit_id": self.unit_id.id,
            "community_id": self.community_id.id,
            "partner_id": self.partner_id.id,
            "contact_phone": self.contact_phone,
        }


class HanlingRequestMixin(models.AbstractModel):
    """A document created for a resident's request: the intake plus its duty log entry."""

    _name = "hanling.request.mixin"
    _description = "Resident Request Document"
    _inherit = ["hanling.intake.mixin"]

    duty_log_id = fields.Many2one(
        "hanling.duty.log",
        string="Duty Log Entry",
        index="btree_not_null",
        copy=False,
        check_company=True,
    )
