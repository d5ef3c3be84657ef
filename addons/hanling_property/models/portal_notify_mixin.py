from odoo import models


class HanlingPortalNotifyMixin(models.AbstractModel):
    """Resident-facing documents: a portal page per record and mails from templates.

    The mails go through the mail queue (not sent inside the transaction) and stay in the
    record's chatter. A resident without an e-mail address gets no mail and costs no query
    beyond reading their partner.
    """

    _name = "hanling.portal.notify.mixin"
    _description = "Resident Notifications"

    def _hanling_notify(self, template_xmlid):
        recipients = self.filtered(lambda r: r.partner_id.email)
        if not recipients:
            return self.env["mail.message"]
        template = self.env.ref(template_xmlid)
        messages = self.env["mail.message"]
        for record in recipients.with_context(mail_notify_force_send=False):
            # sudo: a resident acting on the portal (or a technician) triggers the mail, but the
            # template and its rendering are the office's; the record was checked by the caller.
            messages |= record.sudo().message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        return messages
