from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FeeCase, load_script


@tagged("post_install", "-at_install")
class TestFeeBilling(FeeCase):
    def _move_in(self, unit, partner):
        """入伙 completed now by the desk (篇1 一: the handover starts the owner's fees)."""
        staff = self.users["t_staff"]
        move_in = (
            self.env["hanling.move.in"]
            .with_user(staff)
            .create({"unit_id": unit.id, "partner_id": partner.id})
        )
        move_in.action_start()
        move_in.write(
            {
                "identity_checked": True,
                "cleaning_answer": "declined",
                "key_ids": [(0, 0, {"key_type": "unit_door", "quantity": 2})],
            }
        )
        self.receive(move_in.document_line_ids)
        move_in.action_done()
        return move_in

    def test_mid_month_move_in_is_prorated_by_day(self):
        """篇1 一 1 (入伙): the fee starts at the handover; March 16–31 is 16/31 of a month."""
        buyer = self.env["res.partner"].create({"name": "赵敏"})
        unit = self.env["hanling.unit"].create(
            {"building_id": self.building.id, "floor": 5, "room": "501", "floor_area": 89.5}
        )
        with freeze_time("2026-03-16 03:00:00"):
            move_in = self._move_in(unit, buyer)
        subscription = self.env["hanling.fee.subscription"].search([("unit_id", "=", unit.id)])
        self.assertEqual(
            subscription.fee_type_id, self.management, "parking does not start by itself"
        )
        self.assertEqual(subscription.move_in_id, move_in)
        self.assertEqual(subscription.partner_id, buyer)
        self.assertEqual(subscription.date_start, date(2026, 3, 16))

        run = self._run(date(2026, 3, 1))
        bill = run.bill_line_ids.filtered(lambda b: b.unit_id == unit)
        # 89.5 m² × 2.50 = 223.75 a month; × 16/31 = 115.4838… → 115.48
        self.assertEqual(bill.amount, 115.48)
        self.assertEqual(
            (bill.period_start, bill.period_end), (date(2026, 3, 16), date(2026, 3, 31))
        )
        invoice = bill.move_id
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.partner_id, buyer)
        self.assertEqual(invoice.amount_total, 115.48)
        self.assertEqual(invoice.hanling_community_id, self.community)
        line = bill.invoice_line_id
        self.assertEqual(
            (line.hanling_period_start, line.hanling_period_end),
            (date(2026, 3, 16), date(2026, 3, 31)),
        )
        self.assertIn("16/31", line.name)
        self.assertEqual(invoice.amount_residual, 115.48)
        # The next month is whole: quantity = the floor area, price = the rate.
        april = self._run(date(2026, 4, 1)).bill_line_ids.filtered(lambda b: b.unit_id == unit)
        self.assertEqual(april.amount, 223.75)
        self.assertEqual(
            (april.invoice_line_id.quantity, april.invoice_line_id.price_unit), (89.5, 2.5)
        )

    def test_transfer_splits_the_month_between_the_owners(self):
        """过户 (篇1 一, 篇5 transfer file): the seller pays to the day before, the buyer from it."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        buyer = self.env["res.partner"].create({"name": "孙丽"})
        transfer = (
            self.env["hanling.ownership.transfer"]
            .with_user(self.users["t_staff"])
            .create(
                {
                    "unit_id": self.unit.id,
                    "partner_id": buyer.id,
                    "date_transfer": date(2026, 5, 11),
                }
            )
        )
        self.receive(transfer.document_line_ids)
        transfer.action_done()
        subscriptions = self.env["hanling.fee.subscription"].search(
            [("unit_id", "=", self.unit.id)], order="date_start"
        )
        self.assertEqual(subscriptions.mapped("partner_id"), self.owner | buyer)
        self.assertEqual(subscriptions[0].date_end, date(2026, 5, 10))
        self.assertEqual(subscriptions[0].ended_by_transfer_id, transfer)
        self.assertEqual(subscriptions[1].date_start, date(2026, 5, 11))
        self.assertFalse(subscriptions[1].date_end)

        run = self._run(date(2026, 5, 1))
        bills = run.bill_line_ids.filtered(lambda b: b.unit_id == self.unit).sorted("period_start")
        self.assertEqual(bills.mapped("partner_id"), self.owner | buyer)
        # 223.75 × 10/31 = 72.177… and × 21/31 = 151.572…: the whole month, once.
        self.assertEqual(bills.mapped("amount"), [72.18, 151.57])
        self.assertEqual(bills[0].period_end, date(2026, 5, 10))
        self.assertEqual(bills[1].period_start, date(2026, 5, 11))
        self.assertEqual(len(bills.move_id), 2, "one invoice per payer")
        self.assertEqual(bills[0].move_id.partner_id, self.owner)
        self.assertEqual(bills[1].move_id.amount_total, 151.57)

    def test_tariff_change_leaves_past_bills_alone(self):
        """A new price is a new tariff version; the posted January bill keeps 2.50."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        january = self._run(date(2026, 1, 1)).bill_line_ids
        self.assertEqual((january.rate, january.amount), (2.5, 223.75))
        with self.assertRaisesRegex(UserError, "never rewritten"):
            self.tariff.with_user(self.accountant).write({"rate": 3.0})
        self._tariff(self.management, 3.0, date(2026, 2, 1))
        february = self._run(date(2026, 2, 1)).bill_line_ids
        self.assertEqual((february.rate, february.amount), (3.0, 268.5))
        self.assertEqual(february.move_id.amount_total, 268.5)
        self.assertEqual(
            (january.rate, january.amount, january.move_id.amount_total), (2.5, 223.75, 223.75)
        )
        self.assertEqual(january.invoice_line_id.price_unit, 2.5)

    def test_rerun_bills_only_what_is_missing(self):
        """A unit, fee and period is billed exactly once, also when the run is repeated."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._subscribe(self.unit2, self.owner2, date(2026, 1, 1))
        first = self._run(date(2026, 1, 1))
        self.assertEqual((first.billed_count, first.skipped_count, first.invoice_count), (2, 0, 2))
        self.assertEqual(first.state, "done")
        # A third unit joins; the same period again bills only that one.
        unit3 = self.env["hanling.unit"].create(
            {"building_id": self.building.id, "floor": 4, "room": "401", "floor_area": 100.0}
        )
        self._subscribe(unit3, self.owner2, date(2026, 1, 1))
        second = self._run(date(2026, 1, 1))
        self.assertEqual(
            (second.billed_count, second.skipped_count, second.invoice_count), (1, 2, 1)
        )
        self.assertEqual(second.bill_line_ids.unit_id, unit3)
        self.assertEqual(second.bill_line_ids.amount, 250.0)
        third = self._run(date(2026, 1, 1))
        self.assertEqual((third.billed_count, third.skipped_count), (0, 3))
        self.assertFalse(third.bill_line_ids)
        # The database itself refuses a second bill of the same unit, fee and period start.
        bill = first.bill_line_ids[0]
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaisesRegex(IntegrityError, "hanling_fee_bill_line_unit_fee_period_once"),
            self.env.cr.savepoint(),
        ):
            self.env["hanling.fee.bill.line"].create(
                {
                    "name": "forced duplicate",
                    "unit_id": bill.unit_id.id,
                    "fee_type_id": bill.fee_type_id.id,
                    "company_id": bill.company_id.id,
                    "period_start": bill.period_start,
                    "period_end": bill.period_end,
                    "amount": 1.0,
                }
            )
            self.env.flush_all()

    def test_run_is_split_in_queue_jobs_with_progress_and_counts(self):
        """Chunks of ``chunk_size`` units, one queue_job job each; the run adds up their counts."""
        for unit, partner in ((self.unit, self.owner), (self.unit2, self.owner2)):
            self._subscribe(unit, partner, date(2026, 1, 1))
        self._subscribe(self.unit, self.owner, date(2026, 1, 1), fee_type=self.parking, quantity=2)
        run = self._run(date(2026, 1, 1), chunk_size=1)
        self.assertEqual(
            [job.method_name for job in self.jobs],
            ["_job_bill_chunk", "_job_bill_chunk", "_job_finish"],
            "one job per chunk, then the one that ends the run",
        )
        chunk_jobs, finish = self.jobs[:2], self.jobs[2]
        self.assertEqual(
            sorted(job.args[0] for job in chunk_jobs), [[self.unit.id], [self.unit2.id]]
        )
        self.assertEqual(
            {job.uuid for job in finish.depends_on},
            {job.uuid for job in chunk_jobs},
            "the last job waits for every chunk",
        )
        self.assertEqual((run.chunk_count, run.chunk_done_count, run.progress), (2, 2, 100.0))
        self.assertEqual((run.state, run.billed_count, run.invoice_count), ("done", 3, 2))
        self.assertEqual(
            run.chunk_ids.mapped(lambda c: (c.sequence, c.state, c.billed_count, c.invoice_count)),
            [(1, "done", 2, 1), (2, "done", 1, 1)],
        )
        owner_invoice = run.bill_line_ids.filtered(lambda b: b.partner_id == self.owner).move_id
        self.assertEqual(len(owner_invoice), 1, "one invoice per payer and period, a line per fee")
        self.assertEqual(len(owner_invoice.invoice_line_ids), 2)
        self.assertEqual(owner_invoice.amount_total, 223.75 + 600.0)
        self.assertTrue(owner_invoice.name.startswith(owner_invoice.journal_id.code))

    def _perform(self, jobs):
        from odoo.addons.queue_job.job import Job

        for record in jobs:
            self.env["hanling.fee.run"]._perform_job(Job.load(self.env, record.uuid))

    def _run_row_version(self, run):
        self.env.flush_all()
        self.env.cr.execute("SELECT ctid::text FROM hanling_fee_run WHERE id = %s", [run.id])
        return self.env.cr.fetchone()[0]

    def test_chunk_jobs_never_write_the_run_row(self):
        """Chunks on several workers side by side: each writes its own result row, none the
        run's row (two transactions updating it, the later fails to serialise and bills its
        whole chunk again); the run's last job adds them up."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._subscribe(self.unit2, self.owner2, date(2026, 1, 1))
        run = (
            self.env["hanling.fee.run"]
            .with_user(self.accountant)
            .create(
                {
                    "period_start": date(2026, 1, 1),
                    "community_ids": [(6, 0, self.community.ids)],
                    "chunk_size": 1,
                }
            )
        )
        run.action_start()
        Job = self.env["queue.job"]
        finish = Job.search([("method_name", "=", "_job_finish")])
        finish = finish.filtered(lambda job: run.id in job.records.ids)
        self.assertEqual(finish.state, "wait_dependencies", "it waits for the chunks")
        before = self._run_row_version(run)
        self._perform(self._pending_jobs())
        self.assertEqual(self._run_row_version(run), before, "no chunk job wrote the run's row")
        run.invalidate_recordset()
        self.assertEqual((run.state, run.billed_count, run.chunk_done_count), ("running", 0, 2))
        self.assertEqual(run.chunk_ids.mapped("billed_count"), [1, 1])
        self.assertEqual(finish.state, "pending", "the last chunk done, the last job is due")
        self._perform(finish)
        run.invalidate_recordset()
        self.assertEqual((run.state, run.billed_count, run.invoice_count), ("done", 2, 2))
        self.assertTrue(run.date_done)

    def test_chunk_of_another_run_is_refused(self):
        """A chunk job bills the chunks of its own run only."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        run = self._run(date(2026, 1, 1))
        other = self.env["hanling.fee.run"].create(
            {"period_start": date(2026, 2, 1), "community_ids": [(6, 0, self.community.ids)]}
        )
        other.action_start()
        with self.assertRaisesRegex(UserError, "is not one of"):
            other._job_bill_chunk(self.unit.ids, run.chunk_ids.id)

    def test_upgrade_requeues_a_running_run_of_the_old_kind(self):
        """18.0.1.3.0: a run left running by an earlier version (its counts on its row, its
        chunk jobs queued with the units only) is finished the new way, each unit billed once."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._subscribe(self.unit2, self.owner2, date(2026, 1, 1))
        first = self._run(date(2026, 1, 1), chunk_size=1)
        self.assertEqual(first.billed_count, 2)
        run = self.env["hanling.fee.run"].create(
            {
                "period_start": date(2026, 2, 1),
                "community_ids": [(6, 0, self.community.ids)],
                "chunk_size": 1,
            }
        )
        # As 18.0.1.2.0 left it: the first chunk billed (its counts on the run), the second
        # chunk's job still pending with the units as its only argument.
        run._bill_now(self.unit, None)
        run.chunk_ids.unlink()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE hanling_fee_run SET state = 'running', chunk_count = 2, date_done = NULL "
            "WHERE id = %s",
            [run.id],
        )
        run.invalidate_recordset()
        legacy = run.with_delay(identity_key=f"legacy-{run.id}")
        legacy._job_bill_chunk(self.unit2.ids, None)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE queue_job SET args = %s::jsonb WHERE identity_key = %s",
            [f"[[{self.unit2.id}]]", f"legacy-{run.id}"],
        )
        self.env["queue.job"].invalidate_model()
        script = load_script("18.0.1.3.0", "post-chunks.py")
        script.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        old = self.env["queue.job"].search([("identity_key", "=", f"legacy-{run.id}")])
        self.assertEqual(old.state, "cancelled")
        self.assertEqual(run.chunk_ids.mapped("state"), ["done", "pending"])
        self.assertEqual((run.chunk_count, run.chunk_done_count), (2, 1))
        self.env["hanling.fee.run"]._perform_pending_jobs()
        run.invalidate_recordset()
        self.assertEqual((run.state, run.billed_count, run.invoice_count), ("done", 2, 2))
        self.assertEqual(len(run.bill_line_ids), 2, "each unit billed once for February")

    def test_started_run_waits_for_its_jobs(self):
        """Before its jobs have run, a run is running, at 0 %, with nothing billed."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        run = (
            self.env["hanling.fee.run"]
            .with_user(self.accountant)
            .create(
                {"period_start": date(2026, 1, 1), "community_ids": [(6, 0, self.community.ids)]}
            )
        )
        run.action_start()
        self.assertEqual(len(self._pending_jobs()), 1)
        self.assertEqual((run.state, run.progress, run.billed_count), ("running", 0.0, 0))
        with self.assertRaisesRegex(UserError, "Starting a billing run"):
            run.action_start()

    def test_failing_payer_is_reported_and_others_billed(self):
        """A unit without floor area fails its payer with the reason; the others are billed."""
        self.unit2.floor_area = 0
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._subscribe(self.unit2, self.owner2, date(2026, 1, 1))
        run = self._run(date(2026, 1, 1))
        self.assertEqual((run.billed_count, run.failed_count, run.state), (1, 1, "done"))
        self.assertEqual(run.bill_line_ids.partner_id, self.owner)
        self.assertEqual(run.bill_line_ids.move_id.state, "posted")
        failure = run.failure_ids
        self.assertEqual(failure.partner_id, self.owner2)
        self.assertRegex(failure.reason, "has no floor area to bill 物业管理费")
        self.assertIn(self.unit2.display_name, failure.unit_names)

    def test_failure_while_invoicing_is_isolated(self):
        """An accounting refusal for one payer (no receivable account) spares the others."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._subscribe(self.unit2, self.owner2, date(2026, 1, 1))
        income = (
            self.management.product_id.property_account_income_id
            or self.management.product_id.categ_id.property_account_income_categ_id
        )
        self.assertTrue(income)
        # A deprecated income account: Odoo refuses to post on it.
        self.management.product_id.with_env(self.env).property_account_income_id = self.env[
            "account.account"
        ].create(
            {
                "name": "停用收入 (test)",
                "code": "600999",
                "account_type": "income",
                "deprecated": True,
            }
        )
        run = self._run(date(2026, 1, 1))
        self.assertEqual((run.billed_count, run.failed_count), (0, 2))
        self.assertRegex(run.failure_ids[0].reason, "deprecated")
        self.assertFalse(self.env["hanling.fee.bill.line"].search([("run_id", "=", run.id)]))

    def test_vacancy_discount_reduces_its_days(self):
        """空置 discount: 50 % for January 1–10 takes 5 days' worth off the month."""
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self.env["hanling.fee.discount"].with_user(self.accountant).create(
            {
                "name": "空置",
                "unit_id": self.unit.id,
                "percentage": 50,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 1, 10),
            }
        )
        bill = self._run(date(2026, 1, 1)).bill_line_ids
        # 223.75 × (31 − 5) / 31 = 187.66
        self.assertEqual(bill.amount, 187.66)
        self.assertIn("空置 −50% × 10 days", bill.invoice_line_id.name)

    def test_quarterly_fee_in_arrears(self):
        """A quarterly fee billed after the period: the April run bills January–March."""
        self.management.write({"periodicity": "quarter", "billing_timing": "arrears"})
        self._subscribe(self.unit, self.owner, date(2026, 2, 1))
        self.assertFalse(self._run(date(2026, 3, 1)).bill_line_ids, "not a quarter's first month")
        bill = self._run(date(2026, 4, 1)).bill_line_ids
        self.assertEqual(
            (bill.period_start, bill.period_end), (date(2026, 2, 1), date(2026, 3, 31))
        )
        self.assertEqual(bill.fee_period_start, date(2026, 1, 1))
        self.assertEqual(bill.amount, 447.5)
