from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.workflow import workflow_step


class HanlingDecorationExtension(models.Model):
    """装修延期申请表: a request to finish the works later than planned."""

    _name = "hanling.decoration.extension"
    _description = "Decoration Extension Request"
    _inherit = ["hanling.workflow.mixin"]
    _order = "permit_id, id"
    _check_company_auto = True

    _workflow_fields = ("state", "approver_id")
    # The request is decided as written.
    _workflow_lock = {
        ("approved", "refused"): ("permit_id", "date_request", "date_end_new", "reason"),
    }

    permit_id = fields.Many2one(
        "hanling.decoration.permit", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="permit_id.company_id", store=True, index=True)
    date_request = fields.Date(
        string="Requested On", required=True, default=fields.Date.context_today
    )
    date_end_new = fields.Date(string="New End Date", required=True)
    reason = fields.Text(required=True)
    state = fields.Selection(
        [("requested", "Requested"), ("approved", "Approved"), ("refused", "Refused")],
        default="requested",
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    approver_id = fields.Many2one("res.users", string="Decided By", readonly=True, copy=False)

    @api.constrains("date_end_new")
    def _check_date_end_new(self):
        for extension in self:
            if extension.date_end_new <= extension.permit_id.date_planned_end:
                raise ValidationError(
                    _("The extended end date must be after the planned end of the works.")
                )

    def _check_decidable(self):
        # The row lock as well: one decision per request.
        self._check_state(
            ["requested"], message=_("This extension request has already been decided.")
        )
        if any(e.permit_id.state not in ("approved", "in_progress") for e in self):
            raise UserError(_("Extensions are decided only while the permit is valid."))
        self.permit_id._check_supervisor()

    @workflow_step
    def action_approve(self):
        self._check_decidable()
        self.write({"state": "approved", "approver_id": self.env.user.id})
        for extension in self:
            extension.permit_id.message_post(
                body=_("Works extended until %(date)s.", date=extension.date_end_new)
            )
        return True

    @workflow_step
    def action_refuse(self):
        self._check_decidable()
        self.write({"state": "refused", "approver_id": self.env.user.id})
        return True
