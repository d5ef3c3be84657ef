from odoo import _, api, fields, models
from odoo.exceptions import UserError


class HanlingDecorationViolation(models.Model):
    """违章记录: a breach of the decoration rules, possibly deducted from the deposit."""

    _name = "hanling.decoration.violation"
    _description = "Decoration Violation"
    _inherit = ["hanling.workflow.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    # The deduction entry is linked when the permit's deposit is settled; a posted deduction is
    # frozen by ``write`` below (the entry, not a state, decides it).
    _workflow_fields = ("move_id",)
    # The deduction entry is the permit's: its settlement step (a permit step) links it.
    _workflow_parent = "permit_id"

    permit_id = fields.Many2one(
        "hanling.decoration.permit", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="permit_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="permit_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    description = fields.Char(required=True)
    photo = fields.Image(max_width=1024, max_height=1024)
    amount = fields.Monetary(
        string="Deduction",
        help="Amount to deduct from the deposit; posted to income when the deposit is settled.",
    )
    user_id = fields.Many2one(
        "res.users", string="Recorded By", default=lambda self: self.env.user, readonly=True
    )
    move_id = fields.Many2one(
        "account.move", string="Deduction Entry", readonly=True, copy=False, index="btree_not_null"
    )
    is_deducted = fields.Boolean(string="Deducted", compute="_compute_is_deducted", store=True)

    _sql_constraints = [
        ("amount_positive", "CHECK(amount >= 0)", "A deduction cannot be negative."),
    ]

    @api.depends("move_id")
    def _compute_is_deducted(self):
        for violation in self:
            violation.is_deducted = bool(violation.move_id)

    @api.model_create_multi
    def create(self, vals_list):
        permits = self.env["hanling.decoration.permit"].browse(
            {vals["permit_id"] for vals in vals_list if vals.get("permit_id")}
        )
        if permits.filtered(lambda p: p.state in ("closed", "rejected")):
            raise UserError(_("Violations cannot be recorded on a closed or rejected permit."))
        return super().create(vals_list)

    def write(self, vals):
        if {"amount", "permit_id"} & set(vals) and self.filtered("move_id"):
            raise UserError(_("A deduction already posted to the accounts cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_deducted(self):
        if self.filtered("move_id"):
            raise UserError(_("A deduction already posted to the accounts cannot be deleted."))
