from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools.workflow import workflow_step

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
            "decision_ids",
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
    # Stored: the month's step (``_compute_lines``) writes them with the lines it counts, so
    # that the list of reviews and the figures read back cost no pass over the lines.
    order_count = fields.Integer(compute="_compute_totals", store=True, string="Orders")
    revenue = fields.Monetary(compute="_compute_totals", store=True)
    conclusion = fields.Html(
        string="Conclusions",
        help="Which services to keep, reprice or hand to specialist suppliers, and why.",
    )
    date_concluded = fields.Datetime(readonly=True, copy=False)
    # What the review decided for the catalogue, applied one by one (篇2 八).
    decision_ids = fields.One2many(
        "hanling.work.order.review.decision", "review_id", string="Catalogue Decisions"
    )
    # Requests referred outside the catalogue show what is missing from it (篇2 一 二)、八).
    referred_order_ids = fields.Many2many(
        "hanling.work.order",
        compute="_compute_referrals",
        string="Work Orders Referred",
    )
    referred_entry_ids = fields.Many2many(
        "hanling.duty.log",
        compute="_compute_referrals",
        string="Duty Log Entries Referred",
    )
    referral_count = fields.Integer(
        compute="_compute_referrals",
        string="Referred Outside the Catalogue",
        help="Requests of the month referred to a specialist supplier: what the catalogue lacks.",
    )
    # The engineering supervisor's daily spot check of the duty log (篇2 二 六) 2).
    spot_check_ids = fields.Many2many(
        "hanling.duty.log.check", compute="_compute_spot_checks", string="Duty Log Spot Checks"
    )
    spot_check_days = fields.Integer(compute="_compute_spot_checks", string="Days Checked")
    spot_check_day_total = fields.Integer(compute="_compute_spot_checks", string="Days")
    spot_check_missing = fields.Char(
        compute="_compute_spot_checks",
        string="Days Without a Check",
        help="Days of the month on which the duty log was not spot-checked.",
    )

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

    @api.depends("community_id", "date_from", "date_to")
    def _compute_referrals(self):
        for review in self:
            if not (review.community_id and review.date_from):
                review.referred_order_ids = review.referred_entry_ids = False
                review.referral_count = 0
                continue
            domain = review._get_month_domain() + [("state", "=", "referred")]
            orders = self.env["hanling.work.order"].search(domain)
            entries = self.env["hanling.duty.log"].search(domain)
            review.referred_order_ids = orders
            review.referred_entry_ids = entries
            review.referral_count = len(orders) + len(entries)

    @api.depends("company_id", "date_from", "date_to")
    def _compute_spot_checks(self):
        Check = self.env["hanling.duty.log.check"]
        today = fields.Date.context_today(self)
        for review in self:
            if not (review.company_id and review.date_from):
                review.spot_check_ids = False
                review.spot_check_days = review.spot_check_day_total = 0
                review.spot_check_missing = False
                continue
            last = min(review.date_to, today)
            review.spot_check_ids = Check.search(
                [
                    ("company_id", "=", review.company_id.id),
                    ("state", "=", "done"),
                    ("date", ">=", review.date_from),
                    ("date", "<=", review.date_to),
                ]
            )
            checked = set(review.spot_check_ids.mapped("date"))
            days = [
                review.date_from + relativedelta(days=n)
                for n in range((last - review.date_from).days + 1)
            ]
            review.spot_check_days = len(checked)
            review.spot_check_day_total = len(days)
            review.spot_check_missing = (
                ", ".join(str(day.day) for day in days if day not in checked) or False
            )

    @api.constrains("date_from")
    def _check_date_from(self):
        if self.filtered(lambda r: r.date_from.day != 1):
            raise ValidationError(_("A monthly review starts on the first day of a month."))

    def _check_reviewer(self):
        """篇2 八 "客户主管每月初……进行统计、分析、评估": the monthly review is the customer-service
        supervisor's (and the manager's above); others read it."""
        if not self.env.user.has_group("hanling_property.group_cs_supervisor"):
            raise AccessError(
                _(
                    "Only the customer-service supervisor counts, concludes or reopens the "
                    "monthly service review (篇2 八)."
                )
            )

    def action_compute(self):
        """Recount the month's work orders per catalogue service; decisions already taken stay."""
        self._check_reviewer()
        self._check_state(["draft"], message=_("A concluded review can no longer be recounted."))
        self._compute_lines()
        return True

    @workflow_step
    def action_conclude(self):
        self._check_reviewer()
        self._check_state(["draft"], message=_("This review is already concluded."))
        if self.filtered(lambda r: not r.conclusion):
            raise UserError(_("Write the conclusions of the review first."))
        self._check_decisions_applied()
        self.write({"state": "done", "date_concluded": fields.Datetime.now()})
        return True

    @workflow_step
    def action_reopen(self):
        self._check_reviewer()
        self._check_state(["done"], message=_("Only a concluded review can be reopened."))
        self.write({"state": "draft"})
        return True

    def _check_open_for_decisions(self):
        """Decisions are taken, applied or cancelled on a review still open (draft)."""
        if self.filtered(lambda r: r.state != "draft"):
            raise UserError(
                _(
                    "A concluded review is the record of the month: reopen it to change its "
                    "decisions."
                )
            )

    def _check_decisions_applied(self):
        """The review acts (篇2 八): every decision is applied or dropped before it concludes.

        A service marked "change the price", "stop offering" or "find a supplier" needs the
        applied decision that does it.
        """
        pending = self.decision_ids.filtered(lambda d: d.state == "draft")
        if pending:
            raise UserError(
                _(
                    "Apply or cancel the decisions still open first: %(names)s.",
                    names=", ".join(pending.mapped("display_name")),
                )
            )
        kinds = {"change_price": "price", "drop": "withdraw", "find_supplier": "supplier"}
        for review in self:
            applied = review.decision_ids.filtered(lambda d: d.state == "applied")
            missing = review.line_ids.filtered(
                lambda line, applied=applied: line.decision in kinds
                and not applied.filtered(
                    lambda d, line=line: d.kind == kinds[line.decision]
                    and d.service_id == line.service_id
                )
            )
            if missing:
                raise UserError(
                    _(
                        "Record and apply the decision for %(services)s: the review marked them "
                        "but the catalogue was not adjusted.",
                        services=", ".join(missing.service_id.mapped("display_name")),
                    )
                )

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
        reviews._compute_lines()
        for review in reviews:
            review.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Review last month's repair services: %(name)s", name=review.name),
                user_id=review.reviewer_id.id,
            )
        return reviews

    def _get_month_domain(self):
        """The requests received in the community during the month (work orders, duty log)."""
        self.ensure_one()
        start = fields.Datetime.to_datetime(self.date_from)
        end = fields.Datetime.to_datetime(self.date_to + relativedelta(days=1))
        return [
            ("community_id", "=", self.community_id.id),
            ("date_received", ">=", start),
            ("date_received", "<", end),
        ]

    def _get_order_domain(self):
        self.ensure_one()
        return self._get_month_domain() + [
            ("state", "not in", ("cancel", "referred")),
            ("service_id", "!=", False),
        ]

    @workflow_step
    def _compute_lines(self):
        """Count the month (a step: the figures of the lines are the server's).

        Set-based (issue 19: the review of every community at 1,000,000 work orders in under
        300 ms): one grouped query per month counts the work orders of every community of the
        batch, whichever index the planner picks, and inserts the lines of all the reviews in
        the same statement (creating them one by one through the ORM cost more than the count
        itself); the same statement writes the reviews' totals. The decision and remarks the
        supervisor wrote on a service survive a recount.
        """
        Line = self.env["hanling.work.order.review.line"]
        decisions = [
            (line.review_id.id, line.service_id.id, line.decision, line.note or None)
            for line in self.line_ids
        ]
        self.line_ids.unlink()
        self.flush_recordset()
        kept = list(zip(*decisions, strict=True)) if decisions else [(), (), (), ()]
        for (date_from, date_to), reviews in self.grouped(
            lambda r: (r.date_from, r.date_to)
        ).items():
            counts = self._count_month(reviews.community_id, date_from, date_to)
            if counts is None:
                continue
            self.env.execute_query(
                SQL(
                    """
                    WITH line AS (
                    INSERT INTO hanling_work_order_review_line (
                        review_id, community_id, date_from, service_id,
                        order_count, on_time_rate, arrival_scan_rate, avg_duration,
                        avg_satisfaction, revenue, rework_count, decision, note)
                    SELECT r.id, r.community_id, r.date_from, c.service_id,
                           c.orders, COALESCE(c.on_time, 0), COALESCE(c.scanned, 0),
                           COALESCE(c.duration, 0), COALESCE(c.satisfaction, 0),
                           COALESCE(c.revenue, 0), COALESCE(c.reworks, 0),
                           COALESCE(d.decision, 'keep'), d.note
                      FROM (%(counts)s) AS c
                      JOIN hanling_work_order_review r
                        ON r.community_id = c.community_id AND r.id = ANY(%(reviews)s)
                      JOIN hanling_service s ON s.id = c.service_id
                      LEFT JOIN unnest(%(d_review)s::int[], %(d_service)s::int[],
                                       %(d_decision)s::varchar[], %(d_note)s::varchar[])
                                AS d(review_id, service_id, decision, note)
                        ON d.review_id = r.id AND d.service_id = c.service_id
                     ORDER BY r.id, s.fee_type, s.sequence, s.number, s.id
                     RETURNING review_id, order_count, revenue)
                    UPDATE hanling_work_order_review r
                       SET order_count = t.orders, revenue = t.revenue
                      FROM (SELECT review_id, sum(order_count) AS orders,
                                   sum(revenue) AS revenue
                              FROM line GROUP BY review_id) AS t
                     WHERE r.id = t.review_id
                    """,
                    counts=counts,
                    reviews=reviews.ids,
                    d_review=list(kept[0]),
                    d_service=list(kept[1]),
                    d_decision=list(kept[2]),
                    d_note=list(kept[3]),
                )
            )
        Line.invalidate_model()
        self.invalidate_recordset(["line_ids", "order_count", "revenue"])
        return True

    def _count_month(self, communities, date_from, date_to):
        """The grouped query (community_id, service_id, orders, on_time, scanned, duration,
        satisfaction, revenue, reworks) of the work orders received in these communities
        during the month, as the reviewer may read them (record rules apply); None when the
        domain can match nothing.

        The averages are over the orders the figure applies to: arrivals for the on-time rate
        and the scanned share, finished repairs for the duration, callbacks done for the
        satisfaction; the revenue is the invoiced amount of the orders with an invoice.
        """
        Order = self.env["hanling.work.order"]
        start = fields.Datetime.to_datetime(date_from)
        end = fields.Datetime.to_datetime(date_to + relativedelta(days=1))
        query = Order._search(
            [
                ("community_id", "in", communities.ids),
                ("date_received", ">=", start),
                ("date_received", "<", end),
                ("state", "not in", ("cancel", "referred")),
                ("service_id", "!=", False),
            ]
        )
        if query.is_empty():
            return None

        def col(fname):
            return Order._field_to_sql(Order._table, fname, query)

        arrived = SQL("%s IS NOT NULL", col("date_arrived"))
        query.groupby = SQL("%s, %s", col("community_id"), col("service_id"))
        return query.select(
            SQL("%s AS community_id", col("community_id")),
            SQL("%s AS service_id", col("service_id")),
            SQL("count(*) AS orders"),
            SQL("avg(%s) FILTER (WHERE %s) AS on_time", col("on_time_rate"), arrived),
            SQL("avg(%s) FILTER (WHERE %s) AS scanned", col("arrival_scan_rate"), arrived),
            SQL(
                "avg(%s) FILTER (WHERE %s IS NOT NULL) AS duration",
                col("duration_hours"),
                col("date_finished"),
            ),
            SQL(
                "avg(%s) FILTER (WHERE %s = 'done') AS satisfaction",
                col("satisfaction_score"),
                col("callback_state"),
            ),
            SQL(
                "sum(%s) FILTER (WHERE %s IS NOT NULL) AS revenue",
                col("amount_invoiced"),
                col("payment_state"),
            ),
            SQL("sum(%s) AS reworks", col("rework_count")),
        )


