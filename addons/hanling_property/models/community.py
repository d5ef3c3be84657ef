from odoo import _, api, fields, models
from odoo.exceptions import UserError


class HanlingCommunity(models.Model):
    _name = "hanling.community"
    _description = "Residential Community"
    _inherit = ["mail.thread"]
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True, translate=False)
    code = fields.Char(required=True, tracking=True, help="Short code, unique per company.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Management Office",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        help="The company that manages this community.",
    )
    street = fields.Char()
    city = fields.Char()
    hotline = fields.Char(string="24-hour Hotline")
    manager_id = fields.Many2one("res.users", string="Office Manager", check_company=True)
    building_ids = fields.One2many("hanling.building", "community_id", string="Buildings")
    unit_ids = fields.One2many("hanling.unit", "community_id", string="Units")
    building_count = fields.Integer(compute="_compute_counts")
    unit_count = fields.Integer(compute="_compute_counts")
    occupied_count = fields.Integer(compute="_compute_counts")
    occupancy_rate = fields.Float(
        compute="_compute_counts", help="Share of units that are occupied, in percent."
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A community code must be unique within a management office.",
        ),
    ]

    @api.depends("building_ids", "unit_ids.state")
    def _compute_counts(self):
        buildings = dict(
            self.env["hanling.building"]._read_group(
                [("community_id", "in", self.ids)], ["community_id"], ["__count"]
            )
        )
        units = {}
        for community, state, count in self.env["hanling.unit"]._read_group(
            [("community_id", "in", self.ids)], ["community_id", "state"], ["__count"]
        ):
            units.setdefault(community, {})[state] = count
        for community in self:
            per_state = units.get(community, {})
            total = sum(per_state.values())
            community.building_count = buildings.get(community, 0)
            community.unit_count = total
            community.occupied_count = per_state.get("occupied", 0)
            community.occupancy_rate = 100.0 * community.occupied_count / total if total else 0.0

    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Analytic Account",
        readonly=True,
        copy=False,
        help="Revenue and costs of the community's resident services (made with the community).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        communities = super().create(vals_list)
        self.env["hanling.money.service"]._create_community_analytic_accounts(communities)
        return communities

    def _hanling_analytic_account(self):
        """The community's analytic account in the Communities plan (made with the community)."""
        self.ensure_one()
        if not self.analytic_account_id:
            raise UserError(
                _(
                    "The community %(community)s has no analytic account in the Communities "
                    "plan, so its revenue cannot be reported. Ask the administrator to restore it.",
                    community=self.name,
                )
            )
        return self.analytic_account_id

    def action_view_units(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hanling_property.hanling_unit_action"
        )
        action["domain"] = [("community_id", "=", self.id)]
        action["context"] = {"default_community_id": self.id}
        return action
