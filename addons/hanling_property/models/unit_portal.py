from odoo import models


class HanlingUnit(models.Model):
    _inherit = "hanling.unit"

    def _hanling_portal_url(self):
        """The QR code on the unit opens the portal's repair request form for that unit."""
        self.ensure_one()
        return f"{self.get_base_url()}/my/units/{self.id}/request"
