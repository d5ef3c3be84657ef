from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class HanlingArchiveDocument(models.Model):
    _name = "hanling.archive.document"
    _description = "Archive Document"
    _inherit = ["hanling.archive.confidential.mixin"]
    _order = "dossier_id, set_id, type_id, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    dossier_id = fields.Many2one(
        "hanling.archive.dossier",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    unit_id = fields.Many2one(related="dossier_id.unit_id", store=True, index=True)
    company_id = fields.Many2one(related="dossier_id.company_id", store=True, index=True)
    set_id = fields.Many2one(
        "hanling.archive.document.set", string="Set", required=True, index=True, ondelete="restrict"
    )
    type_id = fields.Many2one(
        "hanling.archive.document.type",
        string="Document Type",
        required=True,
        index=True,
        ondelete="restrict",
    )
    form = fields.Selection(
        [("original", "Original"), ("copy", "Copy")], required=True, default="original"
    )
    date_received = fields.Date(
        string="Received On", required=True, default=fields.Date.context_today
    )
    clerk_id = fields.Many2one(
        "res.users", string="Received By", required=True, default=lambda self: self.env.user
    )
    file = fields.Binary(string="Scan", attachment=True)
    file_name = fields.Char()
    event_id = fields.Many2one(
        "hanling.archive.event", string="Important Event", index=True, ondelete="cascade"
    )
    source_model = fields.Char(string="Filed From Model", readonly=True)
    source_id = fields.Many2oneReference(model_field="source_model", readonly=True)
    note = fields.Char()
    active = fields.Boolean(default=True)

    @api.onchange("type_id")
    def _onchange_type_id(self):
        if self.type_id:
            self.form = self.type_id.default_form
            if not self.name:
                self.name = self.type_id.name

    @api.constrains("event_id", "dossier_id")
    def _check_event_dossier(self):
        for document in self.filtered("event_id"):
            if document.event_id.dossier_id != document.dossier_id:
                raise ValidationError(
                    _("The evidence of an event must be filed in the event's dossier.")
                )
