from odoo import _, fields, models
from odoo.exceptions import UserError

OPEN_ORDER_STATES = ("draft", "assigned", "in_progress", "done", "accepted")
OPEN_COMPLAINT_STATES = ("received", "assessing", "handling", "resolved")


class HanlingCommunity(models.Model):
    """The office's day at a glance: one kanban card per community, each figure a filtered list."""

    _inherit = "hanling.community"

    dash_order_draft = fields.Integer(string="New Orders", compute="_compute_dashboard")
    dash_order_assigned = fields.Integer(string="Assigned Orders", compute="_compute_dashboard")
    dash_order_in_progress = fields.Integer(
        string="Orders in Progress", compute="_compute_dashboard"
    )
    dash_order_done = fields.Integer(
        string="Orders Awaiting Acceptance", compute="_compute_dashboard"
    )
    dash_order_accepted = fields.Integer(
        string="Orders Awaiting Closing", compute="_compute_dashboard"
    )
    dash_order_late = fields.Integer(string="Overdue Arrivals", compute="_compute_dashboard")
    dash_order_callback_late = fields.Integer(
        string="Overdue Order Callbacks", compute="_compute_dashboard"
    )
    dash_complaint_department = fields.Integer(
        string="Complaints at Department Level", compute="_compute_dashboard"
    )
    dash_complaint_manager = fields.Integer(
        string="Complaints with the Office Manager", compute="_compute_dashboard"
    )
    dash_complaint_company = fields.Integer(
        string="Complaints with the Company", compute="_compute_dashboard"
    )
    dash_complaint_callback_late = fields.Integer(
        string="Overdue Complaint Callbacks", compute="_compute_dashboard"
    )
    dash_nonconformity_late = fields.Integer(
        string="Overdue Corrective Actions", compute="_compute_dashboard"
    )
    dash_deposit_held = fields.Integer(
        string="Permits Holding a Deposit", compute="_compute_dashboard"
    )
    dash_currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    dash_deposit_held_amount = fields.Monetary(
        string="Decoration Deposits Held",
        currency_field="dash_currency_id",
        compute="_compute_dash_deposit_held_amount",
        help="From the deposit payments and refunds posted in accounting.",
    )

    def _compute_dashboard(self):
        counts = {}
        for key, (model, domain, groupby) in self._hanling_dashboard_queries().items():
            Model = self.env[model]
            if not Model.has_access("read"):
                continue
            for community, *group, count in Model._read_group(
                [("community_id", "in", self.ids), *domain],
                ["community_id", *([groupby] if groupby else [])],
                ["__count"],
            ):
                name = f"{key}_{group[0]}" if groupby else key
                counts[community.id, name] = count
        for community in self:
            for name in self._hanling_dashboard_fields():
                community[name] = counts.get((community.id, name), 0)

    def _compute_dash_deposit_held_amount(self):
        Permit = self.env["hanling.decoration.permit"]
        amounts = {}
        if Permit.has_access("read"):
            amounts = dict(
                Permit._read_group(
                    [("community_id", "in", self.ids), ("deposit_held", "!=", 0)],
                    ["community_id"],
                    ["deposit_held:sum"],
                )
            )
        for community in self:
            community.dash_deposit_held_amount = amounts.get(community, 0.0)

    def _hanling_dashboard_fields(self):
        """Hook: the dashboard figures, each filled from `_hanling_dashboard_queries`."""
        return [
            name
            for name, field in self._fields.items()
            if name.startswith("dash_") and field.type == "integer"
        ]

    def _hanling_dashboard_queries(self):
        """Hook: one grouped count per figure family: {key: (model, domain, groupby)}.

        Grouped keys fill the fields `<key>_<group value>`, others the field `<key>`.
        """
        return {
            "dash_order": ("hanling.work.order", [("state", "in", OPEN_ORDER_STATES)], "state"),
            "dash_order_late": ("hanling.work.order", [("is_arrival_overdue", "=", True)], None),
            "dash_order_callback_late": (
                "hanling.work.order",
                [("is_callback_overdue", "=", True)],
                None,
            ),
            "dash_complaint": (
                "hanling.complaint",
                [("state", "in", OPEN_COMPLAINT_STATES)],
                "escalation_level",
            ),
            "dash_complaint_callback_late": (
                "hanling.complaint",
                [("is_callback_overdue", "=", True)],
                None,
            ),
            "dash_nonconformity_late": (
                "hanling.nonconformity",
                [("is_overdue", "=", True)],
                None,
            ),
            "dash_deposit_held": (
                "hanling.decoration.permit",
                [("deposit_held", "!=", 0)],
                None,
            ),
        }

    def _hanling_dashboard_actions(self):
        """Hook: what each figure opens: {figure: (action xml id, domain)}."""
        return {
            **{
                f"dash_order_{state}": (
                    "hanling_property.hanling_work_order_action",
                    [("state", "=", state)],
                )
                for state in OPEN_ORDER_STATES
            },
            "dash_order_late": (
                "hanling_property.hanling_work_order_action",
                [("is_arrival_overdue", "=", True)],
            ),
            "dash_order_callback_late": (
                "hanling_property.hanling_work_order_action",
                [("is_callback_overdue", "=", True)],
            ),
            **{
                f"dash_complaint_{level}": (
                    "hanling_property.hanling_complaint_action",
                    [("state", "in", OPEN_COMPLAINT_STATES), ("escalation_level", "=", level)],
                )
                for level in ("department", "manager", "company")
            },
            "dash_complaint_callback_late": (
                "hanling_property.hanling_complaint_action",
                [("is_callback_overdue", "=", True)],
            ),
            "dash_nonconformity_late": (
                "hanling_property.hanling_nonconformity_action",
                [("is_overdue", "=", True)],
            ),
            "dash_deposit_held": (
                "hanling_property.hanling_decoration_permit_action_deposits",
                [("deposit_held", "!=", 0)],
            ),
        }

    def action_open_dashboard_figure(self):
        """Open the list behind one figure of the card (the figure's name is in the context)."""
        self.ensure_one()
        figure = self.env.context.get("hanling_figure")
        actions = self._hanling_dashboard_actions()
        if figure not in actions:
            raise UserError(_("Unknown dashboard figure."))
        xmlid, domain = actions[figure]
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("community_id", "=", self.id), *domain]
        action["context"] = {"create": False}
        action["display_name"] = _(
            "%(community)s: %(figure)s",
            community=self.name,
            figure=self._fields[figure]._description_string(self.env),
        )
        return action
