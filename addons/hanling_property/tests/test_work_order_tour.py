from datetime import timedelta

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestWorkOrderTour(HttpCase):
    def test_duty_officer_turns_a_call_into_a_work_order(self):
        Order = self.env["hanling.work.order"]
        before = Order.search_count([])
        self.start_tour("/odoo", "hanling_work_order_tour", login="duty")
        self.assertEqual(Order.search_count([]), before + 1)
        order = Order.search([], order="id desc", limit=1)
        self.assertEqual(order.unit_id, self.env.ref("hanling_property.unit_1_101_demo"))
        self.assertEqual(order.duty_log_id.state, "converted")
        self.assertEqual(order.received_by_id.login, "duty")
        self.assertIn("水龙头", order.description)
        self.assertEqual(order.date_arrival_deadline, order.date_received + timedelta(minutes=15))
