from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestTours(HttpCase):
    def test_duty_officer_records_a_call(self):
        before = self.env["hanling.duty.log"].search_count([])
        self.start_tour("/odoo", "hanling_duty_log_tour", login="duty")
        entry = self.env["hanling.duty.log"].search([], order="id desc", limit=1)
        self.assertEqual(self.env["hanling.duty.log"].search_count([]), before + 1)
        self.assertEqual(entry.unit_id, self.env.ref("hanling_property.unit_1_101_demo"))
        self.assertEqual(entry.received_by_id.login, "duty")
        self.assertIn("下水道", entry.request)
        self.assertTrue(entry.partner_id)
