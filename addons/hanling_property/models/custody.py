from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.workflow import workflow_step
from .intake_mixin import INTAKE_FIELDS
from .signature_mixin import SIGNATURE_FIELDS

# The free services of 篇1 四 in which the office keeps something for the resident, and the
# catalogue entry (service_catalogue_data.xml) each is registered under.
CUSTODY_KINDS = [
    ("home_watch", "Home Watch"),
    ("small_items", "Keeping of Small Items"),
    ("phone_message", "Phone Message"),
    ("escort", "Security Escort"),
]
KIND_SERVICES = {
    "home_watch": "hanling_property.service_free_01",
    "small_items": "hanling_property.service_free_10",
    "phone_message": "hanling_property.service_free_12",
    "escort": "hanling_property.service_free_25",
}


class HanlingCustody(models.Model):
    """The register of the free services that keep something (篇1 四 #1, #10, #12, #25).

    居家守护 and 临时性特约安全护卫 are done by a named member of staff over a period (an escort
    from one place to another); 临时代为保管小件物品 are taken in and handed back against the
    resident's signature; 电话留言 are taken down and delivered to the person they are for.
    """

    _name = "hanling.custody"
    _description = "Free Service Register"
    _inherit = [
        "hanling.workflow.mixin",
        "hanling.intake.mixin",
        "hanling.signature.mixin",
        "mail.thread",
    ]
    _order = "date_received desc, id desc"
    _check_company_auto = True
    _sequence_code = "hanling.custody"
    _workflow_fields = (
        "state",
        "date_closed",
        "closed_by_id",
        "resident_signed_on",
    )
    _workflow_lock = {
        # Handed back, delivered, done or cancelled: the register says what happened, for good.
        ("returned", "delivered", "done", "cancel"): (
            *INTAKE_FIELDS,
            *SIGNATURE_FIELDS,
            "kind",
            "service_id",
            "description",
            "item_count",
            "recipient",
            "delivered_to",
            "performed_by_id",
            "date_from",
            "date_to",
            "place_from",
            "place_to",
            "cancel_reason",
        ),
    }

    name = fields.Char(readonly=True, copy=False, default=lambda self: _("New"), index="trigram")
    kind = fields.Selection(CUSTODY_KINDS, required=True, default="small_items", tracking=True)
    service_id = fields.Many2one(
        "hanling.service",
        string="Catalogue Service",
        compute="_compute_service_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        check_company=True,
        domain="[('fee_type', '=', 'free')]",
    )
    state = fields.Selection(
        [
            ("received", "Received"),
            ("returned", "Handed Back"),
            ("delivered", "Delivered"),
            ("done", "Done"),
            ("cancel", "Cancelled"),
        ],
        default="received",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )
    description = fields.Text(
        required=True,
        help="The items taken in (what, condition), the message word for word, or what the "
        "home watch or escort is to do.",
    )
    item_count = fields.Integer(string="Number of Items")
    # Phone message: for whom, and to whom it was given.
    recipient = fields.Char(string="Message For")
    delivered_to = fields.Char(string="Delivered To")
    # Home watch and escort: who did it, from when to when, from where to where.
    performed_by_id = fields.Many2one(
        "res.users", string="Done By", index=True, domain="[('share', '=', False)]"
    )
    date_from = fields.Datetime(string="From")
    date_to = fields.Datetime(string="To")
    place_from = fields.Char(string="Escort From")
    place_to = fields.Char(string="Escort To")
    # Stamped by the closing step: handed back / delivered / done by whom and when.
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    closed_by_id = fields.Many2one("res.users", string="Closed By", readonly=True, copy=False)
    cancel_reason = fields.Text(copy=False)

    @api.depends("kind")
    def _compute_service_id(self):
        for record in self:
            service = self.env.ref(KIND_SERVICES[record.kind], raise_if_not_found=False)
            if service:
                record.service_id = service

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for record in self:
            if record.date_from and record.date_to and record.date_to < record.date_from:
                raise UserError(_("The end of %(name)s is before its start.", name=record.name))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        if self.filtered(lambda r: r.state != "received"):
            raise UserError(_("A closed entry of the register cannot be deleted."))

    def _check_kind(self, kinds, action_label):
        wrong = self.filtered(lambda r: r.kind not in kinds)
        if wrong:
            labels = dict(self._fields["kind"]._description_selection(self.env))
            raise UserError(
                _(
                    "%(action)s does not apply to %(kind)s: %(names)s.",
                    action=action_label,
                    kind=", ".join(labels[k] for k in sorted(set(wrong.mapped("kind")))),
                    names=", ".join(wrong.mapped("name")),
                )
            )

    def _close(self, state):
        self.write(
            {"state": state, "date_closed": fields.Datetime.now(), "closed_by_id": self.env.uid}
        )

    @workflow_step
    def action_return(self):
        """Hand the items back: the resident (or whoever collects) signs and writes their name."""
        self._check_state(["received"], _("Handing back"))
        self._check_kind(["small_items"], _("Handing back"))
        self._stamp_resident_signature()
        self._close("returned")

    @workflow_step
    def action_deliver(self):
        self._check_state(["received"], _("Delivering"))
        self._check_kind(["phone_message"], _("Delivering"))
        missing = self.filtered(lambda r: not r.delivered_to)
        if missing:
            raise UserError(
                _(
                    "Write down to whom the message was given: %(names)s.",
                    names=", ".join(missing.mapped("name")),
                )
            )
        self._close("delivered")

    @workflow_step
    def action_done(self):
        self._check_state(["received"], _("Marking as done"))
        self._check_kind(["home_watch", "escort"], _("Marking as done"))
        for record in self:
            if not record.performed_by_id or not record.date_from or not record.date_to:
                raise UserError(
                    _(
                        "Write down who did %(name)s and from when to when.",
                        name=record.name,
                    )
                )
            if record.kind == "escort" and not (record.place_from and record.place_to):
                raise UserError(
                    _("Write down where the escort %(name)s went from and to.", name=record.name)
                )
        self._close("done")

    @workflow_step
    def action_cancel(self):
        self._check_state(["received"], _("Cancelling"))
        missing = self.filtered(lambda r: not (r.cancel_reason or "").strip())
        if missing:
            raise UserError(
                _(
                    "Write down why %(names)s is cancelled.",
                    names=", ".join(missing.mapped("name")),
                )
            )
        self._close("cancel")
