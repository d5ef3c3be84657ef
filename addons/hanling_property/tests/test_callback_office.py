"""Callbacks are made by the office (issue 15 items 4 and 5).

篇2 二 六) 3 "维修结束24小时内工程主管应针对维修情况对业户进行回访": the engineering supervisor
calls back within 24 hours of the end of the repair. 篇3 4.4 "客户服务中心员工应主动电话或上门进行
回访并记录于《回访工作记录表》", recording the four points 4.4.1-4.4.4.
"""

from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .complaint_common import ComplaintCase
from .work_order_common import WorkOrderCase


@tagged("post_install", "-at_install")
class TestWorkOrderCallbackOffice(WorkOrderCase):
    def _done(self):
        with freeze_time("2027-03-02 02:00:00"):
            order = self._assign(self._order())
        with freeze_time("2027-03-02 02:10:00"):
            self._arrive(order)
        with freeze_time("2027-03-02 03:00:00"):
            order.with_user(self.tech).write({"inspection_note": "阀芯老化"})
            order.with_user(self.tech).action_finish()
        return order

    def test_callback_clock_starts_at_the_end_of_the_repair(self):
        """篇2 二 六) 3 "维修结束24小时内": the 24 hours count from the end of the repair, not
        from the resident's acceptance; a late acceptance finds the callback already overdue."""
        order = self._done()
        self.assertEqual(order.date_finished, datetime(2027, 3, 2, 3, 0))
        self.assertEqual(order.callback_state, "planned")
        self.assertEqual(order.callback_date_due, datetime(2027, 3, 3, 3, 0))
        self.assertEqual(order.sudo().callback_ids.user_id, self.engsup)
        Deadlines = self.env["hanling.deadline.mixin"]
        with freeze_time("2027-03-03 02:59:00"):
            Deadlines._cron_check_deadlines()
            self.assertFalse(order.is_callback_overdue)
        with freeze_time("2027-03-03 09:00:00"):
            self._accept(order)
            self.assertEqual(order.date_accepted, datetime(2027, 3, 3, 9, 0))
            # Accepted 30 hours after the end of the repair: the callback was due at 03:00.
            self.assertEqual(order.callback_date_due, datetime(2027, 3, 3, 3, 0))
            self.assertEqual(len(order.sudo().callback_ids), 1)
            Deadlines._cron_check_deadlines()
            self.assertTrue(order.is_callback_overdue)

    def test_rework_restarts_the_clock_at_the_new_end(self):
        """篇2 二 五) 1 "直到业户满意为止" with 篇2 二 六) 3: the repair sent back is not over; the
        callback is due 24 hours after the repair that ends it."""
        order = self._done()
        first = order.sudo().callback_ids
        with freeze_time("2027-03-02 04:00:00"):
            order.with_user(self.tech).rework_reason = "还在滴水"
            order.with_user(self.tech).action_rework()
        self.assertEqual(first.state, "cancel")
        self.assertEqual(order.callback_state, "none")
        with freeze_time("2027-03-02 06:30:00"):
            order.with_user(self.tech).action_finish()
        planned = order.sudo().callback_ids.filtered(lambda c: c.state == "planned")
        self.assertEqual(len(planned), 1)
        self.assertEqual(planned.date_due, datetime(2027, 3, 3, 6, 30))
        self.assertEqual(order.callback_date_due, datetime(2027, 3, 3, 6, 30))

    def test_only_the_engineering_supervisor_calls_back_a_repair(self):
        """篇2 二 六) 3 "工程主管应...对业户进行回访": customer-service staff and supervisors hold
        callback rights for complaints, but a repair's callback is the engineering supervisor's."""
        order = self._done()
        self._accept(order)
        callback = order.sudo().callback_ids
        callback.with_user(self.engsup).write({"satisfaction": "4"})
        for login in ("t_staff", "t_cssup"):
            with self.subTest(login=login):
                with self.assertRaisesRegex(
                    AccessError, r"Only Engineering Supervisor may record the callback of WX"
                ):
                    callback.with_user(self.users[login]).action_done()
                with self.assertRaisesRegex(AccessError, "Only Engineering Supervisor"):
                    callback.with_user(self.users[login]).action_unreachable()
        # Nor the technician who did the repair.
        with self.assertRaisesRegex(AccessError, "Only Engineering Supervisor"):
            callback.with_user(self.tech).action_done()
        self.assertEqual(callback.state, "planned")
        self.assertFalse(callback.attempt_ids)
        callback.with_user(self.engsup).action_done()
        self.assertEqual(callback.state, "done")
        self.assertEqual(order.callback_satisfaction, "4")

    def test_refusal_is_translated(self):
        """The refusal reads in the user's language (zh_CN for the office)."""
        order = self._done()
        callback = order.sudo().callback_ids
        staff = self.users["t_staff"]
        self.env["res.lang"]._activate_lang("zh_CN")
        staff.lang = "zh_CN"
        with self.assertRaisesRegex(AccessError, "只有.*工程主管.*才能记录.*的回访"):
            callback.with_user(staff).with_context(lang="zh_CN").action_done()

    def test_online_rating_keeps_the_callback_to_do(self):
        """篇2 二 六) 3: the resident's rating online is the resident's feedback; the office's
        callback stays planned, for the engineering supervisor."""
        order = self._done()
        self._accept(order)
        callback = order.sudo().callback_ids
        callback._record_resident_feedback("5", "很好")
        self.assertEqual(callback.state, "planned")
        self.assertEqual((callback.resident_satisfaction, callback.resident_comment), ("5", "很好"))
        self.assertFalse(callback.satisfaction)
        self.assertEqual(order.callback_state, "planned")
        with self.assertRaisesRegex(UserError, "already gave your rating"):
            callback._record_resident_feedback("1")
        with self.assertRaisesRegex(UserError, "callback visit is not done"):
            order.with_user(self.engsup).action_close()
        self._callback_done(order, satisfaction="3")
        self.assertEqual(order.callback_satisfaction, "3")
        self.assertEqual(callback.resident_satisfaction, "5")
        order.with_user(self.engsup).action_close()
        self.assertEqual(order.state, "closed")


