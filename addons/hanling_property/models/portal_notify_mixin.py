from odoo import SUPERUSER_ID, models


class HanlingPortalNotifyMixin(models.AbstractModel):
    """Resident-facing documents: mails to the resident from templates, kept in the chatter.

    Like tracking, the mails are prepared when the transaction is committed (a pre-commit
    hook): a change that is rolled back mails nobody, and the hot operations (create, finish…)
    pay nothing for them. The mails then leave through the mail queue, not inside the request.
    """

    _name = "hanling.portal.notify.mixin"
    _description = "Resident Notifications"

    def _hanling_notify(self, template_xmlid):
        if not self:
            return
        precommit = self.env.cr.precommit
        key = "hanling.notify"
        if key not in precommit.data:
            precommit.data[key] = {}
            precommit.add(self._hanling_send_notifications)
        pending = precommit.data[key]
        pending.setdefault((self._name, template_xmlid), []).extend(self.ids)

    def _hanling_send_notifications(self):
        pending = self.env.cr.precommit.data.pop("hanling.notify", {})
        for (model, template_xmlid), ids in pending.items():
            # Superuser: whoever triggered it (a resident on the portal, a technician), the mail
            # is the office's: its template, rendering and recipients were set by the office.
            # As the superuser (an inactive user), not the acting user, posts it, the resident is
            # mailed even when they triggered it themselves on the portal.
            records = self.env[model].with_user(SUPERUSER_ID).browse(dict.fromkeys(ids)).exists()
            records = records.filtered(lambda r: r.partner_id.email)
            if not records:
                continue
            template = self.env.ref(template_xmlid)
            for record in records.with_context(mail_notify_force_send=False):
                # The office writes to the resident.
                record.message_post_with_source(
                    template,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    author_id=record.company_id.partner_id.id,
                )
        # Called after the main flush, just before the commit (as mail tracking is): flush what
        # the messages and mails wrote.
        self.env.flush_all()
