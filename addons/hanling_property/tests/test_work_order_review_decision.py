from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..tools.workflow import EditLockError, WorkflowGuardError
from .work_order_common import WorkOrderCase


@tagged("post_install", "-at_install")
class TestReviewDecisions(WorkOrderCase):
    """篇2 八: "客户主管每月初应根据上月需求进行统计、分析、评估 … 对管理处提供的维修服务项目进行
    调整,同时 … 寻求更多优秀的专业供应商进行合作"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls.users["t_manager"]
        cls.review = (
            cls.env["hanling.work.order.review"]
            .with_user(cls.cssup)
            .create({"community_id": cls.community.id, "date_from": date(2027, 4, 1)})
        )

    def _decide(self, user=None, **vals):
        return (
            self.env["hanling.work.order.review.decision"]
            .with_user(user or self.cssup)
            .create({"review_id": self.review.id, "reason": "上月12单,材料涨价", **vals})
        )

    def test_price_decision_changes_the_catalogue_and_records_who_when_and_review(self):
        """篇2 八 "对 … 维修服务项目进行调整": a new price, applied by the supervisor, traced."""
        decision = self._decide(kind="price", service_id=self.paid_service.id, new_price=25.0)
        self.assertEqual(self.paid_service.list_price, 20.0, "nothing changes before applying")
        with freeze_time(datetime(2027, 5, 3, 2, 0)):
            decision.action_apply()
        self.assertEqual(decision.state, "applied")
        self.assertEqual(decision.decided_by_id, self.cssup)
        self.assertEqual(decision.date_decided, datetime(2027, 5, 3, 2, 0))
        self.assertEqual(decision.price_before, 20.0)
        self.assertEqual(self.paid_service.list_price, 25.0)
        # The invoicing product follows the catalogue.
        self.assertEqual(self.paid_service.product_id.lst_price, 25.0)
        note = self.paid_service.message_ids[0].body
        self.assertIn(self.review.name, note)
        self.assertIn(self.cssup.name, note)
        self.assertIn(decision, self.review.decision_ids)

    def test_withdraw_and_new_service(self):
        """篇2 八: a service withdrawn, a new one added to the catalogue of the office."""
        withdraw = self._decide(kind="withdraw", service_id=self.quoted_service.id)
        new = self._decide(
            kind="new",
            new_name="测试 更换智能门锁电池",
            new_fee_type="paid",
            new_price=15.0,
            new_price_unit_label="次",
        )
        (withdraw | new).action_apply()
        self.assertFalse(self.quoted_service.active)
        service = new.created_service_id
        self.assertTrue(service.active)
        self.assertEqual(new.service_id, service)
        self.assertEqual(
            (service.name, service.fee_type, service.list_price, service.company_id),
            ("测试 更换智能门锁电池", "paid", 15.0, self.company),
        )
        self.assertTrue(service.product_id, "a paid service is invoiced through its product")

    def test_supplier_to_look_for_is_followed_as_an_activity(self):
        """篇2 八 "寻求更多优秀的专业供应商进行合作": the search is a follow-up activity."""
        decision = self._decide(kind="supplier", supplier_wanted="中央空调清洗")
        decision.action_apply()
        self.assertEqual(decision.state, "applied")
        activity = decision.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.review.reviewer_id)
        self.assertIn("中央空调清洗", activity.summary)

    def test_refused_decisions_say_why(self):
        """篇2 八: a decision that would not change the catalogue is refused, with the reason."""
        cases = [
            (
                {"kind": "price", "service_id": self.free_service.id, "new_price": 5.0},
                "free service",
            ),
            (
                {"kind": "price", "service_id": self.paid_service.id, "new_price": 20.0},
                "nothing to change",
            ),
            ({"kind": "price", "new_price": 5.0}, "Choose the catalogue service"),
            (
                {"kind": "new", "new_name": "测试 更换水龙头", "new_price": 9.0},
                "already has a service",
            ),
            (
                {
                    "kind": "new",
                    "new_name": "测试 免费上门",
                    "new_fee_type": "free",
                    "new_price": 9.0,
                },
                "free service has no price",
            ),
            ({"kind": "supplier"}, "which specialist supplier"),
        ]
        for vals, why in cases:
            with self.subTest(why=why):
                decision = self._decide(**vals)
                with self.assertRaisesRegex(UserError, why):
                    decision.action_apply()
                self.assertEqual(decision.state, "draft")
        self.assertEqual(self.paid_service.list_price, 20.0)
        self.quoted_service.active = False
        with self.assertRaisesRegex(UserError, "already withdrawn"):
            self._decide(kind="withdraw", service_id=self.quoted_service.id).action_apply()

    def test_only_the_apply_step_changes_a_decision(self):
        """篇2 八: who decided and when are the server's; the engineering supervisor only reads."""
        decision = self._decide(kind="price", service_id=self.paid_service.id, new_price=30.0)
        with self.assertRaisesRegex(AccessError, "not allowed to modify"):
            decision.with_user(self.engsup).action_apply()
        with self.assertRaises(WorkflowGuardError):
            decision.write({"state": "applied", "decided_by_id": self.manager.id})
        with self.assertRaises(WorkflowGuardError):
            self._decide(kind="price", service_id=self.paid_service.id, state="applied")
        self.assertEqual(self.paid_service.list_price, 20.0)
        decision.action_apply()
        with self.assertRaisesRegex(UserError, "Applying a decision is not possible"):
            decision.action_apply()
        with self.assertRaises(EditLockError):
            decision.write({"new_price": 99.0})
        with self.assertRaisesRegex(UserError, "record of a catalogue change"):
            decision.with_user(self.manager).unlink()
        cancelled = self._decide(kind="supplier", supplier_wanted="外墙清洗")
        cancelled.action_cancel()
        with self.assertRaisesRegex(UserError, "Applying a decision is not possible"):
            cancelled.action_apply()

    def test_review_concludes_only_once_its_decisions_acted(self):
        """篇2 八: the review acts: no open decision, and each service it marks is adjusted."""
        self.review.conclusion = "<p>水龙头更换调价</p>"
        pending = self._decide(kind="price", service_id=self.paid_service.id, new_price=25.0)
        with self.assertRaisesRegex(UserError, "decisions still open"):
            self.review.action_conclude()
        pending.action_apply()
        self.review.action_conclude()
        self.assertEqual(self.review.state, "done")
        # Concluded: the record of the month, decisions included.
        with self.assertRaisesRegex(UserError, "reopen it"):
            self._decide(kind="supplier", supplier_wanted="管道疏通")
        self.review.action_reopen()
        late = self._decide(kind="supplier", supplier_wanted="管道疏通")
        late.action_cancel()
        self.review.action_conclude()
        self.assertEqual(self.review.state, "done")
        with self.assertRaisesRegex(UserError, "reopen it"):
            late.with_user(self.manager).unlink()

    def test_referrals_outside_the_catalogue_count_in_the_review(self):
        """篇2 一 二) and 八: requests referred to a specialist supplier show what is missing."""
        with freeze_time(datetime(2027, 4, 10, 2, 0)):
            order = self._order(service_id=False, description="中央空调不制冷")
            order.referral_note = "某某空调公司,0571-88886666"
            order.action_refer()
            entry = (
                self.env["hanling.duty.log"]
                .with_user(self.duty)
                .create({"unit_id": self.unit.id, "request": "更换防盗门"})
            )
            entry.referral_note = "某某门业,0571-66668888"
            entry.action_refer()
        with freeze_time(datetime(2027, 5, 10, 2, 0)):
            later = self._order(service_id=False, description="五月的空调")
            later.referral_note = "某某空调公司"
            later.action_refer()
        review = self.review.with_user(self.cssup)
        self.assertEqual(review.referral_count, 2)
        self.assertEqual(review.referred_order_ids, order)
        self.assertEqual(review.referred_entry_ids, entry)
        # The engineering supervisor and the manager read the same figures.
        self.assertEqual(self.review.with_user(self.engsup).referral_count, 2)
