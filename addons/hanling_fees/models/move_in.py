from odoo import fields, models


class HanlingMoveIn(models.Model):
    _inherit = "hanling.move.in"

    def _action_done(self):
        super()._action_done()
        # 入伙: the owner's fees start on the day of the handover.
        for move_in in self:
            day = fields.Date.context_today(move_in, move_in.date_done)
            self.env["hanling.fee.subscription"]._start_for_owner(
                move_in.unit_id, move_in.partner_id, day, origin=move_in
            )
        self._fee_bank_mandates()
