from datetime import timedelta

from odoo.tests import tagged

from .decoration_common import DecorationCase


@tagged("post_install", "-at_install")
class TestDecorationDepositNotice(DecorationCase):
    """The applicant's mail when a deposit is refunded; the deposits held on the dashboard."""

    def test_refund_mail_and_dashboard(self):
        self.owner.email = "wangwei@example.com"
        permit = self.make_permit(deposit=2000)
        permit._register_deposit(2000, self.cash_journal, self.today - timedelta(days=5))
        other = self.make_permit(deposit=800, unit_id=self.unit2.id)
        other._register_deposit(800, self.cash_journal, self.today)

        community = self.community.with_user(self.users["t_duty"])
        self.assertEqual(community.dash_deposit_held, 2)
        self.assertEqual(community.dash_deposit_held_amount, 2800.0)
        action = community.with_context(
            hanling_figure="dash_deposit_held"
        ).action_open_dashboard_figure()
        self.assertEqual(
            self.env["hanling.decoration.permit"].search(action["domain"]), permit | other
        )

        permit._refund_deposit(1500, self.cash_journal)
        self.env.flush_all()
        self.env.cr.precommit.run()
        template = self.env.ref("hanling_property.mail_template_decoration_deposit_refunded")
        subject = template._render_field("subject", permit.ids)[permit.id]
        message = permit.message_ids.filtered(lambda m: m.subject == subject)
        self.assertEqual(len(message), 1)
        self.assertIn(self.owner, message.partner_ids)
        self.assertIn("1,500.00", message.body)  # refunded, from the outbound payment
        self.assertIn("500.00", message.body)  # still held
        community.invalidate_recordset()
        self.assertEqual(community.dash_deposit_held_amount, 1300.0)
        # No refund on the other permit: no mail there.
        self.assertFalse(
            other.message_ids.filtered(lambda m: m.subject and "refunded" in m.subject)
        )
