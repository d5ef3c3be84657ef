from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from ..tools import demo_history
from .common import HanlingCase


@tagged("post_install", "-at_install")
class TestDemoHistory(HanlingCase):
    """Issue 18 item 2: the demo office's months of history, made through the users' actions.

    Run here on a small scale (one month, a few documents) in the test community; the test
    database itself never gets the history (only scripts/run.sh calls the generator).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        since = fields.Date.today() - timedelta(days=400)
        cls.neighbour = cls.env["res.partner"].create({"name": "李娜", "mobile": "13900001111"})
        cls.env["hanling.occupancy"].create(
            [
                {"unit_id": unit.id, "partner_id": partner.id, "role": "owner", "date_start": since}
                for unit, partner in ((cls.unit, cls.owner), (cls.unit2, cls.neighbour))
            ]
        )
        cls.env["hanling.complaint.department"].create(
            {
                "name": "测试工程部",
                "head_id": cls.users["t_engsup"].id,
                "company_id": cls.company.id,
            }
        )
        cls.end = fields.Datetime.now().replace(microsecond=0)

    def _generate(self, seed=7):
        return demo_history.generate(
            self.env, months=1, seed=seed, community=self.community, scale=0.05, end=self.end
        )

    def _orders(self):
        return self.env["hanling.work.order"].search([("community_id", "=", self.community.id)])

    def _signature(self):
        return [
            (o.state, o.description, o.service_id.id, o.date_received, o.amount_estimated)
            for o in self._orders().sorted(lambda o: (o.date_received, o.description, o.state))
        ]

    def test_history_is_consistent_dated_and_deterministic(self):
        savepoint = self.env.cr.savepoint()
        history = self._generate()
        self.assertEqual(history.warnings, [], "every step of the story went through its action")
        self.assertGreater(history.stats["steps"], 50)
        start, end = history.start, self.end

        orders = self._orders()
        self.assertGreaterEqual(len(orders), 8)
        # Every state of the dashboard's columns, and finished ones.
        states = set(orders.mapped("state"))
        self.assertLessEqual(
            {"draft", "assigned", "in_progress", "done", "accepted", "closed"}, states
        )
        for order in orders:
            self.assertTrue(start <= order.date_received < end, order.name)
            self.assertTrue(start <= order.create_date <= end, order.name)
            self.assertLessEqual(order.write_date, end)
            for stamp in (
                "date_assigned",
                "date_arrived",
                "date_finished",
                "date_accepted",
                "date_closed",
            ):
                if order[stamp]:
                    self.assertTrue(order.date_received <= order[stamp] < end, (order.name, stamp))
        # Closed orders with a fee are invoiced through accounting, dated in the period;
        # the payments registered on them too.
        billed = orders.filtered(lambda o: o.state == "closed" and o.amount_estimated)
        for order in billed:
            invoice = order.sudo().invoice_id
            self.assertEqual(invoice.state, "posted", order.name)
            self.assertEqual(invoice.amount_total, order.amount_estimated)
            self.assertTrue(start.date() <= invoice.invoice_date <= end.date())
        payments = (
            self.env["account.payment"]
            .sudo()
            .search(
                [
                    ("create_date", ">=", start),
                    ("partner_id", "in", (self.owner | self.neighbour).ids),
                ]
            )
        )
        for payment in payments:
            self.assertLessEqual(payment.date, end.date())
            self.assertEqual(payment.state in ("paid", "in_process"), True, payment.name)
        # Callbacks done for the closed ones, planned for the accepted ones.
        for order in orders.filtered(lambda o: o.state == "closed"):
            self.assertEqual(order.callback_state, "done", order.name)

        complaints = self.env["hanling.complaint"].search(
            [("community_id", "=", self.community.id)]
        )
        self.assertLessEqual({"manager", "company"}, set(complaints.mapped("escalation_level")))
        self.assertIn("resolved", complaints.mapped("state"))
        permits = self.env["hanling.decoration.permit"].search(
            [("unit_id.community_id", "=", self.community.id)]
        )
        self.assertTrue(permits.filtered("deposit_held"), "a permit under way holds its deposit")

        # Today's dashboard of the community shows every figure.
        self.env["hanling.deadline.mixin"]._cron_check_deadlines()
        self.community.invalidate_recordset()
        for name in self.community._hanling_dashboard_fields():
            self.assertGreater(self.community[name], 0, name)

        # The same seed tells the same story.
        first = self._signature()
        savepoint.rollback()
        self.env.invalidate_all()
        self.assertFalse(self._orders())
        self._generate()
        self.assertEqual(self._signature(), first)
        savepoint.close(rollback=True)

    def test_skipped_step_is_logged_not_fatal(self):
        """A step whose action is refused stops its story only (the lead re-runs it after merges)."""

        @demo_history.register("hanling_property", sequence=99, name="test_broken")
        def broken(history):
            def story():
                yield history.end - timedelta(hours=2)
                raise TypeError("action signature changed")

            history.story(history.end - timedelta(hours=3), story(), "broken story")

        try:
            with self.assertLogs(
                "odoo.addons.hanling_property.tools.demo_history", "WARNING"
            ) as logs:
                history = self._generate()
        finally:
            demo_history.GENERATORS.pop(("hanling_property", "test_broken"))
        self.assertEqual(len(history.warnings), 1)
        self.assertIn("broken story", history.warnings[0])
        self.assertIn("action signature changed", "\n".join(logs.output))
        self.assertTrue(self._orders())
