from odoo import api, fields, models

from .account_payment import check_permit_link


class AccountMove(models.Model):
    _inherit = "account.move"

    hanling_decoration_permit_id = fields.Many2one(
        "hanling.decoration.permit",
        string="Decoration Permit",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The decoration permit whose deposit this entry receives, refunds or deducts.",
    )

    hanling_community_id = fields.Many2one(
        "hanling.community",
        string="Community",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The community whose resident services this entry bills or settles: revenue is "
        "reported per community through its analytic account.",
    )

    # The inverse of ``hanling.work.order.invoice_id``: when a payment changes an invoice's
    # state or residual, Odoo finds the work orders whose stored fields follow it through this
    # field (one read, then the cache) instead of a search of work orders at every change.
    # Technical: the work orders are read on their own model, with their own rules.
    hanling_work_order_ids = fields.One2many(
        "hanling.work.order",
        "invoice_id",
        string="Work Orders",
        readonly=True,
        groups="base.group_system",
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_permit_link(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if "hanling_decoration_permit_id" in vals:
            check_permit_link(self, [{"hanling_decoration_permit_id": True}])
        if (
            vals
            and set(vals) <= {"checked", "is_manually_modified"}
            and not self.filtered(
                lambda move: any(move[fname] != bool(value) for fname, value in vals.items())
            )
        ):
            # ``_post`` sets ``checked`` move by move, ``create`` sets ``is_manually_modified``
            # on the new moves; where each move has that value already (the money service
            # gives ``checked`` at creation) nothing changes: no write, no re-synchronisation
            # of every invoice of a batch. The caller still needs the right to write them.
            self.check_access("write")
            return True
        if set(vals) in ({"state", "posted_before"}, {"name"}):
            # ``_post``'s own write, and the number the sequence gives each move: neither the
            # state nor the number is any of what the dynamic lines (terms, taxes, rounding,
            # discounts) are computed from, so Odoo's synchronisation before and after the
            # write would compute them twice to change nothing. Every check of the write runs.
            return super(AccountMove, self.with_context(skip_invoice_sync=True)).write(vals)
        return super().write(vals)

    def _post(self, soft=True):
        self._hanling_apply_community_analytics()
        return super()._post(soft=soft)

    def _hanling_apply_community_analytics(self):
        """Income lines of a community's entries carry its analytic account (when none is set).

        One write per analytic account for the whole batch (a write per move re-synchronised
        every invoice of a billing run one by one)."""
        lines_by_account = {}
        for move in self.filtered("hanling_community_id"):
            lines = move.line_ids.filtered(
                lambda line: (
                    line.display_type == "product"
                    and not line.analytic_distribution
                    and line.account_id.internal_group in ("income", "expense")
                )
            )
            if lines:
                account = move.hanling_community_id._hanling_analytic_account()
                lines_by_account[account] = lines_by_account.get(account, lines.browse()) | lines
        for account, lines in lines_by_account.items():
            lines.analytic_distribution = {str(account.id): 100}


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    hanling_community_id = fields.Many2one(
        related="move_id.hanling_community_id", store=True, index="btree_not_null"
    )

    @api.model
    def _hanling_revenue_by_community(self, domain=None):
        """Posted income per community: {community: amount}, for reports and dashboards."""
        groups = self._read_group(
            [
                ("parent_state", "=", "posted"),
                ("hanling_community_id", "!=", False),
                ("account_id.internal_group", "=", "income"),
                *(domain or []),
            ],
            ["hanling_community_id"],
            ["balance:sum"],
        )
        return {community: -balance for community, balance in groups}