@tagged("post_install", "-at_install")
class TestComplaintCallbackOffice(ComplaintCase):
    def _resolved(self):
        complaint = self._bring_to_handling(self._complaint())
        complaint.write({"resolution_kind": "service", "resolution": "上门道歉,当天换好灯"})
        complaint.action_resolve()
        return complaint

    def test_four_points_each_required(self):
        """篇3 4.4.1-4.4.4: the callback records the opinion of the handling and its effect, the
        suggestions to prevent it, the suggestions for community services and the overall
        evaluation; none is optional."""
        complaint = self._resolved()
        callback = complaint.sudo().callback_ids.with_user(self.users["t_staff"])
        labels = {
            "opinion": "Opinion of the Handling and Its Effect",
            "prevention_suggestion": "Suggestions to Prevent It",
            "service_suggestion": "Suggestions for Community Services",
            "evaluation": "Overall Evaluation of the Office",
        }
        for missing, label in labels.items():
            with self.subTest(missing=missing):
                callback.write(
                    {
                        "satisfaction": "4",
                        **self.CALLBACK_POINTS,
                        missing: "   " if missing == "evaluation" else False,
                    }
                )
                with self.assertRaisesRegex(UserError, f"Record {label} before completing"):
                    callback.action_done()
                self.assertEqual(callback.state, "planned")
        callback.write({"satisfaction": "4", **self.CALLBACK_POINTS})
        callback.action_done()
        self.assertEqual(callback.state, "done")
        self.assertEqual(complaint.callback_state, "done")
        complaint.action_report_result()
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")

    def test_only_customer_service_staff_call_back(self):
        """篇3 4.4 "客户服务中心员工应主动电话或上门进行回访": the engineering supervisor, head of
        the department that handled it, does not make the complaint's callback."""
        complaint = self._resolved()
        callback = complaint.sudo().callback_ids
        callback.with_user(self.users["t_staff"]).write(
            {"satisfaction": "4", **self.CALLBACK_POINTS}
        )
        with self.assertRaisesRegex(
            AccessError, "Only Customer-Service Staff may record the callback of TS"
        ):
            callback.with_user(self.users["t_engsup"]).action_done()
        self.assertEqual(callback.state, "planned")
        # The customer-service supervisor and the office manager are customer-service staff too.
        callback.with_user(self.users["t_cssup"]).action_done()
        self.assertEqual(callback.state, "done")

    def test_online_rating_fills_none_of_the_four_points(self):
        """篇3 4.4: the resident's online rating is kept as feedback; the customer-service staff
        still call back and write the four points themselves."""
        complaint = self._resolved()
        callback = complaint.sudo().callback_ids
        callback._record_resident_feedback("4", "处理及时")
        self.assertEqual(callback.state, "planned")
        self.assertFalse(callback.opinion or callback.evaluation)
        with self.assertRaisesRegex(UserError, "callback"):
            complaint.action_close()