class HanlingWorkOrderReviewLine(models.Model):
    _name = "hanling.work.order.review.line"
    _description = "Monthly Service Review Line"
    _inherit = ["hanling.workflow.mixin"]
    _order = "review_id, order_count desc, id"
    # Figures of the review, counted and inserted by its step: who counted them and when is the
    # review's (its chatter and ``write_date``). Without the four log columns (and the stored
    # company, below) a recount of every community inserts its ~1,700 lines at 1,000,000 orders
    # with three foreign-key checks per line less (issue 19: the review under 300 ms).
    _log_access = False
    # Counted from the work orders by the review's own step ("Count the Month"), which opens
    # them (``_workflow_parent``).
    _workflow_parent = "review_id"
    _workflow_fields = (
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

    review_id = fields.Many2one(
        "hanling.work.order.review", required=True, ondelete="cascade", index=True
    )
    community_id = fields.Many2one(related="review_id.community_id", store=True, index=True)
    date_from = fields.Date(related="review_id.date_from", store=True, index=True)
    # Not stored: the company is the review's (the record rule reads it through review_id),
    # one foreign key less to check on each of the lines a recount inserts.
    company_id = fields.Many2one(related="review_id.company_id")
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

    # The lines' lock is the review's (its ``line_ids``); the supervisor writes the decision
    # and the remarks only.

    def write(self, vals):
        if not self._workflow_open():
            self.review_id._check_edit_lock({"line_ids": True})
        return super().write(vals)

    def unlink(self):
        if not self._workflow_open():
            self.review_id._check_edit_lock({"line_ids": True})
        return super().unlink()
