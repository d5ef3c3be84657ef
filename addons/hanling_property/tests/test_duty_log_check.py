from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..tools.workflow import EditLockError, WorkflowGuardError
from .work_order_common import WorkOrderCase


@tagged("post_install", "-at_install")
class TestDutyLogSpotCheck(WorkOrderCase):
    """篇2 二 六) 2: "工程主管每天不定时检查值班记录本,了解维修跟进情况,督促维修工作正常进行"."""

    def _entry(self, request="厨房水龙头漏水"):
        return (
            self.env["hanling.duty.log"]
            .with_user(self.duty)
            .create({"unit_id": self.unit.id, "request": request})
        )

    def _check(self, user=None, **vals):
        return self.env["hanling.duty.log.check"].with_user(user or self.engsup).create(vals)

    def test_spot_check_records_who_when_entries_and_findings(self):
        """篇2 二 六) 2: who checked, when, which entries and what was found."""
        with freeze_time(datetime(2027, 4, 6, 2, 0)):
            old_open = self._entry("阳台漏水")
            done_before = self._entry("咨询物业费")
            done_before.outcome = "已答复"
            done_before.action_close()
        with freeze_time(datetime(2027, 4, 8, 2, 0)):
            self._entry("第二天的报修")
        with freeze_time(datetime(2027, 4, 7, 2, 0)):
            today = self._entry()
            closed = self._entry("咨询停水时间")
            closed.outcome = "已告知"
            closed.action_close()
        with freeze_time(datetime(2027, 4, 7, 8, 0)):
            check = self._check(date=date(2027, 4, 7))
            check.action_add_open_entries()
            # The day's entries and those still open from before; not what was closed before.
            self.assertLessEqual(old_open | today | closed, check.entry_ids)
            self.assertNotIn(done_before, check.entry_ids)
            self.assertFalse(
                check.entry_ids.filtered(lambda e: e.date_received >= datetime(2027, 4, 8))
            )
            check.findings = "DL阳台漏水一单未派工,已督促"
            check.action_done()
        self.assertEqual(check.state, "done")
        self.assertEqual(check.checked_by_id, self.engsup)
        self.assertEqual(check.date_checked, datetime(2027, 4, 7, 8, 0))
        self.assertEqual(check.entry_count, len(check.entry_ids))
        # Recorded: the record of the day.
        with self.assertRaises(EditLockError):
            check.write({"findings": "改写"})
        with self.assertRaisesRegex(UserError, "record of the day"):
            check.with_user(self.users["t_manager"]).unlink()
        with self.assertRaisesRegex(UserError, "already recorded"):
            check.action_done()

    def test_spot_check_refusals_say_why(self):
        """篇2 二 六) 2: a check names the entries read and what was found; the supervisor's."""
        entry = self._entry()
        check = self._check(findings="正常")
        with self.assertRaisesRegex(UserError, "Choose the duty log entries"):
            check.action_done()
        check.write({"entry_ids": [(6, 0, entry.ids)], "findings": "  "})
        with self.assertRaisesRegex(UserError, "what the check found"):
            check.action_done()
        with self.assertRaisesRegex(AccessError, "not allowed to create"):
            self._check(user=self.tech, entry_ids=[(6, 0, entry.ids)], findings="x")
        with self.assertRaisesRegex(AccessError, "not allowed to create"):
            self._check(user=self.duty, entry_ids=[(6, 0, entry.ids)], findings="x")
        with self.assertRaises(WorkflowGuardError):
            self._check(entry_ids=[(6, 0, entry.ids)], findings="x", state="done")
        with self.assertRaises(WorkflowGuardError):
            check.write({"checked_by_id": self.users["t_manager"].id})
        future = self._check(date=date(2999, 1, 1), entry_ids=[(6, 0, entry.ids)], findings="x")
        with self.assertRaisesRegex(UserError, "day to come"):
            future.action_done()

    def test_review_shows_the_days_checked_and_the_days_missed(self):
        """篇2 二 六) 2 "每天": the monthly review shows the days checked and those without."""
        entry = self._entry()
        for day in (1, 2, 4):
            check = self._check(
                date=date(2027, 4, day), entry_ids=[(6, 0, entry.ids)], findings="正常"
            )
            with freeze_time(datetime(2027, 4, day, 9, 0)):
                check.action_done()
        # A draft is not a check.
        self._check(date=date(2027, 4, 3), entry_ids=[(6, 0, entry.ids)], findings="未完成")
        review = (
            self.env["hanling.work.order.review"]
            .with_user(self.cssup)
            .create({"community_id": self.community.id, "date_from": date(2027, 4, 1)})
        )
        with freeze_time(datetime(2027, 5, 2, 1, 0)):
            review.invalidate_recordset()
            self.assertEqual(review.spot_check_days, 3)
            self.assertEqual(review.spot_check_day_total, 30)
            missing = review.spot_check_missing.split(", ")
            self.assertEqual(len(missing), 27)
            self.assertEqual(missing[:2], ["3", "5"])
            self.assertEqual(len(review.spot_check_ids), 3)
        # Mid-month, only the days so far count.
        with freeze_time(datetime(2027, 4, 5, 1, 0)):
            review.invalidate_recordset()
            self.assertEqual((review.spot_check_days, review.spot_check_day_total), (3, 5))
            self.assertEqual(review.spot_check_missing, "3, 5")
