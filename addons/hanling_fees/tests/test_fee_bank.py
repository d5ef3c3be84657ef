import base64
import csv
import io
from datetime import date
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.hanling_property.tools.workflow import EditLockError

from .common import FeeCase

PERIOD = date(2026, 3, 1)
CARD = "6222020200012345670"
CARD2 = "6217000000123456786"
SIGNED = base64.b64encode(b"%PDF-1.4 signed mandate")
HEADER = ["流水号", "账号", "金额", "处理结果", "失败原因"]


def return_file(rows, header=HEADER, encoding="gbk"):
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


class FeeBankCase(FeeCase):
    """Two mandates in force at a test bank (王伟's and 李娜's units), their bills of
    ``PERIOD`` and the batch that collects them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.env["res.bank"].create({"name": "中国工商银行（测试）", "bic": "ICBKCNBT"})
        cls.bank_journal = cls.env["account.journal"].create(
            {"name": "工行代收", "type": "bank", "code": "TBK", "company_id": cls.company.id}
        )
        cls.layout = cls.env.ref("hanling_fees.bank_layout_common")
        cls.desk = cls.users["t_duty"]
        cls.staff = cls.users["t_staff"]
        Mandate = cls.env["hanling.fee.bank.mandate"].with_user(cls.staff)
        cls.mandate, cls.mandate2 = Mandate.create(
            [
                {
                    "partner_id": cls.owner.id,
                    "unit_id": cls.unit.id,
                    "bank_id": cls.bank.id,
                    "account_holder": "王伟",
                    "account_number": "6222 0202 0001 2345 670",
                    "signed_copy": SIGNED,
                    "signed_copy_name": "委托书.pdf",
                    "date_start": date(2026, 1, 1),
                },
                {
                    "partner_id": cls.owner2.id,
                    "unit_id": cls.unit2.id,
                    "bank_id": cls.bank.id,
                    "account_holder": "李娜",
                    "account_number": CARD2,
                    "signed_copy": SIGNED,
                    "signed_copy_name": "委托书.pdf",
                    "date_start": date(2026, 1, 1),
                },
            ]
        )
        (cls.mandate | cls.mandate2).action_activate()

    def _bill(self):
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._subscribe(self.unit2, self.owner2, date(2026, 1, 1))
        run = self._run(PERIOD)
        invoices = run.bill_line_ids.invoice_line_id.move_id
        self.assertEqual(len(invoices), 2)
        return invoices

    def _batch(self):
        batch = (
            self.env["hanling.fee.bank.batch"]
            .with_user(self.accountant)
            .create(
                {
                    "bank_id": self.bank.id,
                    "layout_id": self.layout.id,
                    "journal_id": self.bank_journal.id,
                    "period_start": PERIOD,
                }
            )
        )
        batch.action_export()
        return batch

    def _lines(self, batch):
        return {line.mandate_id: line for line in batch.line_ids}

    def _payments(self):
        return self.env["account.payment"].search_count([("journal_id", "=", self.bank_journal.id)])

    def _collect_jobs(self, method):
        return self.env["queue.job"].search(
            [("model_name", "=", "hanling.fee.bank.batch"), ("method_name", "=", method)]
        )


@tagged("post_install", "-at_install")
class TestFeeBank(FeeBankCase):
    """Issue 17 item 2: 银行代扣 / 托收, the round trip of the 委托银行代收费合同 (篇1 一 1 3)."""

    def test_round_trip(self):
        """篇1 一 1 3 一卡通: the bank collects what each mandate owes; a collected line is a
        posted payment reconciled with its bills, a rejected one stays owed with the bank's
        reason and a front-desk follow-up, an unknown line is reported, a second import of the
        same file changes nothing."""
        invoices = self._bill()
        batch = self._batch()
        self.assertEqual(batch.state, "exported")
        self.assertEqual(batch.line_count, 2)
        lines = self._lines(batch)
        first, second = lines[self.mandate], lines[self.mandate2]
        invoice = first.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertAlmostEqual(first.amount, invoice.amount_residual)
        # The collection file: GBK, the layout's columns, one row per mandate.
        exported = base64.b64decode(batch.export_file).decode("gbk")
        rows = list(csv.reader(io.StringIO(exported)))
        self.assertEqual(rows[0], ["流水号", "合同号", "账号", "户名", "金额", "所属期"])
        self.assertIn(
            [first.reference, self.mandate.name, CARD, "王伟", f"{first.amount:.2f}", "202603"],
            rows,
        )
        self.assertEqual(len(rows), 3)

        content = return_file(
            [
                [first.reference, CARD, f"{first.amount:.2f}", "成功", ""],
                [second.reference, CARD2, f"{second.amount:.2f}", "失败", "余额不足"],
                [f"{batch.name}-999999", "6228480012345678903", "10.00", "成功", ""],
            ]
        )
        record = batch.with_user(self.accountant)._import_return(content, "回盘.csv", PERIOD)
        self.assertEqual(
            (record.collected_count, record.rejected_count, record.unknown_count), (1, 1, 1)
        )
        self.assertIn(f"{batch.name}-999999", record.unknown_report)
        self.assertEqual(first.state, "collected")
        payment = first.payment_id
        self.assertIn(payment.state, ("in_process", "paid"))
        self.assertEqual(payment.move_id.state, "posted")
        self.assertEqual(payment.journal_id, self.bank_journal)
        self.assertAlmostEqual(payment.amount, first.amount)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.amount_residual, 0)
        self.assertIn(payment, invoice._get_reconciled_payments())
        # Rejected: still owed, the bank's reason, a to-do for the front desk on the mandate.
        self.assertEqual((second.state, second.reason), ("rejected", "余额不足"))
        self.assertEqual(second.invoice_ids.payment_state, "not_paid")
        self.assertFalse(second.payment_id)
        activity = self.mandate2.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("余额不足", activity.summary)
        self.assertTrue(activity.user_id.has_group("hanling_property.group_duty_officer"))
        self.assertEqual(batch.state, "done")
        self.assertEqual(self._payments(), 1)
        self.assertEqual(second.invoice_ids | invoice, invoices)

        # The same file again: refused, nothing changes.
        with self.assertRaisesRegex(UserError, "This return file was imported already"):
            batch.with_user(self.accountant)._import_return(content, "回盘.csv", PERIOD)
        self.assertEqual(self._payments(), 1)
        self.assertEqual(len(batch.return_ids), 1)
        # A re-sent file with the same lines (other bytes): every line settled before.
        again = batch.with_user(self.accountant)._import_return(
            content + b"\r\n", "回盘-重发.csv", PERIOD
        )
        self.assertEqual(
            (again.collected_count, again.rejected_count, again.already_count), (0, 0, 2)
        )
        self.assertEqual(again.unknown_count, 1)
        self.assertEqual(self._payments(), 1)
        self.assertEqual(len(self.mandate2.activity_ids), 1)

        # The rejected bill goes into the next batch; the paid one does not.
        next_batch = self._batch()
        self.assertEqual(next_batch.line_ids.mandate_id, self.mandate2)

    def test_bill_paid_at_the_counter_meanwhile_is_reported_as_credit(self):
        """A bill paid at the counter after the collection file went to the bank, which then
        collects it all the same: the money is a posted payment (the bank has it), its open part
        the payer's credit, and the return file names the line and the credit."""
        self._bill()
        batch = self._batch()
        first = self._lines(batch)[self.mandate]
        invoice = first.invoice_ids
        cash = self.env["hanling.money.service"]._payment_journal(self.env.company, ("cash",))
        self.env["hanling.money.service"]._register_payments(invoice, cash)
        self.assertEqual(invoice.amount_residual, 0.0)
        content = return_file([[first.reference, CARD, f"{first.amount:.2f}", "成功", ""]])
        record = batch.with_user(self.accountant)._import_return(content, "回盘.csv", PERIOD)
        self.assertEqual((record.collected_count, record.credit_count), (1, 1))
        self.assertIn(first.reference, record.credit_report)
        self.assertIn("is the payer's credit, applied to what they still owe", record.credit_report)
        payment = first.payment_id
        self.assertEqual(payment.move_id.state, "posted")
        credit = payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertAlmostEqual(credit.amount_residual, -first.amount)
        self.assertEqual(credit.partner_id, self.owner.commercial_partner_id)
        self.assertFalse(self.env["hanling.fee.prepaid.application"].search([]))

        # The next bill, as it is posted, is paid by the credit (issue 17 item 4), with its
        # line in the trail; the other payer's bill is not touched.
        run = self._run(date(2026, 4, 1))
        april = run.bill_line_ids.filtered(lambda b: b.partner_id == self.owner).move_id
        other = run.bill_line_ids.filtered(lambda b: b.partner_id == self.owner2).move_id
        self.assertEqual(april.amount_total, first.amount)
        self.assertEqual(april.amount_residual, 0.0)
        self.assertEqual(other.payment_state, "not_paid")
        self.assertTrue(credit.reconciled)
        trail = self.env["hanling.fee.prepaid.application"].search([])
        self.assertEqual(
            (trail.invoice_id, trail.payment_id, trail.amount), (april, payment, first.amount)
        )
        self.assertFalse(trail.receipt_id)
        self.assertEqual(trail.source, "bank")
        self.assertIn(payment.name, april.message_ids[:1].body)

    def test_bank_credit_pays_an_older_bill_still_owed_at_once(self):
        """The bank collects March after it was paid at the counter while April is still owed:
        the credit pays April as the return file is imported."""
        self._bill()
        batch = self._batch()
        first = self._lines(batch)[self.mandate]
        cash = self.env["hanling.money.service"]._payment_journal(self.env.company, ("cash",))
        self.env["hanling.money.service"]._register_payments(first.invoice_ids, cash)
        run = self._run(date(2026, 4, 1))
        april = run.bill_line_ids.filtered(lambda b: b.partner_id == self.owner).move_id
        self.assertEqual(april.payment_state, "not_paid")
        content = return_file([[first.reference, CARD, f"{first.amount:.2f}", "成功", ""]])
        record = batch.with_user(self.accountant)._import_return(content, "回盘.csv", PERIOD)
        self.assertEqual(record.credit_count, 1)
        self.assertIn("applied to what they still owe", record.credit_report)
        self.assertEqual(april.amount_residual, 0.0)
        trail = self.env["hanling.fee.prepaid.application"].search([])
        self.assertEqual((trail.invoice_id, trail.payment_id), (april, first.payment_id))
        # A second file of the same lines changes nothing: no second application.
        again = batch.with_user(self.accountant)._import_return(
            content + b"\r\n", "回盘-重发.csv", PERIOD
        )
        self.assertEqual(again.already_count, 1)
        self.assertEqual(self.env["hanling.fee.prepaid.application"].search_count([]), 1)

    def _batch_row_version(self, batch):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT ctid::text FROM hanling_fee_bank_batch WHERE id = %s", [batch.id]
        )
        return self.env.cr.fetchone()[0]

    def test_long_return_file_is_posted_by_jobs(self):
        """A return file of more collected lines than ``COLLECT_CHUNK`` (500; 1 here): the
        import checks the whole file and settles the rejected lines, queue jobs post the
        payments part by part without writing the batch's row (parts run side by side), the
        last job writes the batch's figures and ends the import. Meanwhile the batch takes no
        other file; a part performed again posts nothing twice; a payer's credit (a bill paid
        at the counter meanwhile) still pays their open bill."""
        from odoo.addons.queue_job.job import Job

        self._bill()
        batch = self._batch()
        first, second = self._lines(batch)[self.mandate], self._lines(batch)[self.mandate2]
        cash = self.env["hanling.money.service"]._payment_journal(self.env.company, ("cash",))
        self.env["hanling.money.service"]._register_payments(first.invoice_ids, cash)
        april = (
            self._run(date(2026, 4, 1))
            .bill_line_ids.filtered(lambda bill: bill.partner_id == self.owner)
            .move_id
        )
        content = return_file(
            [
                [first.reference, CARD, f"{first.amount:.2f}", "成功", ""],
                [second.reference, CARD2, f"{second.amount:.2f}", "成功", ""],
                [f"{batch.name}-999999", "6228480012345678903", "10.00", "失败", "账户冻结"],
            ]
        )
        Batch = batch.with_user(self.accountant)
        with patch("odoo.addons.hanling_fees.models.fee_bank.COLLECT_CHUNK", 1):
            record = Batch._import_return(content, "回盘.csv", PERIOD)
        self.assertEqual(record.state, "collecting")
        self.assertEqual(
            (
                record.collected_count,
                record.unknown_count,
                record.credit_count,
                record.posted_count,
            ),
            (2, 1, 1, 0),
        )
        self.assertEqual((first.state, second.state, batch.state), ("sent", "sent", "exported"))
        self.assertEqual(self._payments(), 0)
        parts = self._collect_jobs("_job_collect")
        done = self._collect_jobs("_job_collect_done")
        self.assertEqual((len(parts), set(parts.mapped("state"))), (2, {"pending"}))
        self.assertEqual(parts.user_id, self.accountant, "the parts run as the accountant")
        self.assertEqual(done.state, "wait_dependencies")
        self.assertIn("being posted by queue jobs", batch.message_ids[:1].body)
        with self.assertRaisesRegex(UserError, "are still being posted"):
            Batch._import_return(content + b"\r\n", "回盘-重发.csv", PERIOD)
        self.assertEqual(len(batch.return_ids), 1)

        before = self._batch_row_version(batch)
        for job in parts:
            self.env["hanling.fee.bank.batch"]._perform_job(Job.load(self.env, job.uuid))
        self.assertEqual(self._batch_row_version(batch), before, "no part wrote the batch's row")
        self.assertEqual((first.state, second.state), ("collected", "collected"))
        self.assertEqual(record.posted_count, 2)
        self.assertEqual(self._payments(), 2)
        self.assertEqual(second.invoice_ids.amount_residual, 0)
        self.assertIn(second.payment_id, second.invoice_ids._get_reconciled_payments())
        self.assertEqual(april.amount_residual, 0.0, "the credit paid the open bill")
        # A part performed again (the runner retries it) posts nothing twice.
        self.assertEqual(Batch._job_collect([first.id], record.id, []), "0 of 1 lines posted")
        self.assertEqual(self._payments(), 2)

        self.assertEqual(done.state, "pending", "the parts done, the last job is due")
        self.env["hanling.fee.bank.batch"]._perform_job(Job.load(self.env, done.uuid))
        batch.invalidate_recordset()
        self.assertEqual((record.state, batch.state), ("done", "done"))
        self.assertEqual(
            (batch.collected_count, batch.amount_collected),
            (2, first.amount + second.amount),
        )
        self.assertIn(
            "the payments of its 2 collected lines are posted", batch.message_ids[:1].body
        )
        # Once posted, the batch takes the bank's next file again; its lines settled before.
        again = Batch._import_return(content + b"\r\n", "回盘-重发.csv", PERIOD)
        self.assertEqual((again.state, again.already_count, again.collected_count), ("done", 2, 0))
        self.assertEqual(self._payments(), 2)

    def test_collect_chunk_is_a_system_parameter(self):
        """``hanling_fees.bank_collect_chunk`` sets the lines per job; a value that is not a
        positive whole number leaves the default of 500."""
        ICP = self.env["ir.config_parameter"]
        Batch = self.env["hanling.fee.bank.batch"].with_user(self.accountant)
        self.assertEqual(Batch._collect_chunk(), 500)
        for value, chunk in (("1", 1), ("abc", 500), ("-3", 500), ("0", 500), ("2000", 2000)):
            ICP.set_param("hanling_fees.bank_collect_chunk", value)
            self.assertEqual(Batch._collect_chunk(), chunk, value)
        ICP.set_param("hanling_fees.bank_collect_chunk", "1")
        self._bill()
        batch = self._batch()
        first, second = self._lines(batch)[self.mandate], self._lines(batch)[self.mandate2]
        content = return_file(
            [
                [first.reference, CARD, f"{first.amount:.2f}", "成功", ""],
                [second.reference, CARD2, f"{second.amount:.2f}", "成功", ""],
            ]
        )
        record = batch.with_user(self.accountant)._import_return(content, "回盘.csv", PERIOD)
        self.assertEqual(record.state, "collecting")
        self.assertEqual(len(self._collect_jobs("_job_collect")), 2)
        jobs = self.env["hanling.fee.bank.batch"]._perform_pending_jobs()
        self.assertEqual(len(jobs), 3)
        self.assertEqual((record.state, record.posted_count, batch.state), ("done", 2, "done"))

    def test_part_of_another_batch_is_refused(self):
        """A part job posts the lines of its own batch's import only."""
        self._bill()
        batch = self._batch()
        first = self._lines(batch)[self.mandate]
        content = return_file([[first.reference, CARD, f"{first.amount:.2f}", "成功", ""]])
        record = batch.with_user(self.accountant)._import_return(content, "回盘.csv", PERIOD)
        other = self.env["hanling.fee.bank.batch"].create(
            {
                "bank_id": self.bank.id,
                "layout_id": self.layout.id,
                "journal_id": self.bank_journal.id,
                "period_start": date(2026, 4, 1),
            }
        )
        with self.assertRaisesRegex(UserError, "is not one of"):
            other._job_collect(self._lines(batch)[self.mandate2].ids, record.id, [])
        self.assertEqual(self._lines(batch)[self.mandate2].state, "sent")
        # A part of an import that is done posts nothing.
        self.assertEqual(
            batch._job_collect(self._lines(batch)[self.mandate2].ids, record.id, []),
            f"{record.id} is posted already: nothing posted",
        )
        self.assertEqual(self._lines(batch)[self.mandate2].state, "sent")

    def test_xlsx_layout_round_trip(self):
        import openpyxl

        self._bill()
        self.layout.file_format = "xlsx"
        batch = self._batch()
        self.assertTrue(batch.export_filename.endswith(".xlsx"))
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(batch.export_file)))
        self.assertEqual(book.active.cell(1, 1).value, "流水号")
        back = openpyxl.Workbook()
        back.active.append(HEADER)
        for line in batch.line_ids:
            back.active.append(
                [line.reference, line.mandate_id.account_number, line.amount, "0000", ""]
            )
        buffer = io.BytesIO()
        back.save(buffer)
        record = batch.with_user(self.accountant)._import_return(buffer.getvalue(), "回盘.xlsx")
        self.assertEqual(record.collected_count, 2)
        self.assertEqual(
            set(batch.line_ids.invoice_ids.mapped("payment_state")) - {"paid", "in_payment"}, set()
        )

    def test_layout_writes_the_return_file_it_reads(self):
        """The layout's return columns write the bank's answer (the demo office's and the
        benchmark's): the headers and encoding of the common layout, and it imports back."""
        self._bill()
        batch = self._batch()
        first, second = batch.line_ids.sorted("sequence")
        rows = [
            {
                "reference": line.reference,
                "account_number": line.mandate_id.account_number,
                "amount": f"{line.amount:.2f}",
                "status": status,
                "reason": reason,
            }
            for line, status, reason in ((first, "成功", ""), (second, "失败", "余额不足"))
        ]
        content = self.layout._write_file(rows, usage="return")
        self.assertEqual(
            content,
            return_file(
                [
                    [first.reference, first.mandate_id.account_number, f"{first.amount:.2f}"]
                    + ["成功", ""],
                    [second.reference, second.mandate_id.account_number, f"{second.amount:.2f}"]
                    + ["失败", "余额不足"],
                ]
            ),
        )
        record = batch.with_user(self.accountant)._import_return(content, "回盘.csv")
        self.assertEqual((record.collected_count, record.rejected_count), (1, 1))
        self.assertEqual(
            (first.state, second.state, second.reason), ("collected", "rejected", "余额不足")
        )

    def _assert_refused(self, batch, content, message):
        with self.assertRaisesRegex(UserError, message):
            batch.with_user(self.accountant)._import_return(content, "hostile.csv")
        self.assertEqual(self._payments(), 0)
        self.assertFalse(batch.return_ids)
        self.assertEqual(set(batch.line_ids.mapped("state")), {"sent"})

    def test_hostile_return_files_are_refused_whole(self):
        """A wrong encoding, a missing column, a negative or non-numeric amount, a line given
        twice: a clear error and nothing posted."""
        self._bill()
        batch = self._batch()
        first, second = batch.line_ids.sorted("sequence")
        good = [first.reference, CARD, f"{first.amount:.2f}", "成功", ""]
        with self.subTest("wrong encoding: UTF-8 for a GBK layout"):
            self._assert_refused(
                batch, return_file([good], encoding="utf-8"), "is not encoded in GBK"
            )
        with self.subTest("wrong encoding: GBK bytes under a UTF-8 layout"):
            self.layout.encoding = "utf-8"
            self._assert_refused(batch, return_file([good]), "is not encoded in UTF-8")
            self.layout.encoding = "gbk"
        with self.subTest("missing column"):
            self._assert_refused(
                batch,
                return_file(
                    [good[:2] + good[3:]], header=["流水号", "账号", "处理结果", "失败原因"]
                ),
                "has no column “金额”",
            )
        for amount in ("-10.00", "十元", "1e3", "0"):
            with self.subTest(amount=amount):
                self._assert_refused(
                    batch,
                    return_file([good, [second.reference, CARD2, amount, "成功", ""]]),
                    f"Line 3 of the return file: the amount “{amount}” is not a positive number",
                )
        with self.subTest("duplicated line"):
            self._assert_refused(
                batch,
                return_file([good, good]),
                f"Line 3 of the return file repeats the line {first.reference} of line 2",
            )
        with self.subTest("not an Excel file"):
            self.layout.file_format = "xlsx"
            self._assert_refused(batch, b"not a workbook", "is not an Excel")
            self.layout.file_format = "csv"

    def test_hostile_error_is_translated(self):
        self._bill()
        batch = self._batch()
        self.env["res.lang"]._activate_lang("zh_CN")
        with self.assertRaisesRegex(UserError, "回盘文件"):
            batch.with_user(self.accountant).with_context(lang="zh_CN")._import_return(
                return_file([["x", CARD, "-1", "成功", ""]]), "hostile.csv"
            )

    def test_account_number_and_signed_copy_are_checked(self):
        Mandate = self.env["hanling.fee.bank.mandate"].with_user(self.staff)
        vals = {
            "partner_id": self.owner.id,
            "unit_id": self.unit2.id,
            "bank_id": self.bank.id,
            "account_holder": "王伟",
        }
        with self.assertRaisesRegex(ValidationError, "is not a valid bank card number"):
            Mandate.create(dict(vals, account_number="6222020200012345671"))
        with self.assertRaisesRegex(ValidationError, "digits only"):
            Mandate.create(dict(vals, account_number="6222O20200012345670"))
        with self.assertRaisesRegex(ValidationError, "is not a valid account number"):
            Mandate.create(dict(vals, account_kind="account", account_number="1234"))
        passbook = Mandate.create(
            dict(vals, account_kind="account", account_number="4402010009001234")
        )
        with self.assertRaisesRegex(UserError, "Attach the signed mandate"):
            passbook.action_activate()
        passbook.write({"signed_copy": SIGNED, "signed_copy_name": "委托书.pdf"})
        passbook.action_activate()
        self.assertEqual(passbook.state, "active")
        with self.assertRaisesRegex(EditLockError, "can no longer be changed"):
            passbook.account_number = "4402010009009999"

    def test_front_desk_reads_mandates_and_follow_ups_only(self):
        self.assertEqual(
            self.mandate.with_user(self.desk).read(["account_number"])[0]["account_number"], CARD
        )
        with self.assertRaises(AccessError):
            self.mandate.with_user(self.desk).write({"date_end": date(2030, 1, 1)})
        with self.assertRaises(AccessError):
            self.mandate2.with_user(self.desk).action_end()
        self.assertFalse(self.env["hanling.fee.bank.batch"].with_user(self.desk).has_access("read"))
        self.assertFalse(
            self.env["hanling.fee.bank.layout"].with_user(self.desk).has_access("write")
        )
        self._bill()
        batch = self._batch()
        with self.assertRaisesRegex(AccessError, "Only the accountant"):
            batch.with_user(self.staff)._import_return(b"", "x.csv")
        line = batch.line_ids[:1].with_user(self.desk)
        self.assertTrue(line.reference)
        self.assertFalse(line.has_access("write"))
        self.assertFalse(line.has_access("create"))

    @mute_logger("odoo.models.unlink")
    def test_move_in_one_card_step_creates_the_mandate(self):
        """篇1 一 1 3: the 一卡通 agreement signed at the move-in is the payer's mandate."""
        buyer = self.env["res.partner"].create({"name": "赵敏"})
        unit = self.env["hanling.unit"].create(
            {"building_id": self.building.id, "floor": 7, "room": "701", "floor_area": 90.0}
        )
        move_in = (
            self.env["hanling.move.in"]
            .with_user(self.staff)
            .create(
                {
                    "unit_id": unit.id,
                    "partner_id": buyer.id,
                    "bank_agreement": True,
                    "bank_id": self.bank.id,
                    "bank_account_number": CARD,
                }
            )
        )
        move_in.action_start()
        move_in.write(
            {
                "identity_checked": True,
                "cleaning_answer": "declined",
                "key_ids": [(0, 0, {"key_type": "unit_door", "quantity": 2})],
            }
        )
        self.receive(move_in.document_line_ids, codes=None)
        self.receive(move_in.document_line_ids, codes=["bank_collection"])
        move_in.action_done()
        mandate = move_in.bank_mandate_ids
        self.assertEqual(len(mandate), 1)
        self.assertEqual(
            (mandate.partner_id, mandate.unit_id, mandate.bank_id), (buyer, unit, self.bank)
        )
        self.assertEqual((mandate.account_holder, mandate.account_number), ("赵敏", CARD))
        self.assertTrue(mandate.signed_copy)
        self.assertEqual(mandate.state, "active")
        self.assertEqual(mandate.move_in_id, move_in)
        # Without the account number the mandate waits in draft for it.
        unit2 = self.env["hanling.unit"].create(
            {"building_id": self.building.id, "floor": 7, "room": "702", "floor_area": 90.0}
        )
        plain = (
            self.env["hanling.move.in"]
            .with_user(self.staff)
            .create({"unit_id": unit2.id, "partner_id": self.owner2.id, "bank_agreement": True})
        )
        plain.action_start()
        plain.write(
            {
                "identity_checked": True,
                "cleaning_answer": "declined",
                "key_ids": [(0, 0, {"key_type": "unit_door", "quantity": 1})],
            }
        )
        self.receive(plain.document_line_ids)
        plain.action_done()
        self.assertEqual(plain.bank_mandate_ids.state, "draft")

    def test_new_accountant_sees_the_default_layout(self):
        user = new_test_user(
            self.env, login="t_bank_acc2", groups="base.group_user,account.group_account_invoice"
        )
        self.assertIn(self.layout, self.env["hanling.fee.bank.layout"].with_user(user).search([]))
