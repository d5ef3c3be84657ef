import ast
from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .decoration_common import DecorationCase


@tagged("post_install", "-at_install")
class TestDecorationDeposit(DecorationCase):
    def _lines(self, move):
        return {(line.account_id, line.debit, line.credit) for line in move.line_ids}

    def _add_violations(self, permit, *amounts):
        return self.env["hanling.decoration.violation"].create(
            [
                {"permit_id": permit.id, "description": f"违章 {i}", "amount": amount}
                for i, amount in enumerate(amounts)
            ]
        )

    def test_deposit_payment_entry(self):
        permit = self.make_permit(user=self.users["t_staff"])
        with Form(
            self.env["hanling.decoration.deposit.register"]
            .with_user(self.users["t_staff"])
            .with_context(default_permit_id=permit.id)
        ) as form:
            self.assertEqual(form.amount, 2000.0)
            form.journal_id = self.cash_journal
        form.record.action_confirm()
        payment = self.env["account.payment"].search(
            [("hanling_decoration_permit_id", "=", permit.id)]
        )
        self.assertEqual(len(payment), 1)
        self.assertEqual(
            (payment.payment_type, payment.partner_id, payment.amount, payment.journal_id),
            ("inbound", self.owner, 2000.0, self.cash_journal),
        )
        move = payment.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.hanling_decoration_permit_id, permit)
        self.assertEqual(
            self._lines(move),
            {
                (payment.outstanding_account_id, 2000.0, 0.0),
                (self.deposit_account, 0.0, 2000.0),
            },
        )
        self.assertEqual(set(move.line_ids.partner_id), {self.owner})
        self.assertEqual(permit.deposit_account_id, self.deposit_account)
        self.assertEqual(
            (permit.deposit_received, permit.deposit_held, permit.deposit_date),
            (2000.0, 2000.0, self.today),
        )
        self.assertEqual(permit.deposit_entry_count, 1)

    def test_register_refusals(self):
        permit = self.make_permit()
        with self.assertRaisesRegex(UserError, "positive"):
            self.pay_deposit(permit, amount=0)
        with self.assertRaisesRegex(UserError, "positive"):
            self.pay_deposit(permit, amount=-50)
        bank_elsewhere = self.env["account.journal"].create(
            {"name": "Deductions (general)", "type": "general", "code": "TGEN"}
        )
        with self.assertRaisesRegex(UserError, "bank or cash"):
            permit._register_deposit(100, bank_elsewhere)
        self.assertFalse(permit.deposit_move_ids)
        closed = self.completed_permit(deposit=0.0)
        closed.action_close()
        with self.assertRaises(UserError):
            closed._register_deposit(100, self.cash_journal)

    def test_settlement_entries(self):
        permit = self.completed_permit()
        self._add_violations(permit, 200, 100)
        self.settle(permit)
        deduction = permit.deposit_move_ids.filtered(lambda m: not m.origin_payment_id)
        self.assertEqual(len(deduction), 1)
        self.assertEqual((deduction.state, deduction.journal_id), ("posted", self.misc_journal))
        self.assertEqual(
            sorted((line.account_id.id, line.debit, line.credit) for line in deduction.line_ids),
            sorted(
                [
                    (self.deposit_account.id, 300.0, 0.0),
                    (self.income_account.id, 0.0, 200.0),
                    (self.income_account.id, 0.0, 100.0),
                ]
            ),
        )
        self.assertEqual(permit.violation_ids.move_id, deduction)
        refund = self.env["account.payment"].search(
            [("hanling_decoration_permit_id", "=", permit.id), ("payment_type", "=", "outbound")]
        )
        self.assertEqual((refund.amount, refund.partner_id), (1700.0, self.owner))
        self.assertEqual(
            self._lines(refund.move_id),
            {(self.deposit_account, 1700.0, 0.0), (refund.outstanding_account_id, 0.0, 1700.0)},
        )
        # The liability account is back to zero for this permit.
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.deposit_account.id),
                ("move_id.hanling_decoration_permit_id", "=", permit.id),
            ]
        )
        self.assertEqual(sum(lines.mapped("balance")), 0.0)
        self.assertEqual(
            (
                permit.deposit_received,
                permit.deposit_deducted,
                permit.deposit_refunded,
                permit.deposit_held,
            ),
            (2000.0, 300.0, 1700.0, 0.0),
        )
        self.assertEqual(permit.state, "closed")
        deducted = permit.violation_ids
        with self.assertRaisesRegex(UserError, "closed or rejected"):
            self._add_violations(permit, 50)
        self.assertEqual(permit.violation_ids, deducted)
        # A posted deduction cannot be changed any more.
        with self.assertRaisesRegex(UserError, "already posted to the accounts cannot be changed"):
            deducted[0].amount = 10
        with self.assertRaisesRegex(UserError, "already posted to the accounts cannot be deleted"):
            deducted[0].unlink()

    def test_refund_larger_than_deposit_refused(self):
        permit = self.completed_permit()
        self._add_violations(permit, 300)
        moves_before = permit.deposit_move_ids
        with self.assertRaisesRegex(UserError, "larger than the deposit"):
            self.settle(permit, amount=1800)
        self.assertEqual(permit.deposit_move_ids, moves_before)
        self.assertEqual((permit.state, permit.deposit_held), ("completed", 2000.0))
        self.assertFalse(permit.violation_ids.move_id)
        with self.assertRaisesRegex(UserError, "larger than the deposit"):
            permit._refund_deposit(2000.01, self.cash_journal)
        with self.assertRaisesRegex(UserError, "positive"):
            permit._refund_deposit(0, self.cash_journal)

    def test_deductions_above_deposit_refused(self):
        permit = self.completed_permit()
        self._add_violations(permit, 1500, 800)
        with self.assertRaisesRegex(UserError, "exceed the deposit"):
            self.settle(permit)
        self.assertEqual(len(permit.deposit_move_ids), 1)
        self.assertEqual(permit.state, "completed")

    def test_partial_refund_keeps_permit_open(self):
        permit = self.completed_permit()
        self._add_violations(permit, 300)
        self.settle(permit, amount=1000)
        self.assertEqual(permit.state, "completed")
        self.assertEqual(
            (permit.deposit_deducted, permit.deposit_refunded, permit.deposit_held),
            (300.0, 1000.0, 700.0),
        )
        wizard = self.settle(permit)
        self.assertEqual(wizard.amount, 700.0)
        self.assertEqual((permit.state, permit.deposit_held), ("closed", 0.0))

    def test_settlement_rights(self):
        permit = self.completed_permit()
        with self.assertRaises(AccessError):
            self.settle(permit, user=self.users["t_staff"])
        with self.assertRaises(AccessError):
            permit.with_user(self.users["t_staff"]).action_settle_deposit()
        self.assertEqual(permit.deposit_held, 2000.0)
        # Front-office staff see the amounts but not the journal entries themselves.
        self.assertEqual(permit.with_user(self.users["t_staff"]).deposit_held, 2000.0)
        with self.assertRaises(AccessError):
            permit.deposit_move_ids.with_user(self.users["t_staff"]).read(["name"])

    def test_settle_only_after_inspection(self):
        permit = self.approved_permit()
        with self.assertRaises(UserError):
            permit.with_user(self.users["t_cssup"]).action_settle_deposit()
        with self.assertRaises(UserError):
            self.settle(permit)

    # ------------------------------------------------------------------ accountant view

    def test_held_deposits_per_community_with_age(self):
        community2 = self.env["hanling.community"].create({"name": "二期", "code": "TS2"})
        building2 = self.env["hanling.building"].create(
            {"name": "9栋", "code": "T9", "community_id": community2.id}
        )
        unit3 = self.env["hanling.unit"].create(
            {"building_id": building2.id, "floor": 2, "room": "201"}
        )
        old = self.make_permit(deposit=2000)
        new = self.make_permit(deposit=1500, unit_id=unit3.id)
        refunded = self.make_permit(deposit=1000, unit_id=self.unit2.id)
        old._register_deposit(2000, self.cash_journal, self.today - timedelta(days=40))
        new._register_deposit(1500, self.cash_journal, self.today - timedelta(days=3))
        refunded._register_deposit(1000, self.cash_journal, self.today - timedelta(days=10))
        refunded._refund_deposit(1000, self.cash_journal)

        Permit = self.env["hanling.decoration.permit"].with_user(self.accountant)
        action = self.env.ref("hanling_property.hanling_decoration_permit_action_deposits")
        # Only this test's permits: demo data may hold deposits too.
        domain = [*ast.literal_eval(action.domain), ("id", "in", (old | new | refunded).ids)]
        held = Permit.search(domain)
        self.assertEqual(held, old | new)
        self.assertEqual(old.with_user(self.accountant).deposit_age, 40)
        self.assertEqual(new.with_user(self.accountant).deposit_age, 3)
        self.assertEqual(refunded.deposit_age, 0)
        per_community = dict(Permit._read_group(domain, ["community_id"], ["deposit_held:sum"]))
        self.assertEqual(per_community, {self.community: 2000.0, community2: 1500.0})
        with self.assertRaises(AccessError):
            old.with_user(self.accountant).scope = "x"
        # The accountant opens the permit from the list; the document scans stay hidden.
        self.receive(old.document_line_ids)
        form = Form(old.with_user(self.accountant))
        self.assertEqual(form.deposit_held, 2000.0)
        self.assertEqual(len(form.document_line_ids), 12)
        with self.assertRaises(AccessError):
            old.document_line_ids[:1].with_user(self.accountant).read(["file"])

    def test_deposit_list_query_count(self):
        permits = self.env["hanling.decoration.permit"]
        for _i in range(3):
            permit = self.make_permit()
            permit._register_deposit(500, self.cash_journal)
            permits |= permit
        permits.invalidate_recordset()
        fields_list = [
            "community_id",
            "unit_id",
            "partner_id",
            "deposit_date",
            "deposit_age",
            "deposit_held",
        ]
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=7):
            self.env["hanling.decoration.permit"].search_read(
                [("id", "in", permits.ids)], fields_list
            )

    # ------------------------------------------------------------------ configuration

    def test_settings_and_default_accounts(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.hanling_deposit_account_id, self.deposit_account)
        self.assertEqual(settings.hanling_deposit_income_account_id, self.income_account)
        other_liability = self.env["account.account"].create(
            {"name": "其他押金", "code": "224198", "account_type": "liability_current"}
        )
        settings.hanling_deposit_account_id = other_liability
        settings.execute()
        self.assertEqual(self.company.hanling_deposit_account_id, other_liability)
        # Without configuration the getter configures nothing: it says what is missing.
        self.company.write(
            {
                "hanling_deposit_account_id": False,
                "hanling_deposit_income_account_id": False,
                "hanling_deposit_journal_id": False,
            }
        )
        Account = self.env["account.account"].with_context(lang="en_US")
        accounts_before = Account.search_count([])
        with self.assertRaisesRegex(UserError, "Configure the decoration deposit account"):
            self.company._hanling_deposit_accounting()
        with self.assertRaisesRegex(UserError, "Configure the decoration deposit account"):
            self.pay_deposit(self.make_permit(), amount=100)
        self.assertEqual(Account.search_count([]), accounts_before)
        # The set-up made at installation finds the liability account it made then (no copy).
        installed = self.env.ref(f"hanling_property.{self.company.id}_deposit_account")
        self.company._hanling_setup_accounting()
        account, income, journal = self.company._hanling_deposit_accounting()
        self.assertEqual(account, installed)
        self.assertEqual(Account.search_count([]), accounts_before)
        self.assertEqual(account.account_type, "liability_current")
        self.assertIn(income.account_type, ("income", "income_other"))
        self.assertEqual(journal.type, "general")
        self.assertNotEqual(journal, self.company.currency_exchange_journal_id)
        self.assertEqual(self.company.hanling_deposit_account_id, account)
