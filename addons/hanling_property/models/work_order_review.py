from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.workflow import WorkflowGuardError, is_granted, workflow_step

DECISIONS = [
    ("keep", "Keep"),
    ("change_price", "Change the Price"),
    ("find_supplier", "Find a Specialist Supplier"),
    ("drop", "Stop Offering"),
]


class HanlingWorkOrderReview(models.Model):
    """The customer-service supervisor's monthly review of the repair services (篇2 八)."""

    _name = "hanling.work.order.review"
    _description = "Monthly Service Review"
    _inherit = ["hanling.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, community_id"
    _check_company_auto = True
    _workflow_fields = ("state", "date_concluded")
    # A concluded review is the record of the month: reopen it to change anything.
    _workflow_lock = {
        ("done",): (
            "community_id",
            "company_id",
            "date_from",
            "reviewer_id",
            "conclusion",
            "line_ids",
        ),
    }

    name = fields.Char(compute="_compute_name", store=True)
    community_id = fields.Many2one(
        "hanling.community",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(
        string="Month",
        required=True,
        default=lambda self: (
            fields.Date.context_today(self).replace(day=1) - relativedelta(months=1)
        ),
        help="First day of the month reviewed.",
    )
    date_to = fields.Date(string="Until", compute="_compute_date_to", store=True)
    reviewer_id = fields.Many2one(
        "res.users",
        string="Reviewed By",
        default=lambda self: self.env.user,
        required=True,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Concluded")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    line_ids = fields.One2many("hanling.work.order.review.line", "review_id", string="Services")
    order_count = fields.Integer(compute="_compute_totals", string="Orders")
    revenue = fields.Monetary(compute="_compute_totals")
    conclusion = fields.Html(
        string="Conclusions",
        help="Which services to keep, reprice or hand to specialist suppliers, and why.",
    )
    date_concluded = fields.Datetime(readonly=True, copy=False)

    _sql_constraints = [
        (
            "community_month_uniq",
            "unique(community_id, date_from)",
            "There is already a review of this community for this month.",
        ),
    ]

    @api.depends("community_id.name", "date_from")
    def _compute_name(self):
        for review in self:
            month = review.date_from.strftime("%Y-%m") if review.date_from else ""
            review.name = f"{review.community_id.name or ''} {month}".strip()

    @api.depends("date_from")
    def _compute_date_to(self):
        for review in self:
            review.date_to = review.date_from and review.date_from + relativedelta(
                months=1, days=-1
            )

    @api.depends("line_ids.order_count", "line_ids.revenue")
    def _compute_totals(self):
        for review in self:
            review.order_count = sum(review.line_ids.mapped("order_count"))
            review.revenue = sum(review.line_ids.mapped("revenue"))

    @api.constrains("date_from")
    def _check_date_from(self):
        if self.filtered(lambda r: r.date_from.day != 1):
            raise ValidationError(_("A monthly review starts on the first day of a month."))

    def action_compute(self):
        """Recount the month's work orders per catalogue service; decisions already taken stay."""
        self._check_state(["draft"], message=_("A concluded review can no longer be recounted."))
        for review in self:
            review._compute_lines()
        return True

    @workflow_step
    def action_conclude(self):
        self._check_state(["draft"], message=_("This review is already concluded."))
        if self.filtered(lambda r: not r.conclusion):
            raise UserError(_("Write the conclusions of the review first."))
        self.write({"state": "done", "date_concluded": fields.Datetime.now()})
        return True

    @workflow_step
    def action_reopen(self):
        self._check_state(["done"], message=_("Only a concluded review can be reopened."))
        self.write({"state": "draft"})
        return True

    @api.model
    def _cron_prepare_last_month(self):
        """Early each month, prepare the review of last month for every community with orders.

        Idempotent: a community that already has its review is left alone. The customer-service
        supervisor gets an activity to conclude it (篇2 八).
        """
        date_from = fields.Date.context_today(self).replace(day=1) - relativedelta(months=1)
        start = fields.Datetime.to_datetime(date_from)
        end = fields.Datetime.to_datetime(date_from + relativedelta(months=1))
        groups = self.env["hanling.work.order"]._read_group(
            [
                ("date_received", ">=", start),
                ("date_received", "<", end),
                ("community_id", "!=", False),
            ],
            ["community_id"],
        )
        communities = self.env["hanling.community"].union(*(c for (c,) in groups))
        done = self.search(
            [("date_from", "=", date_from), ("community_id", "in", communities.ids)]
        ).community_id
        vals_list = []
        for community in communities - done:
            reviewer = (
                self.env["res.users"]._hanling_role_users(
                    "hanling_property.group_cs_supervisor",
                    community.company_id,
                    exclude_group_xmlid="hanling_property.group_manager",
                )[:1]
                or self.env.user
            )
            vals_list.append(
                {
                    "community_id": community.id,
                    "company_id": community.company_id.id,
                    "date_from": date_from,
                    "reviewer_id": reviewer.id,
                }
            )
        reviews = self.create(vals_list)
        for review in reviews:
            review._compute_lines()
            review.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Review last month's repair services: %(name)s", name=review.name),
                user_id=review.reviewer_id.id,
            )
        return reviews

    def _get_order_domain(self):
        self.ensure_one()
        start = fields.Datetime.to_datetime(self.date_from)
        end = fields.Datetime.to_datetime(self.date_to + relativedelta(days=1))
        return [
            ("community_id", "=", self.community_id.id),
            ("date_received", ">=", start),
            ("date_received", "<", end),
            ("state", "not in", ("cancel", "referred")),
            ("service_id", "!=", False),
        ]

    @workflow_step
    def _compute_lines(self):
        """Count the month (a step: the figures of the lines are the server's)."""
        self.ensure_one()
        Order = self.env["hanling.work.order"]
        domain = self._get_order_domain()

        def per_service(extra, aggregate):
            return dict(Order._read_group(domain + extra, ["service_id"], [aggregate]))

        counts = per_service([], "__count")
        on_time = per_service([("date_arrived", "!=", False)], "on_time_rate:avg")
        # Which arrivals were proven by scanning the unit's QR code at the door (篇2 一 四)).
        scanned = per_service([("date_arrived", "!=", False)], "arrival_scan_rate:avg")
        duration = per_service([("date_finished", "!=", False)], "duration_hours:avg")
        satisfaction = per_service([("callback_state", "=", "done")], "satisfaction_score:avg")
        revenue = per_service([("payment_state", "!=", False)], "amount_invoiced:sum")
        # Jobs the residents sent back until satisfied (篇2 二 五) 1).
        reworks = per_service([("rework_count", ">", 0)], "rework_count:sum")
        decisions = {line.service_id: (line.decision, line.note) for line in self.line_ids}
        commands = [fields.Command.clear()]
        for service, count in counts.items():
            decision, note = decisions.get(service, ("keep", False))
            commands.append(
                fields.Command.create(
                    {
                        "service_id": service.id,
                        "order_count": count,
                        "on_time_rate": on_time.get(service, 0.0),
                        "arrival_scan_rate": scanned.get(service, 0.0),
                        "avg_duration": duration.get(service, 0.0),
                        "avg_satisfaction": satisfaction.get(service, 0.0),
                        "revenue": revenue.get(service, 0.0),
                        "rework_count": reworks.get(service, 0),
                        "decision": decision,
                        "note": note,
                    }
                )
            )
        self.line_ids = commands


class HanlingWorkOrderReviewLine(models.Model):
    _name = "hanling.work.order.review.line"
    _description = "Monthly Service Review Line"
    _order = "review_id, order_count desc, id"

    review_id = fields.Many2one(
        "hanling.work.order.review", required=True, ondelete="cascade", index=True
    )
    community_id = fields.Many2one(related="review_id.community_id", store=True, index=True)
    date_from = fields.Date(related="review_id.date_from", store=True, index=True)
    company_id = fields.Many2one(related="review_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="review_id.currency_id")
    service_id = fields.Many2one("hanling.service", required=True, index=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    on_time_rate = fields.Float(string="On-Time Rate (%)", readonly=True, aggregator="avg")
    arrival_scan_rate = fields.Float(
        string="Scanned Arrivals (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the month's arrivals proven by scanning the unit's QR code at the door.",
    )
    avg_duration = fields.Float(string="Average Duration (h)", readonly=True, aggregator="avg")
    avg_satisfaction = fields.Float(string="Average Satisfaction", readonly=True, aggregator="avg")
    revenue = fields.Monetary(readonly=True, help="Invoiced amount of the month's orders.")
    rework_count = fields.Integer(
        string="Reworks",
        readonly=True,
        help="Times the residents sent the month's orders back to repair, not satisfied.",
    )
    decision = fields.Selection(DECISIONS, default="keep", required=True)
    note = fields.Char(string="Remarks")

    # Counted from the work orders by the review's own step; the supervisor writes the decision
    # and the remarks only.
    _COUNTED_FIELDS = (
        "review_id",
        "service_id",
        "order_count",
        "on_time_rate",
        "arrival_scan_rate",
        "avg_duration",
        "avg_satisfaction",
        "revenue",
        "rework_count",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not is_granted("hanling.work.order.review"):
            for vals in vals_list:
                self._check_counted(vals)
        return super().create(vals_list)

    def write(self, vals):
        if not is_granted("hanling.work.order.review"):
            self._check_counted(vals)
            self.review_id._check_edit_lock({"line_ids": True})
        return super().write(vals)

    def unlink(self):
        if not is_granted("hanling.work.order.review"):
            self.review_id._check_edit_lock({"line_ids": True})
        return super().unlink()

    def _check_counted(self, vals):
        counted = set(self._COUNTED_FIELDS) & set(vals)
        if counted:
            raise WorkflowGuardError(
                self.env._(
                    "%(fields)s of a monthly review are counted by “Count the Month” only.",
                    fields=", ".join(
                        sorted(self._fields[name]._description_string(self.env) for name in counted)
                    ),
                )
            )
