from datetime import date, datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .work_order_common import WorkOrderCase


@tagged("post_install", "-at_install")
class TestWorkOrderReview(WorkOrderCase):
    def _done_order(self, day, arrive_minute, finish_hour, satisfaction, service=None, **vals):
        with freeze_time(datetime(2027, 4, day, 1, 0)):
            order = self._order(service_id=(service or self.paid_service).id, **vals)
            self._assign(order)
        with freeze_time(datetime(2027, 4, day, 1, arrive_minute)):
            order.with_user(self.tech).action_arrive_scan(order.unit_id._hanling_portal_url())
        with freeze_time(datetime(2027, 4, day, finish_hour, arrive_minute)):
            order.with_user(self.tech).write({"inspection_note": "ok"})
            order.with_user(self.tech).action_finish()
            self._accept(order)
        if satisfaction:
            self._callback_done(order, satisfaction)
        return order

    def test_monthly_statistics_per_service(self):
        # Two paid jobs: one on time (10 min), one late (30 min); 1 h and 3 h of work.
        self._done_order(5, 10, 2, "5")
        self._done_order(6, 30, 4, "3")
        self._done_order(7, 5, 2, False, service=self.free_service)
        with freeze_time(datetime(2027, 4, 8, 1, 0)):
            cancelled = self._order()
            cancelled.write({"cancel_reason": "不需要了"})
            cancelled.action_cancel()
        with freeze_time(datetime(2027, 5, 1, 1, 0)):
            self._order()  # next month: not counted
        review = (
            self.env["hanling.work.order.review"]
            .with_user(self.cssup)
            .create({"community_id": self.community.id, "date_from": date(2027, 4, 1)})
        )
        self.assertEqual(review.date_to, date(2027, 4, 30))
        review.action_compute()
        paid = review.line_ids.filtered(lambda line: line.service_id == self.paid_service)
        free = review.line_ids.filtered(lambda line: line.service_id == self.free_service)
        self.assertEqual(len(review.line_ids), 2)
        self.assertEqual(paid.order_count, 2)
        self.assertEqual(paid.on_time_rate, 50.0)
        self.assertEqual(paid.avg_duration, 2.0)
        self.assertEqual(paid.avg_satisfaction, 4.0)
        self.assertEqual(paid.revenue, 40.0)
        self.assertEqual(free.order_count, 1)
        self.assertEqual(free.on_time_rate, 100.0)
        self.assertEqual(free.avg_satisfaction, 0.0)
        self.assertEqual(free.revenue, 0.0)
        self.assertEqual(review.order_count, 3)
        self.assertEqual(review.revenue, 40.0)
        # The supervisor's decisions survive a recount.
        paid.write({"decision": "change_price", "note": "上调至25元"})
        review.action_compute()
        paid = review.line_ids.filtered(lambda line: line.service_id == self.paid_service)
        self.assertEqual((paid.decision, paid.note), ("change_price", "上调至25元"))
        with self.assertRaises(UserError):
            review.action_conclude()  # no conclusions yet
        review.conclusion = "<p>保留全部项目,水龙头更换调价。</p>"
        # 篇2 八: the review acts: a service marked for a new price is repriced by a decision.
        with self.assertRaisesRegex(UserError, "catalogue was not adjusted"):
            review.action_conclude()
        self.env["hanling.work.order.review.decision"].with_user(self.cssup).create(
            {
                "review_id": review.id,
                "kind": "price",
                "service_id": self.paid_service.id,
                "new_price": 25.0,
                "reason": "上调至25元",
            }
        ).action_apply()
        review.action_conclude()
        self.assertEqual(self.paid_service.list_price, 25.0)
        self.assertEqual(review.state, "done")
        with self.assertRaises(UserError):
            review.action_compute()
        with self.assertRaises(UserError):
            review.action_conclude()
        review.action_reopen()
        self.assertEqual(review.state, "draft")
        with self.assertRaises(UserError):
            review.action_reopen()

    def test_one_review_per_community_and_month(self):
        Review = self.env["hanling.work.order.review"]
        Review.create({"community_id": self.community.id, "date_from": date(2027, 4, 1)})
        with self.assertRaises(UserError):
            Review.create({"community_id": self.community.id, "date_from": date(2027, 4, 2)})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            Review.create({"community_id": self.community.id, "date_from": date(2027, 4, 1)})
            self.env.flush_all()

    def test_cron_prepares_last_month_once(self):
        self._done_order(5, 10, 2, "5")
        Review = self.env["hanling.work.order.review"]
        with freeze_time(datetime(2027, 5, 2, 1, 0)):
            reviews = Review._cron_prepare_last_month()
            self.assertFalse(Review._cron_prepare_last_month())
        review = reviews.filtered(lambda r: r.community_id == self.community)
        self.assertEqual(len(review), 1)
        self.assertEqual(review.date_from, date(2027, 4, 1))
        self.assertEqual(review.line_ids.service_id, self.paid_service)
        self.assertTrue(review.reviewer_id.has_group("hanling_property.group_cs_supervisor"))
        self.assertEqual(review.activity_ids.user_id, review.reviewer_id)
