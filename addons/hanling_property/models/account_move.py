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

    @api.model_create_multi
    def create(self, vals_list):
        check_permit_link(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if "hanling_decoration_permit_id" in vals:
            check_permit_link(self, [{"hanling_decoration_permit_id": True}])
        return super().write(vals)

    def _post(self, soft=True):
        self._hanling_apply_community_analytics()
        return super()._post(soft=soft)

    def _hanling_apply_community_analytics(self):
        """Income lines of a community's entries carry its analytic account (when none is set)."""
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
