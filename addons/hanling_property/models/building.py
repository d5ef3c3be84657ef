from odoo import api, fields, models


class HanlingBuilding(models.Model):
    _name = "hanling.building"
    _description = "Building"
    _order = "community_id, sequence, code"
    _check_company_auto = True

    name = fields.Char(required=True)
    code = fields.Char(required=True, help="Short code used in unit codes, e.g. A1.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    community_id = fields.Many2one(
        "hanling.community", required=True, index=True, ondelete="restrict", check_company=True
    )
    company_id = fields.Many2one(
        related="community_id.company_id", store=True, index=True, precompute=True
    )
    floor_count = fields.Integer(string="Floors")
    unit_ids = fields.One2many("hanling.unit", "building_id", string="Units")
    unit_count = fields.Integer(compute="_compute_unit_count")

    _sql_constraints = [
        (
            "code_community_uniq",
            "unique(code, community_id)",
            "A building code must be unique within its community.",
        ),
    ]

    @api.depends("unit_ids")
    def _compute_unit_count(self):
        counts = dict(
            self.env["hanling.unit"]._read_group(
                [("building_id", "in", self.ids)], ["building_id"], ["__count"]
            )
        )
        for building in self:
            building.unit_count = counts.get(building, 0)

    @api.depends("name", "community_id.name")
    def _compute_display_name(self):
        for building in self:
            building.display_name = f"{building.community_id.name or ''} {building.name}".strip()
