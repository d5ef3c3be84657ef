from odoo import api, models


class HanlingComplaint(models.Model):
    """Complaints on the resident portal, and the mails that tell the resident what happens."""

    _name = "hanling.complaint"
    _inherit = ["hanling.complaint", "portal.mixin", "hanling.portal.notify.mixin"]

    def _compute_access_url(self):
        super()._compute_access_url()
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"

    @api.model_create_multi
    def create(self, vals_list):
        complaints = super().create(vals_list)
        complaints._hanling_notify("hanling_property.mail_template_complaint_received")
        return complaints

    def _action_escalate(self):
        res = super()._action_escalate()
        self._hanling_notify("hanling_property.mail_template_complaint_escalated")
        return res

    def _schedule_callback(self, date_due, user=None, values=None):
        callbacks = super()._schedule_callback(date_due, user=user, values=values)
        self._hanling_notify("hanling_property.mail_template_complaint_callback")
        return callbacks

    def _hanling_portal_can_rate(self):
        self.ensure_one()
        planned = self.callback_ids.filtered(lambda c: c.state == "planned")
        return (
            self.state == "resolved"
            and bool(planned)
            and not planned.filtered("date_resident_feedback")
        )
