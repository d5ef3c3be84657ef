"""The monthly review's figures against a direct count of the work orders (issue 19 item 3).

The review counts every community of a month in one grouped query (篇2 八: the customer-service
supervisor's monthly review of the repair services); these tests recount the same orders one by
one in Python and compare every figure of every line, after the orders change state, are sent
back to repair, deleted or moved to another community.
"""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .work_order_common import WorkOrderCase

APRIL = date(2027, 4, 1)


def direct_count(review):
    """{service: {figure: value}} of the review's month, counted order by order."""
    orders = review.env["hanling.work.order"].search(review._get_order_domain())
    figures = {}

    def mean(values):
        return sum(values) / len(values) if values else 0.0

    for service in orders.service_id:
        mine = orders.filtered(lambda o, s=service: o.service_id == s)
        arrived = mine.filtered("date_arrived")
        figures[service] = {
            "order_count": len(mine),
            "on_time_rate": mean(arrived.mapped("on_time_rate")),
            "arrival_scan_rate": mean(arrived.mapped("arrival_scan_rate")),
            "avg_duration": mean(mine.filtered("date_finished").mapped("duration_hours")),
            "avg_satisfaction": mean(
                mine.filtered(lambda o: o.callback_state == "done").mapped("satisfaction_score")
            ),
            "revenue": sum(mine.filtered("payment_state").mapped("amount_invoiced")),
            "rework_count": sum(mine.mapped("rework_count")),
        }
    return figures


