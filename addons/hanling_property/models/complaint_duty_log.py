from odoo import _, models
from odoo.exceptions import UserError

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
        values = {"content": self.request}
        if self.channel == "letter":
            # 篇3 4.1.2: the complaint keeps the resident's letter, attached to the entry.
            letter = self.env["ir.attachment"].search(
                [("res_model", "=", self._name), ("res_id", "=", self.id)],
                order="id desc",
                limit=1,
            )
            if not letter:
                raise UserError(
                    _(
                        "A complaint received by letter keeps the letter: attach the letter or "
                        "its scan to %(name)s first (篇3 4.1.2).",
                        name=self.name,
                    )
                )
            values.update({"letter_file": letter.datas, "letter_filename": letter.name})
        return values
