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

    def _schedule_callback(self, date_due, user=None, values=None):
        callbacks = super()._schedule_callback(date_due, user=user, values=values)
        self._hanling_notify("hanling_property.mail_template_work_order_callback")
        return callbacks

    def _hanling_portal_can_answer_callback(self):
        self.ensure_one()
        return self.state in ("accepted",) and self.callback_state == "planned"

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
