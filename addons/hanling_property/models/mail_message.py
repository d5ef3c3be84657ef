import logging

from odoo import models

_logger = logging.getLogger(__name__)


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _make_access_error(self, operation):
        # Messages are checked by mail's own rules, which raise without the "Access Denied" line
        # Odoo writes for ACLs and record rules: write it too, so that an attempt to read the
        # chatter of a confidential record leaves a trace in the server log like any other.
        _logger.info(
            "Access Denied by message rules for operation: %s on record ids: %r, uid: %s",
            operation,
            self.ids[:6],
            self.env.uid,
        )
        return super()._make_access_error(operation)
