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
