from odoo import api, fields, models

from odoo.addons.hanling_property.tools.workflow import workflow_step


class HanlingArchiveInspectionLine(models.Model):
    _name = "hanling.archive.inspection.line"
    _description = "Archive Inspection Line"
    _inherit = ["hanling.workflow.mixin"]
    _order = "inspection_id, id"
    _check_company_auto = True
    # The server draws the dossiers (hanling.archive.inspection._draw_sample): nobody creates
    # or re-points a line. Its state is the inspection's: results are recorded while it runs.
    _workflow_fields = ("state", "inspection_id", "dossier_id")
    _workflow_lock = {("planned", "done"): ("result", "missing_type_ids", "note")}

    inspection_id = fields.Many2one(
        "hanling.archive.inspection", required=True, index=True, ondelete="cascade", readonly=True
    )
    dossier_id = fields.Many2one(
        "hanling.archive.dossier", required=True, index=True, ondelete="restrict", readonly=True
    )
    company_id = fields.Many2one(related="inspection_id.company_id", store=True, index=True)
    state = fields.Selection(related="inspection_id.state")
    result = fields.Selection(
        [
            ("pending", "To Check"),
            ("ok", "Complete and in good order"),
            ("missing", "Documents missing"),
            ("damaged", "Documents damaged"),
        ],
        required=True,
        default="pending",
    )
    missing_type_ids = fields.Many2many(
        "hanling.archive.document.type",
        "hanling_archive_inspection_line_type_rel",
        "line_id",
        "type_id",
        string="Missing Documents",
        help="Prefilled with what the electronic dossier lacks when the sample was drawn.",
    )
    note = fields.Char(string="Finding")

    @api.model_create_multi
    def create(self, vals_list):
        # Nobody holds the right to create lines (only the draw does, under sudo): say that
        # first, rather than which of the values the draw owns.
        self.check_access("create")
        return super().create(vals_list)

    @api.model
    @workflow_step
    def _create_drawn(self, vals_list):
        """The lines of the dossiers just drawn (the inspection's start)."""
        return self.create(vals_list)

    def _finding_text(self):
        self.ensure_one()
        result = dict(self._fields["result"]._description_selection(self.env))[self.result]
        parts = [result]
        if self.missing_type_ids:
            parts.append(", ".join(self.missing_type_ids.mapped("name")))
        if self.note:
            parts.append(self.note)
        return " — ".join(parts)
