from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.workflow import workflow_step


class HanlingOwnershipTransfer(models.Model):
    """过户: a sold unit passes to its new owner; the occupancy history stays on the unit."""

    _name = "hanling.ownership.transfer"
    _description = "Ownership Transfer"
    _inherit = [
        "hanling.workflow.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "hanling.document.mixin",
    ]
    _order = "date_transfer desc, id desc"
    _check_company_auto = True
    _hanling_document_set = "transfer"

    _workflow_fields = ("state", "date_done", "ended_occupancy_ids", "occupancy_id")
    # The parties, the day and the papers of the transfer, as they were done.
    _workflow_lock = {
        ("done", "cancel"): (
            "unit_id",
            "previous_owner_ids",
            "partner_id",
            "date_transfer",
            "end_other_occupants",
            "user_id",
            "company_id",
            "document_line_ids",
        ),
    }
    _sequence_code = "hanling.ownership.transfer"

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default=lambda s: _("New")
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Transferred"), ("cancel", "Cancelled")],
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
    previous_owner_ids = fields.Many2many(
        "res.partner",
        "hanling_ownership_transfer_previous_owner_rel",
        "transfer_id",
        "partner_id",
        string="Previous Owners",
        compute="_compute_previous_owner_ids",
        store=True,
        readonly=False,
        help="Owners whose occupancy ends with the transfer; by default the unit's current owners.",
    )
    partner_id = fields.Many2one(
        "res.partner", string="New Owner", required=True, index=True, tracking=True
    )
    date_transfer = fields.Date(
        string="Transfer Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="The new owner's occupancy starts on this day; the previous owners' ends the day before.",
    )
    end_other_occupants = fields.Boolean(
        string="End Family and Tenants Too",
        default=True,
        help="Also end the current occupancies of family members and tenants of the unit.",
    )
    user_id = fields.Many2one(
        "res.users", string="Clerk", default=lambda self: self.env.user, check_company=True
    )
    document_line_ids = fields.One2many(
        "hanling.document.line", "transfer_id", string="Documents", copy=False
    )
    ended_occupancy_ids = fields.Many2many(
        "hanling.occupancy",
        "hanling_ownership_transfer_ended_occupancy_rel",
        "transfer_id",
        "occupancy_id",
        string="Ended Occupancies",
        readonly=True,
        copy=False,
    )
    occupancy_id = fields.Many2one(
        "hanling.occupancy", string="New Occupancy", readonly=True, copy=False, check_company=True
    )
    date_done = fields.Datetime(string="Completed On", readonly=True, copy=False)
    note = fields.Html()

    @api.depends("unit_id")
    def _compute_previous_owner_ids(self):
        for transfer in self:
            if transfer.state == "draft":
                owners = transfer.unit_id.current_occupancy_ids.filtered(
                    lambda o: o.role == "owner"
                )
                transfer.previous_owner_ids = owners.partner_id

    @api.constrains("partner_id", "previous_owner_ids")
    def _check_new_owner(self):
        for transfer in self:
            if transfer.state == "draft" and transfer.partner_id in transfer.previous_owner_ids:
                raise ValidationError(_("The new owner is already an owner of this unit."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(t.state == "done" for t in self):
            raise UserError(_("A completed transfer cannot be deleted."))

    @workflow_step
    def action_done(self):
        # One completion, one change of owners: the state guard locks the rows first.
        self._check_state(["draft"], message=_("Only a draft transfer can be completed."))
        for transfer in self:
            transfer.document_line_ids._check_required_received(transfer.name)
            if not transfer.previous_owner_ids:
                raise UserError(
                    _(
                        "%(unit)s has no current owner to transfer from; record a move-in instead.",
                        unit=transfer.unit_id.display_name,
                    )
                )
        self._action_done()
        return True

    def _action_done(self):
        for transfer in self:
            transfer._transfer_occupancies()
        self.write({"state": "done", "date_done": fields.Datetime.now()})
        self._hanling_documents_collected()

    def _transfer_occupancies(self):
        """End the previous owners' occupancy the day before the transfer, start the new one."""
        self.ensure_one()
        day = self.date_transfer
        current = self.unit_id.occupancy_ids.filtered(lambda o: o._is_current_on(day))
        to_end = current.filtered(
            lambda o: o.role == "owner" and o.partner_id in self.previous_owner_ids
        )
        if self.end_other_occupants:
            to_end |= current.filtered(lambda o: o.role != "owner")
        # The new owner may have lived there as family or tenant: that occupancy ends too.
        to_end |= current.filtered(lambda o: o.partner_id == self.partner_id)
        for occupancy in to_end:
            occupancy.date_end = max(day - timedelta(days=1), occupancy.date_start)
        self.ended_occupancy_ids = to_end
        new = self.env["hanling.occupancy"].create(
            {
                "unit_id": self.unit_id.id,
                "partner_id": self.partner_id.id,
                "role": "owner",
                "date_start": day,
            }
        )
        self.occupancy_id = new
        self.unit_id.message_post(
            body=_(
                "Ownership transferred to %(new)s on %(date)s (%(ref)s).",
                new=self.partner_id.name,
                date=day,
                ref=self.name,
            )
        )

    @workflow_step
    def action_cancel(self):
        self._check_state(["draft"], message=_("Only a draft transfer can be cancelled."))
        self.write({"state": "cancel"})
        return True
