from odoo import api, fields, models


class HanlingDecorationDepositRegister(models.TransientModel):
    _name = "hanling.decoration.deposit.register"
    _description = "Register Decoration Deposit"

    permit_id = fields.Many2one("hanling.decoration.permit", required=True, readonly=True)
    company_id = fields.Many2one(related="permit_id.company_id")
    currency_id = fields.Many2one(related="permit_id.currency_id")
    amount = fields.Monetary(
        required=True, compute="_compute_amount", store=True, readonly=False, precompute=True
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Received In",
        required=True,
        compute="_compute_journal_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('company_id', '=', company_id), ('type', 'in', ('bank', 'cash'))]",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)

    @api.depends("permit_id")
    def _compute_amount(self):
        for wizard in self:
            permit = wizard.permit_id
            wizard.amount = max(permit.deposit_amount - permit.deposit_held, 0.0)

    @api.depends("permit_id")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = self.env["hanling.money.service"]._payment_journal(
                wizard.company_id, raise_if_not_found=False
            )

    def action_confirm(self):
        self.ensure_one()
        self.permit_id._register_deposit(self.amount, self.journal_id, self.date)
        return {"type": "ir.actions.act_window_close"}
