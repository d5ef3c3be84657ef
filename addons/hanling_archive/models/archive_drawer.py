from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class HanlingArchiveDrawer(models.Model):
    _name = "hanling.archive.drawer"
    _description = "Archive Cabinet Drawer"
    _order = "cabinet_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, help="As written on the drawer, e.g. 抽屉1.")
    sequence = fields.Integer(default=10)
    cabinet_id = fields.Many2one(
        "hanling.archive.cabinet", required=True, index=True, ondelete="cascade", check_company=True
    )
    community_id = fields.Many2one(related="cabinet_id.community_id", store=True, index=True)
    company_id = fields.Many2one(related="cabinet_id.company_id", store=True, index=True)
    building_id = fields.Many2one(
        "hanling.building",
        index=True,
        check_company=True,
        domain="[('community_id', '=', community_id)]",
        help="Leave empty when the drawer holds the given floors of every building.",
    )
    floor_from = fields.Integer(string="From Floor")
    floor_to = fields.Integer(string="To Floor")
    content_label = fields.Char(
        string="Holds",
        compute="_compute_content_label",
        store=True,
        help="The floors/units written on the drawer (篇5 4.1.1 E).",
    )
    dossier_ids = fields.One2many("hanling.archive.dossier", "drawer_id", string="Dossiers")

    @api.depends("building_id.name", "floor_from", "floor_to")
    def _compute_content_label(self):
        for drawer in self:
            floors = (
                f"{drawer.floor_from}-{drawer.floor_to}"
                if drawer.floor_to != drawer.floor_from
                else f"{drawer.floor_from}"
            )
            drawer.content_label = f"{drawer.building_id.name or ''} {floors}".strip()

    @api.constrains("floor_from", "floor_to")
    def _check_floors(self):
        for drawer in self:
            if drawer.floor_to < drawer.floor_from:
                raise ValidationError(
                    _(
                        "Drawer %(name)s: the last floor cannot be below the first.",
                        name=drawer.name,
                    )
                )

    @api.depends("cabinet_id.name", "name", "content_label")
    def _compute_display_name(self):
        for drawer in self:
            drawer.display_name = (
                f"{drawer.cabinet_id.name or ''} / {drawer.name} ({drawer.content_label or ''})"
            )

    def _holds(self, unit):
        self.ensure_one()
        return (
            (not self.building_id or self.building_id == unit.building_id)
            and self.community_id == unit.community_id
            and self.floor_from <= unit.floor <= self.floor_to
        )
