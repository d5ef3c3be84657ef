from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.hanling_property.tools.workflow import workflow_step


class HanlingFeeSubscription(models.Model):
    """A unit pays a fee, by a payer, from a date (and until one).

    Started by the move-in handover (入伙) for the owner, or by the office on a date it sets;
    an ownership transfer (过户) ends the old owner's subscriptions the day before it and starts
    the new owner's on its day. The payer is the owner unless the office records the tenant.
    """

    _name = "hanling.fee.subscription"
    _description = "Fee Subscription"
    _inherit = ["hanling.workflow.mixin", "mail.thread"]
    # Which move-in or transfer started or ended a subscription is the procedures' record:
    # only their hooks below write it.
    _workflow_fields = ("move_in_id", "transfer_id", "ended_by_transfer_id")
    _order = "unit_id, fee_type_id, date_start"
    _check_company_auto = True

    unit_id = fields.Many2one(
        "hanling.unit", required=True, index=True, ondelete="restrict", check_company=True
    )
    fee_type_id = fields.Many2one(
        "hanling.fee.type",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('community_id', '=', community_id)]",
    )
    community_id = fields.Many2one(related="unit_id.community_id", store=True, index=True)
    company_id = fields.Many2one(related="unit_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Payer",
        required=True,
        index=True,
        tracking=True,
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    payer_role = fields.Selection(
        [("owner", "Owner"), ("tenant", "Tenant")],
        required=True,
        default="owner",
        tracking=True,
    )
    quantity = fields.Float(
        string="Parking Spaces / Quantity",
        default=1.0,
        digits="Product Unit of Measure",
        help="Parking spaces for a parking fee; the count for a fixed or one-off fee. Area "
        "fees use the unit's floor area.",
    )
    date_start = fields.Date(
        string="From", required=True, index=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(string="Until", index=True, tracking=True)
    move_in_id = fields.Many2one("hanling.move.in", string="Started by Move-in", readonly=True)
    transfer_id = fields.Many2one(
        "hanling.ownership.transfer", string="Started by Transfer", readonly=True
    )
    ended_by_transfer_id = fields.Many2one(
        "hanling.ownership.transfer", string="Ended by Transfer", readonly=True
    )
    bill_line_ids = fields.One2many("hanling.fee.bill.line", "subscription_id", string="Bills")
    active = fields.Boolean(default=True)

    @api.depends("unit_id", "payer_role")
    def _compute_partner_id(self):
        for subscription in self:
            if subscription.partner_id or not subscription.unit_id:
                continue
            owners = subscription.unit_id.current_occupancy_ids.filtered(
                lambda o: o.role == "owner"
            )
            subscription.partner_id = owners[:1].partner_id

    @api.depends("unit_id.display_name", "fee_type_id.name", "partner_id.name")
    def _compute_display_name(self):
        for subscription in self:
            subscription.display_name = " · ".join(
                filter(
                    None,
                    [
                        subscription.unit_id.display_name,
                        subscription.fee_type_id.name,
                        subscription.partner_id.name,
                    ],
                )
            )

    @api.constrains("unit_id", "fee_type_id", "date_start", "date_end", "active")
    def _check_dates(self):
        far = fields.Date.to_date("9999-12-31")
        for subscription in self.filtered("active"):
            if subscription.date_end and subscription.date_end < subscription.date_start:
                raise ValidationError(self.env._("A subscription cannot end before it starts."))
            if subscription.fee_type_id.community_id != subscription.unit_id.community_id:
                raise ValidationError(
                    self.env._(
                        "%(fee)s is a fee of another community than %(unit)s.",
                        fee=subscription.fee_type_id.name,
                        unit=subscription.unit_id.display_name,
                    )
                )
            others = self.search(
                [
                    ("id", "!=", subscription.id),
                    ("unit_id", "=", subscription.unit_id.id),
                    ("fee_type_id", "=", subscription.fee_type_id.id),
                    ("date_start", "<=", subscription.date_end or far),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">=", subscription.date_start),
                ],
                limit=1,
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "%(unit)s already pays %(fee)s in that time (%(other)s): end it first.",
                        unit=subscription.unit_id.display_name,
                        fee=subscription.fee_type_id.name,
                        other=others.display_name,
                    )
                )

    # ------------------------------------------------------------------ hooks of the procedures

    @api.model
    @workflow_step
    def _start_for_owner(self, unit, partner, day, origin=None):
        """Start every move-in fee of the unit's community for ``partner`` from ``day``.

        A fee the unit already pays on that day is left as it is. ``origin`` is the move-in
        or the transfer that starts them. Returns the new subscriptions.
        """
        fee_types = self.env["hanling.fee.type"].search(
            [
                ("community_id", "=", unit.community_id.id),
                ("subscribe_on_move_in", "=", True),
                ("kind", "in", ("area", "unit")),
            ]
        )
        running = self.search(
            [
                ("unit_id", "=", unit.id),
                ("fee_type_id", "in", fee_types.ids),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", day),
            ]
        ).fee_type_id
        values = []
        for fee_type in fee_types - running:
            vals = {
                "unit_id": unit.id,
                "fee_type_id": fee_type.id,
                "partner_id": partner.id,
                "payer_role": "owner",
                "date_start": day,
            }
            if origin and origin._name == "hanling.move.in":
                vals["move_in_id"] = origin.id
            elif origin and origin._name == "hanling.ownership.transfer":
                vals["transfer_id"] = origin.id
            values.append(vals)
        return self.create(values)

    @api.model
    @workflow_step
    def _transfer(self, transfer):
        """过户: the old owners' subscriptions end the day before, the new owner's start on it.

        Subscriptions a tenant pays stay as they are. Returns (ended, started).
        """
        day = transfer.date_transfer
        ended = self.search(
            [
                ("unit_id", "=", transfer.unit_id.id),
                ("payer_role", "=", "owner"),
                ("partner_id", "in", transfer.previous_owner_ids.ids),
                ("date_start", "<=", day),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", day),
            ]
        )
        started = self.browse()
        for subscription in ended:
            if subscription.date_start == day:
                # Started on the transfer day itself: the new owner takes it over whole.
                subscription.write(
                    {"partner_id": transfer.partner_id.id, "transfer_id": transfer.id}
                )
                started |= subscription
                continue
            original_end = subscription.date_end
            subscription.write(
                {"date_end": day - timedelta(days=1), "ended_by_transfer_id": transfer.id}
            )
            started |= subscription.copy(
                {
                    "partner_id": transfer.partner_id.id,
                    "date_start": day,
                    "date_end": original_end,
                    "move_in_id": False,
                    "transfer_id": transfer.id,
                    "ended_by_transfer_id": False,
                }
            )
        return ended - started, started

    @api.model
    def _subscribe_current_owners(self, communities, day=None):
        """Start the move-in fees for the current owner of every occupied unit of
        ``communities`` (taking the fees on, or the demo data); units that pay already keep
        their subscriptions."""
        if not isinstance(communities, models.BaseModel):  # ids, from a data file
            communities = self.env["hanling.community"].browse(communities)
        day = fields.Date.to_date(day) or fields.Date.context_today(self)
        made = self.browse()
        units = self.env["hanling.unit"].search([("community_id", "in", communities.ids)])
        for unit in units:
            owners = unit.current_occupancy_ids.filtered(lambda o: o.role == "owner")
            if owners:
                made |= self._start_for_owner(unit, owners[:1].partner_id, day)
        return made
