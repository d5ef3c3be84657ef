from odoo import _, fields, models
from odoo.exceptions import UserError


class HanlingArchiveInspectionLine(models.Model):
    _name = "hanling.archive.inspection.line"
    _description = "Archive Inspection Line"
    _order = "inspection_id, id"
    _check_company_auto = True

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

    def write(self, vals):
        if {"inspection_id", "dossier_id"} & set(vals):
            raise UserError(_("The dossiers drawn for an inspection cannot be changed."))
        if self.filtered(lambda line: line.inspection_id.state != "in_progress"):
            raise UserError(_("Results are recorded while the inspection is in progress."))
        return super().write(vals)

    def _finding_text(self):
        self.ensure_one()
        result = dict(self._fields["result"]._description_selection(self.env))[self.result]
        parts = [result]
        if self.missing_type_ids:
            parts.append(", ".join(self.missing_type_ids.mapped("name")))
        if self.note:
            parts.append(self.note)
        return " — ".join(parts)
