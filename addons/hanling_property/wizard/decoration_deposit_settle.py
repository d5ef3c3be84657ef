from odoo import _, api, fields, models
from odoo.exceptions import UserError


class HanlingDecorationDepositSettle(models.TransientModel):
    """Post the violation deductions to income, refund the rest, close the permit."""

    _name = "hanling.decoration.deposit.settle"
    _description = "Settle Decoration Deposit"

    permit_id = fields.Many2one("hanling.decoration.permit", required=True, readonly=True)
    company_id = fields.Many2one(related="permit_id.company_id")
    currency_id = fields.Many2one(related="permit_id.currency_id")
    deposit_held = fields.Monetary(related="permit_id.deposit_held", string="Deposit Held")
    deduction_amount = fields.Monetary(
        related="permit_id.violation_amount_pending", string="Deductions"
    )
    amount = fields.Monetary(
        string="Refund",
        compute="_compute_amount",
        store=True,
        readonly=False,
        precompute=True,
        help="Amount returned to the applicant: the deposit held minus the deductions.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Refund From",
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
            wizard.amount = max(permit.deposit_held - permit.violation_amount_pending, 0.0)

    @api.depends("permit_id")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = self.env["hanling.money.service"]._payment_journal(
                wizard.company_id, raise_if_not_found=False
            )

    def action_confirm(self):
        self.ensure_one()
        permit = self.permit_id
        permit._check_state(
            ("completed",), message=_("The deposit is settled once the works passed inspection.")
        )
        permit._check_supervisor()
        permit._check_can_close()
        permit._check_deductions_covered()
        available = permit.deposit_held - permit.violation_amount_pending
        if permit.currency_id.compare_amounts(self.amount, available) > 0:
            raise UserError(
                _(
                    "The refund (%(amount)s) is larger than the deposit left after deductions "
                    "(%(available)s).",
                    amount=self.amount,
                    available=max(available, 0.0),
                )
            )
        permit._post_deductions(self.date)
        if not permit.currency_id.is_zero(self.amount):
            if not self.journal_id:
                raise UserError(_("Choose the journal the refund is paid from."))
            permit._refund_deposit(self.amount, self.journal_id, self.date)
        if permit.currency_id.is_zero(permit.deposit_held):
            permit._action_close()
        return {"type": "ir.actions.act_window_close"}
