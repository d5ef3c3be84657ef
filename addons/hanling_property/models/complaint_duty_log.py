from odoo import models

from ..tools.workflow import workflow_step


class HanlingDutyLog(models.Model):
    _inherit = "hanling.duty.log"

    @workflow_step
    def action_create_complaint(self):
        """Turn the logged call or visit into a complaint record (业户投诉记录表)."""
        self.ensure_one()
        return self._action_convert("hanling.complaint", self._prepare_complaint_values())

    def _prepare_complaint_values(self):
        self.ensure_one()
        return {"content": self.request}
