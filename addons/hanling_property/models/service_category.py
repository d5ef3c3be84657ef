from odoo import api, fields, models


class HanlingServiceCategory(models.Model):
    _name = "hanling.service.category"
    _description = "Service Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    service_ids = fields.One2many("hanling.service", "category_id", string="Services")
    service_count = fields.Integer(compute="_compute_service_count")

    @api.depends("service_ids")
    def _compute_service_count(self):
        counts = dict(
            self.env["hanling.service"]._read_group(
                [("category_id", "in", self.ids)], ["category_id"], ["__count"]
            )
        )
        for category in self:
            category.service_count = counts.get(category, 0)
