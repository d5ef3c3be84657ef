from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestPortalTours(HttpCase):
    """The issue's browser tours, on the demo data; each checks the records it leaves."""

    def test_technician_finishes_a_repair(self):
        order = self.env.ref("hanling_property.work_order_drain_demo")
        self.assertEqual(order.state, "in_progress")
        self.start_tour(
            "/odoo/action-hanling_property.hanling_work_order_action_mine",
            "hanling_technician_finish_tour",
            login="tech2",
        )
        self.assertEqual(order.state, "done")
        self.assertTrue(order.date_finished)
        # Charged materials, no catalogue price: the fee is fixed by the supervisors later.
        self.assertEqual(order.amount_materials, 18.0)

    def test_resident_accepts_in_the_portal(self):
        order = self.env.ref("hanling_property.work_order_drain_demo")
        order.action_finish()
        self.start_tour("/my/units", "hanling_resident_accept_tour", login="resident")
        self.assertEqual(order.state, "accepted")
        self.assertEqual(order.resident_signed_by, "Wei Na")
        self.assertTrue(order.resident_signature)
        self.assertTrue(order.resident_signed_on)
        self.assertIn("不漏水", order.resident_opinion)
        self.assertEqual(order.callback_state, "planned")

    def test_complaint_escalated_to_the_company(self):
        complaint = self.env.ref("hanling_property.complaint_1_demo")
        self.assertEqual(complaint.escalation_level, "manager")
        self.start_tour(
            "/odoo/action-hanling_property.hanling_community_action_dashboard",
            "hanling_complaint_escalate_tour",
            login="manager",
        )
        self.assertEqual(complaint.escalation_level, "company")
        self.assertTrue(complaint.date_escalated_company)
        rep = self.env.ref("hanling_property.user_rep_demo")
        self.assertIn(rep.partner_id, complaint.message_partner_ids)
