from odoo import _, api, fields, models
from odoo.exceptions import UserError


class HanlingWorkOrderVisit(models.Model):
    """A visit the resident missed (篇2 二 一) 2): the note left and the new appointment."""

    _name = "hanling.work.order.visit"
    _inherit = ["hanling.workflow.mixin"]
    _description = "Missed Work Order Visit"
    _order = "date desc, id desc"
    # When the technician stood at the door and who: stamped by the server at the record (the
    # order's punctuality is judged by it), never sent by the client nor changed after.
    _workflow_fields = ("date", "user_id")

    order_id = fields.Many2one(
        "hanling.work.order",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    date = fields.Datetime(
        string="Visited On", required=True, default=fields.Datetime.now, copy=False
    )
    user_id = fields.Many2one(
        "res.users",
        string="Recorded By",
        required=True,
        default=lambda self: self.env.user,
        copy=False,
    )
    date_planned = fields.Datetime(
        string="Planned Arrival",
        compute="_compute_date_planned",
        store=True,
        precompute=True,
    )
    note = fields.Text(string="Note Left", required=True, help="The note left for the resident.")
    new_appointment = fields.Datetime(
        help="The next visit, if already agreed; otherwise the office agrees it with the resident."
    )

    @api.depends("order_id")
    def _compute_date_planned(self):
        for visit in self:
            visit.date_planned = visit.order_id.date_arrival_deadline

    @api.model_create_multi
    def create(self, vals_list):
        visits = super().create(vals_list)
        orders = visits.order_id
        orders._check_state(["assigned"], _("Recording a missed visit"))
        if visits.filtered(lambda v: not (v.note or "").strip()):
            raise UserError(_("Write down the note left for the resident."))
        orders._on_missed_visit(visits)
        return visits

    def write(self, vals):
        if "order_id" in vals and any(visit.order_id.id != vals["order_id"] for visit in self):
            raise UserError(_("A missed visit stays on the work order it was recorded on."))
        return super().write(vals)

    def action_save(self):
        return {"type": "ir.actions.act_window_close"}

    def action_print_note(self):
        """The 留言条 left at the door (篇2 二 一) 2): print it (the dialog saves the visit first)."""
        return self.env.ref("hanling_property.action_report_work_order_note").report_action(self)
