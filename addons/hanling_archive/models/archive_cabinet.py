from odoo import api, fields, models


class HanlingArchiveCabinet(models.Model):
    _name = "hanling.archive.cabinet"
    _description = "Archive Cabinet"
    _order = "community_id, sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    location = fields.Char(
        help="Where the cabinet stands, e.g. the archive room of the service centre."
    )
    community_id = fields.Many2one(
        "hanling.community", required=True, index=True, ondelete="restrict", check_company=True
    )
    company_id = fields.Many2one(
        related="community_id.company_id", store=True, index=True, precompute=True
    )
    drawer_ids = fields.One2many("hanling.archive.drawer", "cabinet_id", string="Drawers")
    active = fields.Boolean(default=True)
    dossier_count = fields.Integer(compute="_compute_dossier_count", string="Dossiers")

    @api.depends("drawer_ids")
    def _compute_dossier_count(self):
        counts = dict(
            self.env["hanling.archive.dossier"]._read_group(
                [("cabinet_id", "in", self.ids)], ["cabinet_id"], ["__count"]
            )
        )
        for cabinet in self:
            cabinet.dossier_count = counts.get(cabinet, 0)
