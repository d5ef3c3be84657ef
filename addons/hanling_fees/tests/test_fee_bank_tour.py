from datetime import date
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from .common import FeeCase
from .test_fee_bank import CARD, CARD2, SIGNED, return_file

PERIOD = date(2026, 3, 1)


@tagged("post_install", "-at_install")
class TestFeeBankReturnTour(FeeCase, HttpCase):
    """The accountant's view of a long return file (issue 17): while queue jobs post its
    payments the import's form says so (正在入账) and shows none posted yet; once they are
    all posted the alert is gone and the posted count is the collected one."""

    def test_return_form_while_posting_and_after(self):
        from odoo.addons.queue_job.job import Job

        bank = self.env["res.bank"].create({"name": "工行（导览）"})
        mandates = self.env["hanling.fee.bank.mandate"].create(
            [
                {
                    "partner_id": partner.id,
                    "unit_id": unit.id,
                    "bank_id": bank.id,
                    "account_holder": partner.name,
                    "account_number": card,
                    "signed_copy": SIGNED,
                    "signed_copy_name": "委托书.pdf",
                    "date_start": date(2026, 1, 1),
                }
                for partner, unit, card in [
                    (self.owner, self.unit, CARD),
                    (self.owner2, self.unit2, CARD2),
                ]
            ]
        )
        mandates.action_activate()
        self._subscribe(self.unit, self.owner, date(2026, 1, 1))
        self._subscribe(self.unit2, self.owner2, date(2026, 1, 1))
        self._run(PERIOD)
        journal = self.env["account.journal"].create(
            {"name": "导览代收", "type": "bank", "code": "TTB", "company_id": self.company.id}
        )
        batch = (
            self.env["hanling.fee.bank.batch"]
            .with_user(self.accountant)
            .create(
                {
                    "bank_id": bank.id,
                    "layout_id": self.env.ref("hanling_fees.bank_layout_common").id,
                    "journal_id": journal.id,
                    "period_start": PERIOD,
                }
            )
        )
        batch.action_export()
        self.assertEqual(batch.line_count, 2)
        content = return_file(
            [
                [line.reference, line.mandate_id.account_number, f"{line.amount:.2f}", "成功", ""]
                for line in batch.line_ids
            ]
        )
        with patch("odoo.addons.hanling_fees.models.fee_bank.COLLECT_CHUNK", 1):
            record = batch.with_user(self.accountant)._import_return(content, "回盘.csv", PERIOD)
        self.assertEqual((record.state, record.posted_count), ("collecting", 0))
        url = f"/odoo/hanling.fee.bank.return/{record.id}"
        self.start_tour(url, "hanling_fee_bank_return_collecting_tour", login="t_fee_accountant")

        jobs = self.env["queue.job"].search(
            [("model_name", "=", "hanling.fee.bank.batch")], order="id"
        )
        for method in ("_job_collect", "_job_collect_done"):
            for job in jobs.filtered(lambda job, method=method: job.method_name == method):
                self.env["hanling.fee.bank.batch"]._perform_job(Job.load(self.env, job.uuid))
        record.invalidate_recordset()
        self.assertEqual((record.state, record.posted_count), ("done", 2))
        self.start_tour(url, "hanling_fee_bank_return_done_tour", login="t_fee_accountant")
