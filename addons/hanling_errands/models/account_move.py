from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # The inverse of ``hanling.errand.invoice_id`` (see ``hanling_work_order_ids``): a payment
    # of the invoice finds the errands that follow its state and residual through it, without
    # a search of errands at every change. Technical: errands are read on their own model.
    hanling_errand_ids = fields.One2many(
        "hanling.errand", "invoice_id", string="Errands", readonly=True, groups="base.group_system"
    )
