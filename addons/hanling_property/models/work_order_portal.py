from odoo import api, models


class HanlingWorkOrder(models.Model):
    """Work orders on the resident portal, and the mails that tell the resident what happens."""

    _name = "hanling.work.order"
    _inherit = ["hanling.work.order", "portal.mixin", "hanling.portal.notify.mixin"]

    def _compute_access_url(self):
        super()._compute_access_url()
        for order in self:
            order.access_url = f"/my/work_orders/{order.id}"

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._hanling_notify("hanling_property.mail_template_work_order_received")
        return orders

    def _action_assign(self):
        res = super()._action_assign()
        self._hanling_notify("hanling_property.mail_template_work_order_assigned")
        return res

    def _on_missed_visit(self, visits):
        res = super()._on_missed_visit(visits)
        self._hanling_notify("hanling_property.mail_template_work_order_absent")
        return res

    def _action_finish(self):
        res = super()._action_finish()
        self._hanling_notify("hanling_property.mail_template_work_order_finished")
        return res

    def _create_invoices(self):
        moves = super()._create_invoices()
        self.filtered("invoice_id")._hanling_notify(
            "hanling_property.mail_template_work_order_invoiced"
        )
        return moves

    def _action_accept(self):
        res = super()._action_accept()
        # The callback is planned at the end of the repair; the resident hears of it once the
        # repair is accepted.
        self._hanling_notify("hanling_property.mail_template_work_order_callback")
        return res

    def _hanling_portal_can_answer_callback(self):
        """The resident may rate an accepted repair online once, while the office's callback
        is still to make."""
        self.ensure_one()
        planned = self.callback_ids.filtered(lambda c: c.state == "planned")
        return (
            self.state == "accepted"
            and bool(planned)
            and not planned.filtered("date_resident_feedback")
        )

    def _hanling_portal_photos(self):
        """Photos the resident (or the office) attached to the order, for its portal page."""
        self.ensure_one()
        return self.env["ir.attachment"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "=", self.id),
                ("mimetype", "=like", "image/%"),
            ]
        )
