from odoo.exceptions import UserError
from odoo.tests import tagged

from .work_order_common import WorkOrderCase


@tagged("post_install", "-at_install")
class TestCommunityDashboard(WorkOrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_community = cls.env["hanling.community"].create(
            {"name": "另一小区", "code": "OTH", "company_id": cls.company.id}
        )

    def _figures(self, community, user=None):
        community = community.with_user(user or self.users["t_duty"])
        community.invalidate_recordset()
        return {name: community[name] for name in community._hanling_dashboard_fields()}

    def _open(self, figure, user=None):
        community = self.community.with_user(user or self.users["t_duty"])
        action = community.with_context(hanling_figure=figure).action_open_dashboard_figure()
        return (
            self.env[action["res_model"]]
            .with_user(user or self.users["t_duty"])
            .search(action["domain"])
        )

    def test_figures_and_their_lists(self):
        new, started = self._order(), self._order()
        late = self._order(date_received=self._ago(hours=2))  # 15 minutes to arrive: overdue
        self._assign(late)
        self._assign(started)
        started.with_user(self.tech).action_arrive_scan(started.unit_id._hanling_portal_url())
        accepted = self._accept(self._finish(self._assign(self._order())))
        accepted.sudo().callback_ids.date_due = self._ago(hours=1)
        complaint = self.env["hanling.complaint"].create(
            {"unit_id": self.unit.id, "content": "噪音", "escalation_note": "需经理协调"}
        )
        complaint.action_escalate()
        self.env["hanling.complaint"].create({"unit_id": self.unit.id, "content": "路灯坏"})

        figures = self._figures(self.community)
        self.assertEqual(figures["dash_order_draft"], 1)
        self.assertEqual(figures["dash_order_assigned"], 1)
        self.assertEqual(figures["dash_order_in_progress"], 1)
        self.assertEqual(figures["dash_order_done"], 0)
        self.assertEqual(figures["dash_order_accepted"], 1)
        self.assertEqual(figures["dash_order_late"], 1)
        self.assertEqual(figures["dash_order_callback_late"], 1)
        self.assertEqual(figures["dash_complaint_department"], 1)
        self.assertEqual(figures["dash_complaint_manager"], 1)
        self.assertEqual(figures["dash_complaint_company"], 0)
        self.assertEqual(set(self._figures(self.other_community).values()), {0})

        self.assertEqual(self._open("dash_order_draft"), new)
        self.assertEqual(self._open("dash_order_late"), late)
        self.assertEqual(self._open("dash_order_in_progress"), started)
        self.assertEqual(self._open("dash_order_callback_late"), accepted)
        self.assertEqual(self._open("dash_complaint_manager"), complaint)
        with self.assertRaises(UserError):
            self._open("name")

    def test_counts_in_one_query_per_figure_family(self):
        self._order()
        communities = (self.community | self.other_community).with_user(self.users["t_manager"])
        communities.mapped("dash_order_draft")  # warm the access caches
        communities.invalidate_recordset()
        # One grouped count per family (orders by state, late, callbacks, complaints by level,
        # complaint callbacks, deposits, and what dependent addons add), whatever the number
        # of communities.
        families = len(communities._hanling_dashboard_queries())
        self.assertGreaterEqual(families, 6)
        with self.assertQueryCount(__system__=families):
            communities.mapped("dash_order_draft")

    def test_technician_sees_only_what_they_may_read(self):
        self._assign(self._order(), self.tech)
        self._assign(self._order(), self.tech2)
        self.env["hanling.complaint"].create({"unit_id": self.unit.id, "content": "噪音"})
        figures = self._figures(self.community, self.tech)
        self.assertEqual(figures["dash_order_assigned"], 1)
        self.assertEqual(figures["dash_complaint_department"], 0)
        self.assertEqual(self._figures(self.community)["dash_complaint_department"], 1)