@tagged("post_install", "-at_install")
class TestWorkOrderReviewCount(WorkOrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.community2 = cls.env["hanling.community"].create(
            {"name": "测试二小区", "code": "TST2", "company_id": cls.company.id}
        )
        building = cls.env["hanling.building"].create(
            {"name": "2栋", "code": "T2", "community_id": cls.community2.id}
        )
        cls.unit_b = cls.env["hanling.unit"].create(
            {"building_id": building.id, "floor": 5, "room": "501", "floor_area": 70.0}
        )
        cls.env["hanling.occupancy"].create({"unit_id": cls.unit_b.id, "partner_id": cls.owner.id})

    def _order_on(self, day, unit=None, service=None):
        with freeze_time(datetime(2027, 4, day, 1, 0)):
            return self._order(
                unit_id=(unit or self.unit).id, service_id=(service or self.paid_service).id
            )

    def _done(self, day, unit=None, service=None, arrive_minute=10, satisfaction=None):
        order = self._order_on(day, unit, service)
        with freeze_time(datetime(2027, 4, day, 1, 0)):
            self._assign(order)
        with freeze_time(datetime(2027, 4, day, 1, arrive_minute)):
            self._arrive(order)
        with freeze_time(datetime(2027, 4, day, 3, arrive_minute)):
            order.with_user(self.tech).write({"inspection_note": "ok"})
            order.with_user(self.tech).action_finish()
        if satisfaction:
            with freeze_time(datetime(2027, 4, day, 4, 0)):
                self._accept(order)
            self._callback_done(order, satisfaction)
        return order

    def _reviews(self):
        return (
            self.env["hanling.work.order.review"]
            .with_user(self.cssup)
            .create(
                [
                    {"community_id": self.community.id, "date_from": APRIL},
                    {"community_id": self.community2.id, "date_from": APRIL},
                ]
            )
        )

    def assertMatchesDirectCount(self, reviews):
        for review in reviews:
            expected = direct_count(review)
            lines = {line.service_id: line for line in review.line_ids}
            self.assertEqual(set(lines), set(expected), review.name)
            for service, figures in expected.items():
                for name, value in figures.items():
                    with self.subTest(review=review.name, service=service.name, figure=name):
                        self.assertAlmostEqual(lines[service][name], value, places=6)
            self.assertEqual(review.order_count, sum(f["order_count"] for f in expected.values()))

    def _build_month(self):
        """Both communities: paid jobs on time and late, accepted and called back, a free job,
        drafts, a cancelled and a referred request, and an order of the next month."""
        self._done(5, satisfaction="5")
        self._done(6, arrive_minute=40, satisfaction="3")
        self._done(7, service=self.free_service)
        self._done(8, unit=self.unit_b, satisfaction="4")
        self._done(9, unit=self.unit_b, service=self.free_service, arrive_minute=30)
        drafts = self._order_on(10) | self._order_on(11, unit=self.unit_b)
        cancelled = self._order_on(12)
        cancelled.write({"cancel_reason": "不需要了"})
        cancelled.action_cancel()
        with freeze_time(datetime(2027, 5, 1, 1, 0)):
            self._order()  # next month: not counted
        return drafts

    def test_batch_of_communities_matches_direct_count(self):
        """篇2 八: every community's review of the month counts exactly its own orders, and the
        whole batch costs the same queries as one review (one grouped query per month)."""
        self._build_month()
        reviews = self._reviews()
        reviews.action_compute()
        self.assertMatchesDirectCount(reviews)
        first, second = reviews
        self.assertEqual(first.order_count, 4)  # 3 jobs and a draft; not the cancelled one
        self.assertEqual(second.order_count, 3)
        paid = first.line_ids.filtered(lambda line: line.service_id == self.paid_service)
        self.assertEqual(paid.on_time_rate, 50.0)
        self.assertEqual(paid.avg_satisfaction, 4.0)
        self.assertEqual(paid.revenue, 40.0)
        # Recounting one review or both costs the same number of queries.
        self.env.flush_all()
        self.env.invalidate_all()
        count0 = self.env.cr.sql_log_count
        first.action_compute()
        self.env.flush_all()
        one = self.env.cr.sql_log_count - count0
        self.env.invalidate_all()
        count0 = self.env.cr.sql_log_count
        reviews.action_compute()
        self.env.flush_all()
        both = self.env.cr.sql_log_count - count0
        self.assertLessEqual(both, one + 1, (one, both))
        self.assertMatchesDirectCount(reviews)

    def test_recount_follows_state_rework_delete_and_move(self):
        """篇2 八 with 篇2 二 五) 1): the review recounts the orders as they are now: a
        cancelled order leaves it, a job sent back to repair counts its rework, a deleted order
        is gone and an order moved to another community's unit counts there."""
        drafts = self._build_month()
        reviews = self._reviews()
        reviews.action_compute()
        self.assertMatchesDirectCount(reviews)
        first, second = reviews
        self.assertEqual((first.order_count, second.order_count), (4, 3))

        # A state change: a draft is cancelled.
        draft_a, draft_b = drafts
        draft_a.write({"cancel_reason": "住户自行修好"})
        draft_a.action_cancel()
        # A rework: the resident sends a finished job back (篇2 二 五) 1).
        reworked = self._done(14)
        reworked.with_user(self.tech).write({"rework_reason": "还在漏水"})
        reworked.with_user(self.tech).action_rework()
        self.assertEqual(reworked.rework_count, 1)
        reviews.action_compute()
        self.assertMatchesDirectCount(reviews)
        self.assertEqual(first.order_count, 4)  # one cancelled, one reworked job added
        self.assertEqual(sum(first.line_ids.mapped("rework_count")), 1)

        # A deletion: the office manager deletes the cancelled order.
        draft_a.with_user(self.users["t_manager"]).unlink()
        # A move: the other community's draft was taken down on the wrong unit.
        draft_b.with_user(self.duty).write({"unit_id": self.unit2.id})
        self.assertEqual(draft_b.community_id, self.community)
        reviews.action_compute()
        self.assertMatchesDirectCount(reviews)
        self.assertEqual((first.order_count, second.order_count), (5, 2))

    def test_totals_are_stored_with_the_lines(self):
        """The reviews' totals (orders, revenue) are stored by the recount itself, in the
        statement that inserts the lines (issue 19): the database holds the sums of the lines
        at once, and they follow the lines when those are removed or counted again."""
        self._build_month()
        reviews = self._reviews()
        reviews.action_compute()
        self.env.flush_all()

        def stored():
            self.env.cr.execute(
                "SELECT id, order_count, revenue FROM hanling_work_order_review WHERE id IN %s",
                [tuple(reviews.ids)],
            )
            return {row[0]: (row[1], float(row[2] or 0)) for row in self.env.cr.fetchall()}

        sums = {
            review.id: (
                sum(review.line_ids.mapped("order_count")),
                sum(review.line_ids.mapped("revenue")),
            )
            for review in reviews
        }
        self.assertEqual(stored(), sums)
        self.assertEqual(sums[reviews[0].id], (4, 40.0))
        # The supervisor removes a review's lines: its totals follow (the ORM recomputes them).
        first = reviews[0].with_user(self.cssup)
        first.line_ids.unlink()
        self.env.flush_all()
        self.assertEqual(stored()[first.id], (0, 0.0))
        # Counted again: the same totals as before.
        reviews.action_compute()
        self.env.flush_all()
        self.assertEqual(stored(), sums)
