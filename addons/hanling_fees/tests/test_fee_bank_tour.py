from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from .test_fee_bank import PERIOD, FeeBankCase, return_file


@tagged("post_install", "-at_install")
class TestFeeBankReturnTour(FeeBankCase, HttpCase):
    """The accountant's view of a long return file (issue 17): while queue jobs post its
    payments the import's form says so (正在入账) and shows none posted yet; once they are
    all posted the alert is gone and the posted count is the collected one."""

    def test_return_form_while_posting_and_after(self):
        from odoo.addons.queue_job.job import Job

        self._bill()
        batch = self._batch()
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

        for method in ("_job_collect", "_job_collect_done"):
            for job in self._collect_jobs(method):
                self.env["hanling.fee.bank.batch"]._perform_job(Job.load(self.env, job.uuid))
        record.invalidate_recordset()
        self.assertEqual((record.state, record.posted_count), ("done", 2))
        self.start_tour(url, "hanling_fee_bank_return_done_tour", login="t_fee_accountant")
