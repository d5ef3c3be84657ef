from odoo import models

from odoo.addons.hanling_property.tools.workflow import workflow_step


class HanlingDutyLog(models.Model):
    _inherit = "hanling.duty.log"

    @workflow_step
    def action_create_errand(self):
        """Turn the request into an errand (业户服务委托单) carrying over the intake."""
        self.ensure_one()
        return self._action_convert("hanling.errand", self._prepare_errand_values())

    def _prepare_errand_values(self):
        self.ensure_one()
        return {"description": self.request}

    @workflow_step
    def action_create_delivery(self):
        """Turn a phoned order of everyday goods into a goods delivery (用品配送)."""
        self.ensure_one()
        return self._action_convert(
            "hanling.errand", {**self._prepare_errand_values(), "kind": "delivery"}
        )
