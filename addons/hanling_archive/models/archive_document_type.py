from odoo import api, fields, models


class HanlingArchiveDocumentType(models.Model):
    _name = "hanling.archive.document.type"
    _description = "Archive Document Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True, help="Stable code used by the procedures that file documents."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    default_form = fields.Selection(
        [("original", "Original"), ("copy", "Copy")],
        string="Usual Form",
        required=True,
        default="original",
        help="Whether the archive usually receives the original or a copy of this document.",
    )
    original_required = fields.Boolean(
        string="Original Required", help="The archive keeps the original, not a copy."
    )
    set_ids = fields.Many2many(
        "hanling.archive.document.set",
        "hanling_archive_set_type_rel",
        "type_id",
        "set_id",
        string="Required In",
    )
    counts_as_id = fields.Many2one(
        "hanling.archive.document.type",
        string="Counts As",
        help="Filing this document satisfies that required one (e.g. a sale agreement instead of "
        "the property certificate).",
    )

    _sql_constraints = [("code_uniq", "unique(code)", "A document type code must be unique.")]

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env["hanling.archive.dossier"]._refresh_completeness()
        return records

    def write(self, vals):
        res = super().write(vals)
        if {"set_ids", "counts_as_id", "original_required", "active"} & set(vals):
            self.env["hanling.archive.dossier"]._refresh_completeness()
        return res
