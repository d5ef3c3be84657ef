"""Performing hanling_fees' queue jobs in this process, as the job runner would.

The billing run's chunks (``hanling.fee.run``) and the payments of a long bank return file
(``hanling.fee.bank.batch``) are queue_job jobs performed by the runner's workers in
production. The demo history, the tests and the benchmarks have no runner: they perform the
pending jobs of these models here, one after the other.
"""

from odoo import api, models


class HanlingFeeJobMixin(models.AbstractModel):
    _name = "hanling.fee.job.mixin"
    _description = "Queue Jobs Performed Here"

    # The methods of this model queued as jobs (``_perform_pending_jobs`` performs those).
    _hanling_job_methods = ()

    def _perform_pending_jobs(self, commit=False):
        """Perform the queued jobs of this model here, one after the other, each as the user
        who queued it. On a recordset, only the jobs of these records; on an empty one, every
        pending job of the model. ``commit`` commits after each job (as the runner does: a job
        is a transaction). Returns the performed ``Job`` objects.
        """
        from odoo.addons.queue_job.job import Job

        jobs, seen = [], set()
        while True:
            self.env.flush_all()
            # sudo: queue.job is the runner's table; the jobs run as the user who queued them.
            records = (
                self.env["queue.job"]
                .sudo()
                .search(
                    [
                        ("model_name", "=", self._name),
                        ("method_name", "in", list(self._hanling_job_methods)),
                        ("state", "=", "pending"),
                        ("id", "not in", list(seen)),
                    ],
                    order="id",
                )
            )
            if not records:
                return jobs
            for record in records:
                seen.add(record.id)
                job = Job.load(self.env, record.uuid)
                if self and not set(job.recordset.ids) & set(self.ids):
                    continue
                jobs.append(self._perform_job(job, commit=commit))

    @api.model
    def _perform_job(self, job, commit=False):
        """Perform one queued ``Job`` here as the runner would: done, stored, and the jobs
        waiting for it (a group's last job) queued once it was the last of their group."""
        job.set_started()
        job.perform()
        job.set_done()
        job.store()
        self.env.flush_all()
        if job.should_check_dependents():
            job.enqueue_waiting()  # the runner's controller does so after the job
        if commit:
            self.env.cr.commit()
        return job
