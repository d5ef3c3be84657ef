from odoo import api, fields, models


class HanlingArchiveDocumentSet(models.Model):
    _name = "hanling.archive.document.set"
    _description = "Archive Document Set"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True, help="Stable code used by the procedures that file documents."
    )
    sequence = fields.Integer(default=10)
    always_expected = fields.Boolean(
        help="Every dossier must hold this set (move-in); other sets are checked once started."
    )
    required_type_ids = fields.Many2many(
        "hanling.archive.document.type",
        "hanling_archive_set_type_rel",
        "set_id",
        "type_id",
        string="Required Documents",
    )

    _sql_constraints = [("code_uniq", "unique(code)", "A document set code must be unique.")]

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env["hanling.archive.dossier"]._refresh_completeness()
        return records

    def write(self, vals):
        res = super().write(vals)
        if {"required_type_ids", "always_expected"} & set(vals):
            self.env["hanling.archive.dossier"]._refresh_completeness()
        return res
