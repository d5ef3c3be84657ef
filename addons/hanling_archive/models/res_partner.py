from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Only archive readers may even know the records exist (篇5 4.2.1, 4.2.7).
    hanling_archive_record_ids = fields.One2many(
        "hanling.archive.resident",
        "partner_id",
        string="Archive Records",
        groups="hanling_property.group_cs_staff",
    )

    def _hanling_is_vip(self):
        # sudo: procedures run by staff outside the archive (a birthday errand taken by the duty
        # officer) need to know whether the resident is a VIP; only that yes/no leaves the archive.
        self.ensure_one()
        return (
            any(self.sudo().hanling_archive_record_ids.mapped("is_vip"))
            or super()._hanling_is_vip()
        )
