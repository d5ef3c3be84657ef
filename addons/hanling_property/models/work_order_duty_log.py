from odoo import models


class HanlingDutyLog(models.Model):
    _inherit = "hanling.duty.log"

    def action_create_work_order(self):
        """Turn a repair or service request on the duty log into a work order (篇2 一)."""
        self.ensure_one()
        return self._action_convert(
            "hanling.work.order",
            {
                "description": self.request,
                "urgency": self.urgency,
                "appointment_date": self.appointment_date,
            },
        )
