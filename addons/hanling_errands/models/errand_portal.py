from odoo import models


class HanlingErrand(models.Model):
    """Errands on the resident portal, and the mail telling the resident it was delivered."""

    _name = "hanling.errand"
    _inherit = ["hanling.errand", "portal.mixin", "hanling.portal.notify.mixin"]

    def _compute_access_url(self):
        super()._compute_access_url()
        for errand in self:
            errand.access_url = f"/my/errands/{errand.id}"

    def _action_deliver(self):
        res = super()._action_deliver()
        self._hanling_notify("hanling_errands.mail_template_errand_delivered")
        return res
