from odoo import models


class HanlingDecorationPermit(models.Model):
    """The applicant is told by mail when their decoration deposit is refunded."""

    _name = "hanling.decoration.permit"
    _inherit = ["hanling.decoration.permit", "hanling.portal.notify.mixin"]

    def _refund_deposit(self, amount, journal, date=None):
        payment = super()._refund_deposit(amount, journal, date=date)
        self._hanling_notify("hanling_property.mail_template_decoration_deposit_refunded")
        return payment
