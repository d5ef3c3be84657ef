from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.workflow import workflow_step


class HanlingDecorationHotWork(models.Model):
    """动用明火申请表: each use of an open flame (welding, cutting) is approved on its own."""

    _name = "hanling.decoration.hot.work"
    _description = "Hot-work Permit"
    _inherit = ["hanling.workflow.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    _workflow_fields = ("state", "approver_id", "date_decision")
    # The fire risk was judged on these: a decided request is not rewritten.
    _workflow_lock = {
        ("approved", "refused"): (
            "permit_id",
            "work_type",
            "location",
            "operator",
            "operator_certificate",
            "date_from",
            "date_to",
            "extinguisher_ready",
        ),
    }

    permit_id = fields.Many2one(
        "hanling.decoration.permit", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="permit_id.company_id", store=True, index=True)
    work_type = fields.Selection(
        [("welding", "Welding"), ("cutting", "Cutting"), ("other", "Other Open Flame")],
        required=True,
        default="welding",
    )
    location = fields.Char(required=True)
    operator = fields.Char(required=True)
    operator_certificate = fields.Char(string="Operator Certificate No.")
    date_from = fields.Datetime(string="From", required=True)
    date_to = fields.Datetime(string="Until", required=True)
    extinguisher_ready = fields.Boolean(string="Extinguisher on Site")
    state = fields.Selection(
        [("requested", "Requested"), ("approved", "Approved"), ("refused", "Refused")],
        default="requested",
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    approver_id = fields.Many2one("res.users", string="Decided By", readonly=True, copy=False)
    date_decision = fields.Datetime(string="Decided On", readonly=True, copy=False)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for hot_work in self:
            if hot_work.date_to <= hot_work.date_from:
                raise ValidationError(_("The hot work must end after it starts."))

    def _check_decidable(self):
        if len(self) != 1:
            raise UserError(_("Hot-work requests are decided one by one."))
        # The row lock as well: one decision per request.
        self._check_state(
            ["requested"], message=_("This hot-work request has already been decided.")
        )
        self.permit_id._check_supervisor()

    @workflow_step
    def action_approve(self):
        self._check_decidable()
        if self.permit_id.state not in ("approved", "in_progress"):
            raise UserError(_("Hot work is allowed only while the permit is valid."))
        if not self.extinguisher_ready:
            raise UserError(_("A fire extinguisher must be on site before hot work is approved."))
        self.write(
            {
                "state": "approved",
                "approver_id": self.env.user.id,
                "date_decision": fields.Datetime.now(),
            }
        )
        return True

    @workflow_step
    def action_refuse(self):
        self._check_decidable()
        self.write(
            {
                "state": "refused",
                "approver_id": self.env.user.id,
                "date_decision": fields.Datetime.now(),
            }
        )
        return True
