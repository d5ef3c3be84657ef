from odoo import _, api, fields, models
from odoo.exceptions import UserError


class HanlingErrandPayment(models.TransientModel):
    """Money received for an errand: the prepayment (篇4 4) or the balance at settlement."""

    _name = "hanling.errand.payment"
    _description = "Errand Payment"

    errand_id = fields.Many2one("hanling.errand", required=True, readonly=True)
    kind = fields.Selection(
        [("prepayment", "Prepayment"), ("balance", "Balance")], required=True, readonly=True
    )
    company_id = fields.Many2one(related="errand_id.company_id")
    currency_id = fields.Many2one(related="errand_id.currency_id")
    partner_id = fields.Many2one(related="errand_id.partner_id", string="Resident")
    amount = fields.Monetary(required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    journal_id = fields.Many2one(
        "account.journal",
        string="Received In",
        compute="_compute_journal_id",
        store=True,
        readonly=False,
        required=True,
        domain="[('company_id', '=', company_id), ('type', 'in', ('cash', 'bank'))]",
    )

    @api.depends("errand_id")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = (
                self.env["hanling.money.service"]._payment_journal(
                    wizard.company_id,
                    wizard.errand_id._payment_channels(),
                    raise_if_not_found=False,
                )
                if wizard.errand_id
                else False
            )

    def action_confirm(self):
        self.ensure_one()
        if self.kind == "prepayment":
            self.errand_id._action_register_prepayment(self.amount, self.journal_id, self.date)
            return self.env.ref("hanling_errands.action_report_errand_receipt").report_action(
                self.errand_id
            )
        if self.kind == "balance":
            self.errand_id._action_collect_balance(self.amount, self.journal_id, self.date)
            return {"type": "ir.actions.act_window_close"}
        raise UserError(_("Unknown kind of errand payment."))
