from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import normalize_cn_phone
from ..tools.locking import lock_for_update
from ..tools.workflow import workflow_step


class HanlingDecorationWorker(models.Model):
    """装修工人情况登记表: a worker of the contractor and their temporary pass."""

    _name = "hanling.decoration.worker"
    _description = "Decoration Worker"
    _inherit = ["hanling.workflow.mixin"]
    _order = "permit_id, id"
    _check_company_auto = True

    # The temporary pass is the worker's state: issued, returned or lost through the buttons.
    _workflow_fields = ("pass_state", "date_pass_issued", "date_pass_returned")

    permit_id = fields.Many2one(
        "hanling.decoration.permit", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="permit_id.company_id", store=True, index=True)
    name = fields.Char(required=True)
    trade = fields.Selection(
        [
            ("carpenter", "Carpenter"),
            ("electrician", "Electrician"),
            ("plumber", "Plumber"),
            ("mason", "Mason / Tiler"),
            ("painter", "Painter"),
            ("welder", "Welder"),
            ("labourer", "Labourer"),
            ("other", "Other"),
        ],
        required=True,
        default="labourer",
    )
    id_number = fields.Char(
        string="ID Card No.",
        groups="hanling_property.group_cs_staff",
        help="Checked against the worker's identity card when the pass is issued.",
    )
    phone = fields.Char()
    pass_number = fields.Char(string="Pass No.", copy=False)
    pass_state = fields.Selection(
        [
            ("none", "Not Issued"),
            ("issued", "Issued"),
            ("returned", "Returned"),
            ("lost", "Lost"),
        ],
        string="Temporary Pass",
        default="none",
        required=True,
        copy=False,
        index=True,
    )
    date_pass_issued = fields.Date(string="Pass Issued On", readonly=True, copy=False)
    date_pass_returned = fields.Date(string="Pass Returned On", readonly=True, copy=False)

    @api.constrains("phone")
    def _check_phone(self):
        label = self._fields["phone"]._description_string(self.env)
        for worker in self:
            normalize_cn_phone(self.env, worker.phone, label)

    @workflow_step
    def action_issue_pass(self):
        lock_for_update(self)
        for worker in self:
            if worker.pass_state == "issued":
                raise UserError(_("%(name)s already holds a pass.", name=worker.name))
            if worker.permit_id.state not in ("approved", "in_progress"):
                raise UserError(_("Passes are issued only while the permit is valid."))
            if not worker.pass_number:
                raise UserError(
                    _("Enter the number of the pass given to %(name)s.", name=worker.name)
                )
        self.write(
            {
                "pass_state": "issued",
                "date_pass_issued": fields.Date.context_today(self),
                "date_pass_returned": False,
            }
        )
        return True

    @workflow_step
    def action_return_pass(self):
        lock_for_update(self)
        if any(worker.pass_state != "issued" for worker in self):
            raise UserError(_("Only an issued pass can be returned."))
        self.write(
            {"pass_state": "returned", "date_pass_returned": fields.Date.context_today(self)}
        )
        return True

    @workflow_step
    def action_lost_pass(self):
        lock_for_update(self)
        if any(worker.pass_state != "issued" for worker in self):
            raise UserError(_("Only an issued pass can be declared lost."))
        self.write({"pass_state": "lost", "date_pass_returned": fields.Date.context_today(self)})
        return True
