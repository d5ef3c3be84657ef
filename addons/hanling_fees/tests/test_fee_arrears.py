"""Arrears and late fees, dunning, payment plans, the transfer's clearance (issue 17, item 3)
and prepaid balances applied automatically (item 4), with real payments and reconciliation."""

from datetime import date

import psycopg2

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.hanling_property.tools.workflow import EditLockError, WorkflowGuardError

from .common import FeeCase, load_script

MONTHLY = 223.75  # 89.5 m² × 2.50


@tagged("post_install", "-at_install")
class TestFeeArrears(FeeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.desk = cls.users["t_duty"]
        cls.manager = cls.users["t_manager"]
        cls.policy = (
            cls.env["hanling.fee.late.policy"]
            .with_user(cls.accountant)
            .create(
                {
                    "community_id": cls.community.id,
                    "grace_days": 15,
                    "daily_rate": 0.05,
                    "cap_percent": 100.0,
                }
            )
        )
        cls.LateFee = cls.env["hanling.fee.late.fee"]
        cls.money = cls.env["hanling.money.service"]

    def _bill(self, month, unit=None, partner=None):
        run = self._run(date(2026, month, 1))
        return run.bill_line_ids.filtered(lambda b: b.unit_id == (unit or self.unit)).move_id

    def _pay(self, invoices, day, amount=None):
        """A real payment at the bank, registered and reconciled with the bills."""
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({"journal_id": self.cash_journal.id, "payment_date": day})
        )
        if amount is not None:
            wizard.amount = amount
            wizard.payment_difference_handling = "open"
        return wizard._create_payments()

    # ------------------------------------------------------------------ the policy

    def test_cap_is_never_higher_than_the_principal(self):
        """Issue 17 item 3: "a late-fee policy (grace days, daily rate, a cap no higher than
        the principal ...)": a cap above 100 % of the bill is refused."""
        with self.assertRaises(ValidationError) as caught:
            self.policy.with_user(self.accountant).cap_percent = 120.0
        self.assertIn("never higher than the principal", str(caught.exception))
        # The database holds the rule too.
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.CheckViolation):
            self.env.cr.execute(
                "UPDATE hanling_fee_late_policy SET cap_percent = 150 WHERE id = %s",
                [self.policy.id],
            )
        self.assertEqual(self.policy.cap_percent, 100.0)
        with self.assertRaises(AccessError):
            self.policy.with_user(self.desk).grace_days = 3

    # ------------------------------------------------------------------ charging

    def test_late_fee_says_how_it_was_computed_and_never_compounds(self):
        """Issue 17 item 3: "charged on a separate line or invoice that says how it was
        computed ... no compounding": each charge is its own posted invoice naming the
        principal, days, daily rate and cap; the late fee is never charged a late fee."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        bill = self._bill(1)
        self.assertEqual(bill.amount_total, MONTHLY)
        # Within the grace days: nothing.
        self.assertFalse(self.LateFee._charge(date(2026, 1, 16)))
        fee = self.LateFee._charge(date(2026, 1, 31))
        self.assertEqual(len(fee), 1)
        self.assertEqual(
            (fee.date_from, fee.date_to, fee.days), (date(2026, 1, 17), date(2026, 1, 31), 15)
        )
        self.assertEqual(fee.principal, MONTHLY)
        self.assertEqual(fee.amount, 1.68)  # 223.75 × 0.05 % × 15 = 1.678
        invoice = fee.late_invoice_id
        self.assertEqual(invoice.state, "posted")
        self.assertNotEqual(invoice, bill)
        self.assertEqual(invoice.amount_total, 1.68)
        self.assertEqual(invoice.partner_id, self.owner)
        text = invoice.invoice_line_ids.name
        for part in ("Principal 223.75", "0.05% per day", "15 days", "2026-01-17", "cap 223.75"):
            self.assertIn(part, text)
        # The same day again: nothing more.
        self.assertFalse(self.LateFee._charge(date(2026, 1, 31)))
        # A month later: the February days, on the bill only (not on the late fee).
        february = self.LateFee._charge(date(2026, 2, 28))
        self.assertEqual(february.invoice_id, bill)
        self.assertEqual((february.days, february.amount), (28, 3.13))
        self.assertFalse(self.LateFee.search([("invoice_id", "=", invoice.id)]))

    def test_bill_is_due_on_its_invoice_date_not_the_day_it_was_made(self):
        """A bill of January issued today is due on 1 January (the late fees, the dunning and
        the aged balances count from there), its receivable line too; the 18.0.1.2.0 migration
        repairs the bills earlier versions left due on the day they were made."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        bill = self._bill(1)
        receivable = bill.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertEqual(bill.invoice_date, date(2026, 1, 1))
        self.assertEqual(bill.invoice_date_due, date(2026, 1, 1))
        self.assertEqual(receivable.date_maturity, date(2026, 1, 1))
        fee = self.LateFee._charge(date(2026, 1, 31))
        self.assertEqual(fee.late_invoice_id.invoice_date_due, date(2026, 1, 31))
        # As an earlier version left them: due on the day the run made them.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_move SET invoice_date_due = '2026-12-01' WHERE id IN %s",
            [(bill.id, fee.late_invoice_id.id)],
        )
        self.env.cr.execute(
            "UPDATE account_move_line SET date_maturity = '2026-12-01' WHERE id = %s",
            [receivable.id],
        )
        script = load_script("18.0.1.2.0", "post-due_date.py")
        script.migrate(self.env.cr, None)  # a fresh install: nothing to do
        self.env.invalidate_all()
        self.assertEqual(bill.invoice_date_due, date(2026, 12, 1))
        script.migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()
        self.assertEqual(bill.invoice_date_due, date(2026, 1, 1))
        self.assertEqual(receivable.date_maturity, date(2026, 1, 1))
        self.assertEqual(fee.late_invoice_id.invoice_date_due, date(2026, 1, 31))

    def test_cap_limits_all_late_fees_of_a_bill(self):
        """Issue 17 item 3: "a cap no higher than the principal": all the late fees of one bill
        together stop at the cap."""
        self.policy.with_user(self.accountant).write({"daily_rate": 1.0, "cap_percent": 10.0})
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        bill = self._bill(1)
        first = self.LateFee._charge(date(2026, 1, 25))  # 9 days × 2.2375 = 20.14 → cap 22.38
        self.assertEqual(first.amount, 20.14)
        second = self.LateFee._charge(date(2026, 2, 28))
        self.assertEqual(second.amount, 2.24)
        self.assertEqual(second.cap_left, 2.24)
        self.assertFalse(self.LateFee._charge(date(2026, 3, 31)))
        self.assertAlmostEqual(
            sum(self.LateFee.search([("invoice_id", "=", bill.id)]).mapped("amount")), 22.38
        )

    def test_partial_and_full_payment_reduce_and_stop_late_fees(self):
        """Issue 17 item 3: late fees run on what is still owed; a paid bill is charged no more."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        bill = self._bill(1)
        self._pay(bill, date(2026, 1, 20), amount=123.75)
        self.assertEqual(bill.payment_state, "partial")
        fee = self.LateFee._charge(date(2026, 1, 31))
        self.assertEqual(fee.principal, 100.0)
        self.assertEqual(fee.amount, 0.75)  # 100 × 0.05 % × 15
        self._pay(bill, date(2026, 2, 2))
        self.assertEqual(bill.payment_state, "paid")
        self.assertFalse(self.LateFee._charge(date(2026, 2, 28)))

    def test_counter_takes_the_late_fee_with_the_bill(self):
        """Issue 17 item 3: the front desk takes the bill and its late fee at the counter; both
        invoices are paid and reconciled, on one 收据."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        bill = self._bill(1)
        fee = self.LateFee._charge(date(2026, 1, 31))
        wizard = (
            self.env["hanling.fee.counter.payment"]
            .with_user(self.desk)
            .create(
                {
                    "unit_id": self.unit.id,
                    "journal_id": self.cash_journal.id,
                    "date": date(2026, 2, 3),
                }
            )
        )
        self.assertEqual(wizard.late_fee_ids, fee)
        self.assertEqual(wizard.amount_bills, MONTHLY + 1.68)
        wizard.action_pay()
        self.assertEqual((bill.payment_state, fee.late_invoice_id.payment_state), ("paid", "paid"))
        receipt = self.env["hanling.fee.receipt"].search([("partner_id", "=", self.owner.id)])
        self.assertEqual(receipt.invoice_ids, bill | fee.late_invoice_id)
        self.assertEqual(receipt.amount_total, MONTHLY + 1.68)

    # ------------------------------------------------------------------ waiver

    def test_waiver_needs_the_office_manager(self):
        """Issue 17 item 3: "waiving it needs the office manager's approval": the front desk
        asks with a reason, only the manager approves (a credit note cancels the late fee)."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._bill(1)
        fee = self.LateFee._charge(date(2026, 1, 31)).with_user(self.desk)
        with self.assertRaisesRegex(UserError, "reason"):
            fee.action_request_waiver()
        fee.waiver_reason = "老人住院，物业经理同意减免"
        fee.action_request_waiver()
        self.assertEqual(fee.state, "waiver_requested")
        with self.assertRaisesRegex(AccessError, "office manager"):
            fee.action_approve_waiver()
        with self.assertRaisesRegex(AccessError, "office manager"):
            fee.with_user(self.accountant).action_approve_waiver()
        fee.with_user(self.manager).action_approve_waiver()
        self.assertEqual(fee.state, "waived")
        self.assertEqual(fee.approved_by_id, self.manager)
        credit = fee.credit_note_id
        self.assertEqual(
            (credit.move_type, credit.state, credit.amount_total), ("out_refund", "posted", 1.68)
        )
        self.assertEqual(fee.late_invoice_id.payment_state, "reversed")

    def test_forged_waiver_is_refused(self):
        """Attack (issue 17 item 3): the front desk or the accountant forges the manager's
        approval over RPC — writing the state, the approver or the amount is refused."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._bill(1)
        fee = self.LateFee._charge(date(2026, 1, 31))
        for user in (self.desk, self.accountant):
            for vals in (
                {"state": "waived"},
                {"approved_by_id": self.manager.id},
                {"amount": 0.0},
                {"credit_note_id": fee.late_invoice_id.id},
            ):
                with self.assertRaises(WorkflowGuardError):
                    fee.with_user(user).write(vals)
        with self.assertRaises(WorkflowGuardError):
            self.LateFee.with_user(self.desk).create({"invoice_id": fee.invoice_id.id})
        with self.assertRaisesRegex(AccessError, "create"):
            self.LateFee.with_user(self.desk).create({"waiver_reason": "伪造"})
        self.assertEqual(fee.state, "charged")
        self.assertEqual(fee.late_invoice_id.payment_state, "not_paid")

    # ------------------------------------------------------------------ dunning

    def test_dunning_levels_then_stopped_by_payment(self):
        """Issue 17 item 3: "Dunning levels (a reminder mail, a printed 催缴通知单, a visit task)
        on a schedule, stopped by payment"."""
        self.policy.with_user(self.accountant).dunning_level_ids = [
            (0, 0, {"name": "第一次提醒", "days_overdue": 5, "action": "mail"}),
            (0, 0, {"name": "催缴通知单", "days_overdue": 20, "action": "notice"}),
            (0, 0, {"name": "上门催缴", "days_overdue": 40, "action": "visit"}),
        ]
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        bill = self._bill(1)
        Dunning = self.env["hanling.fee.dunning"]
        Dunning._run_dunning(date(2026, 1, 3))
        self.assertFalse(Dunning.search([("partner_id", "=", self.owner.id)]))
        Dunning._run_dunning(date(2026, 1, 10))
        dunning = Dunning.search([("partner_id", "=", self.owner.id)])
        self.assertEqual(dunning.level_id.action, "mail")
        mail = dunning.message_ids.filtered(lambda m: self.owner in m.partner_ids)
        self.assertEqual(len(mail), 1)
        self.assertIn("223.75", mail.body)
        Dunning._run_dunning(date(2026, 1, 11))  # idempotent
        self.assertEqual(
            len(dunning.message_ids.filtered(lambda m: self.owner in m.partner_ids)), 1
        )
        Dunning._run_dunning(date(2026, 1, 25))
        self.assertEqual(dunning.level_id.action, "notice")
        self.assertIn("Print and hand over", dunning.activity_ids.summary)
        printed = (
            self.env.ref("hanling_fees.action_report_fee_dunning_notice")
            .with_user(self.desk)
            ._render_qweb_html("hanling_fees.report_fee_dunning_notice", dunning.ids)[0]
        )
        self.assertIn(bill.name, printed.decode())
        Dunning._run_dunning(date(2026, 2, 15))
        self.assertEqual(dunning.level_id.action, "visit")
        visits = dunning.activity_ids
        self.assertEqual(len(visits), 2)  # print the notice, visit
        self.assertTrue(
            all(a.user_id.has_group("hanling_property.group_duty_officer") for a in visits)
        )
        self.assertEqual(dunning.with_user(self.desk).amount_owed, MONTHLY)
        # Paid: the chase stops, its tasks are done, no later level is taken.
        self._pay(bill, date(2026, 2, 16))
        Dunning._run_dunning(date(2026, 2, 17))
        self.assertEqual(dunning.state, "paid")
        self.assertFalse(dunning.activity_ids)
        Dunning._run_dunning(date(2026, 3, 30))
        self.assertFalse(
            Dunning.search([("partner_id", "=", self.owner.id), ("state", "=", "open")])
        )

    # ------------------------------------------------------------------ payment plan

    def test_payment_plan_suspends_late_fees_while_kept(self):
        """Issue 17 item 3: "a payment plan (分期) agreed with a resident": the front desk
        agrees the instalments, the manager approves; no late fee while it is kept, an
        instalment missed past the grace days breaks it and late fees run again."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        january, february = self._bill(1), self._bill(2)
        Plan = self.env["hanling.fee.payment.plan"].with_user(self.desk)
        plan = Plan.create(
            {
                "unit_id": self.unit.id,
                "partner_id": self.owner.id,
                "line_ids": [
                    (0, 0, {"date": date(2026, 2, 10), "amount": MONTHLY}),
                    (0, 0, {"date": date(2026, 3, 10), "amount": 200.0}),
                ],
            }
        )
        with self.assertRaisesRegex(UserError, "add up to"):
            plan.action_submit()
        self.assertEqual(plan.amount_owed_now, 447.5)
        plan.line_ids[1].amount = MONTHLY
        plan.action_submit()
        self.assertEqual(plan.invoice_ids, january | february)
        self.assertEqual((plan.state, plan.amount_agreed), ("submitted", 447.5))
        locked = "Awaiting Approval: Instalments can no longer be changed"
        with self.assertRaisesRegex(EditLockError, locked):
            plan.line_ids[0].amount = 1.0
        with self.assertRaisesRegex(EditLockError, "Instalments can no longer be changed"):
            self.env["hanling.fee.payment.plan.line"].create(
                {"plan_id": plan.id, "date": date(2026, 4, 10), "amount": 1.0}
            )
        self.assertEqual(plan.line_ids.mapped("amount"), [MONTHLY, MONTHLY])
        with self.assertRaisesRegex(AccessError, "office manager"):
            plan.action_approve()
        with self.assertRaises(WorkflowGuardError):
            plan.write({"state": "active"})
        plan.with_user(self.manager).action_approve()
        self.assertEqual(plan.state, "active")
        # Kept: no late fee on its bills.
        self.assertFalse(self.LateFee._charge(date(2026, 2, 20)))
        self._pay(january, date(2026, 2, 9))
        self.assertEqual(plan.amount_paid, MONTHLY)
        self.assertEqual(plan.date_next_due, date(2026, 3, 10))
        Plan._check_plans(date(2026, 3, 20))
        self.assertEqual(plan.state, "active")
        # The instalment overdue: its reminder (the deadline mechanism) goes to the clerk.
        self.env["hanling.deadline.mixin"]._cron_check_deadlines()
        self.assertTrue(plan.is_instalment_overdue)
        self.assertEqual(plan.activity_ids.user_id, self.desk)
        self.assertFalse(self.LateFee._charge(date(2026, 3, 24)))
        # Missed past the grace days: broken, late fees run from the day after.
        Plan._check_plans(date(2026, 3, 26))
        self.assertEqual((plan.state, plan.date_suspended_until), ("broken", date(2026, 3, 26)))
        fee = self.LateFee._charge(date(2026, 3, 31))
        self.assertEqual(fee.invoice_id, february)
        self.assertEqual((fee.date_from, fee.days), (date(2026, 3, 27), 5))

    def test_payment_plan_paid_off_is_done(self):
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        january = self._bill(1)
        plan = (
            self.env["hanling.fee.payment.plan"]
            .with_user(self.desk)
            .create(
                {
                    "unit_id": self.unit.id,
                    "partner_id": self.owner.id,
                    "line_ids": [(0, 0, {"date": date(2026, 2, 10), "amount": MONTHLY})],
                }
            )
        )
        plan.action_submit()
        plan.with_user(self.manager).action_approve()
        self._pay(january, date(2026, 2, 5))
        plan._check_plans(date(2026, 2, 6))
        self.assertEqual(plan.state, "done")

    # ------------------------------------------------------------------ ownership transfer

    def _transfer(self):
        buyer = self.env["res.partner"].create({"name": "孙丽"})
        transfer = (
            self.env["hanling.ownership.transfer"]
            .with_user(self.users["t_staff"])
            .create(
                {"unit_id": self.unit.id, "partner_id": buyer.id, "date_transfer": date(2026, 3, 1)}
            )
        )
        self.receive(transfer.document_line_ids)
        return transfer

    def test_transfer_waits_for_arrears_or_the_managers_exception(self):
        """Issue 17 item 3: "An ownership transfer shows the unit's arrears and is not
        completed until they are cleared or the manager records an exception (结清证明)"."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        bill = self._bill(1)
        transfer = self._transfer()
        self.assertEqual(transfer.arrears_amount, MONTHLY)
        self.assertEqual(transfer.arrears_invoice_ids, bill)
        with self.assertRaisesRegex(UserError, "still owes 223.75"):
            transfer.action_done()
        staff = transfer.with_user(self.users["t_staff"])
        staff.arrears_exception_note = "卖方承诺过户后七日内结清"
        for user in ("t_staff", "t_duty", "t_tech"):
            for vals in (
                {"arrears_exception_by_id": self.manager.id},
                {"date_arrears_exception": "2026-02-01 10:00:00"},
            ):
                with self.assertRaises(WorkflowGuardError):
                    transfer.with_user(self.users[user]).write(vals)
        with self.assertRaisesRegex(AccessError, "office manager"):
            transfer.with_user(self.users["t_tech"]).action_record_arrears_exception()
        with self.assertRaisesRegex(AccessError, "office manager"):
            staff.action_record_arrears_exception()
        transfer.with_user(self.manager).action_record_arrears_exception()
        self.assertEqual(transfer.arrears_exception_by_id, self.manager)
        self.assertEqual(transfer.arrears_exception_amount, MONTHLY)
        staff.action_done()
        self.assertEqual(transfer.state, "done")

    def test_transfer_completes_once_paid(self):
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        bill = self._bill(1)
        transfer = self._transfer()
        self._pay(bill, date(2026, 2, 20))
        self.assertEqual(transfer.arrears_amount, 0.0)
        transfer.action_done()
        self.assertEqual(transfer.state, "done")

    # ------------------------------------------------------------------ prepaid (item 4)

    def _prepay(self, amount, day):
        wizard = (
            self.env["hanling.fee.counter.payment"]
            .with_user(self.desk)
            .create(
                {
                    "unit_id": self.unit.id,
                    "partner_id": self.owner.id,
                    "journal_id": self.cash_journal.id,
                    "date": day,
                    "amount_prepaid": amount,
                }
            )
        )
        wizard.bill_line_ids = False
        wizard.action_pay()
        return self.env["hanling.fee.receipt"].search(
            [("partner_id", "=", self.owner.id)], order="id desc", limit=1
        )

    def test_prepayment_covers_the_oldest_bills_first_with_the_receipt_trail(self):
        """Issue 17 item 4: "a resident's prepayment covers each new bill as it is posted,
        oldest first, with the receipt trail": an older bill still owed is paid first, the new
        one partly; each application names the 收据 it came from."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        january = self._bill(1)
        receipt = self._prepay(300.0, date(2026, 1, 20))
        february = self._bill(2)
        self.assertEqual(january.payment_state, "paid")
        self.assertEqual(february.payment_state, "partial")
        self.assertAlmostEqual(february.amount_residual, MONTHLY * 2 - 300.0)
        trail = receipt.with_user(self.desk).prepaid_application_ids.sorted("id")
        self.assertEqual(trail.invoice_id, january | february)
        self.assertEqual(trail.mapped("amount"), [MONTHLY, 300.0 - MONTHLY])
        self.assertEqual(receipt.with_user(self.desk).amount_prepaid_left, 0.0)
        self.assertTrue(all(entry.state == "posted" for entry in trail.entry_id))
        self.assertEqual(set(trail.mapped("source")), {"prepaid"})
        self.assertIn(
            january.name,
            receipt.message_ids.mapped("body")[0] + "".join(receipt.message_ids.mapped("body")),
        )

    def test_prepayment_covers_a_late_fee_as_it_is_posted(self):
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._bill(1)
        receipt = self._prepay(1.0, date(2026, 1, 20))
        fee = self.LateFee._charge(date(2026, 1, 31))
        # The prepayment went to the older bill first (oldest first), then nothing was left.
        self.assertEqual(receipt.prepaid_application_ids.invoice_id, fee.invoice_id)
        self.assertEqual(fee.late_invoice_id.payment_state, "not_paid")
