from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.hanling_property.tools.workflow import WorkflowGuardError

from .common import FeeCase


@tagged("post_install", "-at_install")
class TestFeeAccess(FeeCase):
    def test_front_desk_cannot_create_a_tariff(self):
        """Prices are the accountant's: the front desk reads them, nothing more."""
        duty = self.users["t_duty"]
        self.assertEqual(self.tariff.with_user(duty).rate, 2.5)
        with self.assertRaisesRegex(AccessError, "not allowed to create.*Fee Tariff"):
            self._tariff(self.management, 1.0, date(2026, 6, 1), user=duty)
        with self.assertRaisesRegex(AccessError, "not allowed to modify.*Fee Tariff"):
            self.tariff.with_user(self.users["t_manager"]).write({"reference": "x"})

    def test_front_desk_cannot_start_a_run(self):
        run = (
            self.env["hanling.fee.run"]
            .with_user(self.accountant)
            .create(
                {"period_start": date(2026, 1, 1), "community_ids": [(6, 0, self.community.ids)]}
            )
        )
        with self.assertRaisesRegex(AccessError, "not allowed to modify.*Fee Billing Run"):
            run.with_user(self.users["t_manager"]).action_start()
        self.assertEqual(run.state, "draft")

    def test_tariff_needs_its_approval_document(self):
        """备案 / 业主大会决议: a tariff without the approval document is refused."""
        with self.assertRaisesRegex(ValidationError, "Attach the approval of the price"):
            self.env["hanling.fee.tariff"].with_user(self.accountant).create(
                {"fee_type_id": self.management.id, "rate": 2.8, "date_start": date(2026, 7, 1)}
            )

    def test_resident_sees_only_own_units_bills(self):
        """A portal resident reads the bills of the units they live in, not the neighbour's."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._subscribe(self.unit2, self.owner2, date(2026, 1, 1))
        run = self._run(date(2026, 1, 1))
        self.assertEqual(len(run.bill_line_ids), 2)
        resident = new_test_user(
            self.env, login="t_fee_resident", groups="base.group_portal", partner_id=self.owner.id
        )
        Bills = self.env["hanling.fee.bill.line"].with_user(resident)
        mine = Bills.search([])
        self.assertEqual(mine.unit_id, self.unit)
        neighbour = run.bill_line_ids.filtered(lambda b: b.unit_id == self.unit2)
        with self.assertRaisesRegex(
            AccessError, r"doesn't have 'read' access to:\s+- Fee Bill Line"
        ):
            neighbour.with_user(resident).read(["amount"])
        # Nor can the resident make or change a bill.
        with self.assertRaisesRegex(AccessError, "not allowed to modify.*Fee Bill Line"):
            mine.write({"amount": 0.0})

    def test_front_desk_reads_subscriptions_and_bills_only(self):
        subscription = self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._run(date(2026, 1, 1))
        duty = self.users["t_duty"]
        self.assertEqual(subscription.with_user(duty).partner_id, self.owner)
        self.assertTrue(self.env["hanling.fee.bill.line"].with_user(duty).search_count([]))
        with self.assertRaisesRegex(AccessError, "not allowed to modify.*Fee Subscription"):
            subscription.with_user(duty).write({"date_end": date(2026, 3, 31)})

    def test_who_started_or_ended_a_subscription_is_the_procedures(self):
        """The move-in or transfer a subscription was started or ended by is written by those
        procedures only: the customer-service staff (who keep subscriptions) cannot forge it
        over RPC, in a create or a write, and the subscription stays as it was."""
        transfer = (
            self.env["hanling.ownership.transfer"]
            .with_user(self.users["t_staff"])
            .create(
                {
                    "unit_id": self.unit.id,
                    "partner_id": self.env["res.partner"].create({"name": "孙丽"}).id,
                }
            )
        )
        subscription = self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        staff = subscription.with_user(self.users["t_staff"])
        for field in ("transfer_id", "ended_by_transfer_id"):
            with self.subTest(field=field), self.assertRaises(WorkflowGuardError) as caught:
                staff.write({field: transfer.id})
            self.assertIn("change through the document's buttons only", str(caught.exception))
        with self.assertRaises(WorkflowGuardError) as caught:
            self._subscribe(
                self.unit2, self.owner, date(2026, 1, 1), ended_by_transfer_id=transfer.id
            )
        self.assertIn("Ended by Transfer", str(caught.exception))
        self.assertFalse(subscription.transfer_id | subscription.ended_by_transfer_id)
        self.assertFalse(
            self.env["hanling.fee.subscription"].search([("unit_id", "=", self.unit2.id)])
        )
        # What the staff keep stays theirs: the payer's role, the quantity, the end date.
        staff.write({"payer_role": "tenant", "date_end": date(2026, 6, 30)})
        self.assertEqual(subscription.date_end, date(2026, 6, 30))
