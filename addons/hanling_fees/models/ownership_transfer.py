from odoo import models


class HanlingOwnershipTransfer(models.Model):
    _inherit = "hanling.ownership.transfer"

    def _action_done(self):
        self._check_arrears_cleared()  # issue 17: fees owed cleared or excepted (fee_arrears_prepaid)
        # Before the occupancies move: previous_owner_ids still names the sellers.
        for transfer in self:
            Subscription = self.env["hanling.fee.subscription"]
            Subscription._transfer(transfer)
            # Fees the seller did not pay (none recorded) start for the buyer all the same.
            Subscription._start_for_owner(
                transfer.unit_id, transfer.partner_id, transfer.date_transfer, origin=transfer
            )
        return super()._action_done()
