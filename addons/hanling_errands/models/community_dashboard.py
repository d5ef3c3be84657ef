from odoo import fields, models


class HanlingCommunity(models.Model):
    """The errands awaiting settlement on the office's dashboard."""

    _inherit = "hanling.community"

    dash_errand_to_settle = fields.Integer(
        string="Errands Awaiting Settlement", compute="_compute_dashboard"
    )

    def _hanling_dashboard_queries(self):
        return {
            **super()._hanling_dashboard_queries(),
            "dash_errand_to_settle": ("hanling.errand", [("state", "=", "delivered")], None),
        }

    def _hanling_dashboard_actions(self):
        return {
            **super()._hanling_dashboard_actions(),
            "dash_errand_to_settle": (
                "hanling_errands.hanling_errand_action",
                [("state", "=", "delivered")],
            ),
        }
