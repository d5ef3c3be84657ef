from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class HanlingPreventionReport(models.Model):
    """纠正/预防措施报告: the meeting after a closed nonconformity report and what will prevent it (篇3 4.5)."""

    _name = "hanling.prevention.report"
    _description = "Corrective/Preventive Action Report"
    _inherit = ["hanling.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "meeting_date desc, id desc"
    _check_company_auto = True

    # No state of its own (it follows a closed nonconformity report): only its number.
    _workflow_fields = ()
    _sequence_code = "hanling.prevention.report"

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    nonconformity_id = fields.Many2one(
        "hanling.nonconformity",
        string="Nonconformity Report",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    complaint_id = fields.Many2one(related="nonconformity_id.complaint_id", store=True, index=True)
    company_id = fields.Many2one(
        related="nonconformity_id.company_id", store=True, index=True, precompute=True
    )
    meeting_date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    attendee_ids = fields.Many2many("res.users", string="Attendees")
    analysis = fields.Text(
        required=True,
        tracking=True,
        help="What the handling and the callback showed, and why it happened.",
    )
    preventive_measures = fields.Text(string="Preventive Measures", tracking=True)
    owner_id = fields.Many2one("res.users", string="Owner", tracking=True, index=True)
    date_due = fields.Date(string="Due Date", tracking=True)

    @api.constrains("nonconformity_id")
    def _check_nonconformity_closed(self):
        for report in self:
            if report.nonconformity_id.state != "done":
                raise ValidationError(
                    _(
                        "A corrective/preventive action report follows a closed nonconformity report."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        reports = super().create(vals_list)
        # The report exists: the manager's reminder is done.
        reports.nonconformity_id.activity_feedback(
            ["hanling_property.mail_activity_type_prevention_report"],
            feedback=_("Report written."),
        )
        return reports
