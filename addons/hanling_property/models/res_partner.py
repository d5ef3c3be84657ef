from odoo import api, fields, models

from ..tools import normalize_cn_phone


class ResPartner(models.Model):
    _inherit = "res.partner"

    hanling_occupancy_ids = fields.One2many("hanling.occupancy", "partner_id", string="Occupancies")
    hanling_unit_ids = fields.Many2many(
        "hanling.unit",
        string="Current Units",
        compute="_compute_hanling_units",
        search="_search_hanling_unit_ids",
    )
    hanling_unit_count = fields.Integer(string="Units", compute="_compute_hanling_units")
    is_hanling_resident = fields.Boolean(
        string="Resident",
        compute="_compute_is_hanling_resident",
        store=True,
        index=True,
        help="Has lived or lives in one of the managed units.",
    )

    @api.depends("hanling_occupancy_ids")
    def _compute_is_hanling_resident(self):
        for partner in self:
            partner.is_hanling_resident = bool(partner.hanling_occupancy_ids)

    @api.depends("hanling_occupancy_ids.date_start", "hanling_occupancy_ids.date_end")
    def _compute_hanling_units(self):
        today = fields.Date.context_today(self)
        for partner in self:
            current = partner.hanling_occupancy_ids.filtered(lambda o: o._is_current_on(today))
            partner.hanling_unit_ids = current.unit_id
            partner.hanling_unit_count = len(current.unit_id)

    def _search_hanling_unit_ids(self, operator, value):
        return [
            (
                "hanling_occupancy_ids",
                "any",
                [("is_current", "=", True), ("unit_id", operator, value)],
            )
        ]

    @api.constrains("phone", "mobile")
    def _check_hanling_phones_constraint(self):
        self.filtered("is_hanling_resident")._check_hanling_phones()

    def _check_hanling_phones(self):
        """Raise a ValidationError when a resident's phone or mobile is not a valid number."""
        for partner in self:
            normalize_cn_phone(
                self.env, partner.phone, self._fields["phone"]._description_string(self.env)
            )
            normalize_cn_phone(
                self.env, partner.mobile, self._fields["mobile"]._description_string(self.env)
            )

    def _hanling_is_vip(self):
        """Hook: whether the resident is a VIP (重点业户); the resident archive answers it."""
        self.ensure_one()
        return False

    def action_view_hanling_units(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hanling_property.hanling_unit_action"
        )
        action["domain"] = [("id", "in", self.hanling_unit_ids.ids)]
        return action
