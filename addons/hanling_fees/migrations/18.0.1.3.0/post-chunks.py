"""18.0.1.3.0: a billing run's chunks write their counts on their own rows.

Earlier versions added each chunk's counts to the run's row, under its lock; the chunk jobs of
one run on several workers failed to serialise there and billed their chunk again. Now each
chunk has a ``hanling.fee.run.chunk`` row and a last job adds them up. A run still running at
the upgrade keeps what its done chunks counted as one done chunk row; its chunk jobs not done
yet (queued with the old arguments) are cancelled and queued again the new way, with the job
that ends the run. Billing is idempotent: a chunk interrupted by the upgrade bills only what
is missing.
"""

from odoo import SUPERUSER_ID, api

from odoo.addons.hanling_property.tools.workflow import workflow_grant


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    runs = env["hanling.fee.run"].search([("state", "=", "running"), ("chunk_ids", "=", False)])
    if not runs:
        return
    jobs = env["queue.job"].search(
        [
            ("model_name", "=", "hanling.fee.run"),
            ("method_name", "=", "_job_bill_chunk"),
            ("state", "not in", ("done", "cancelled")),
        ],
        order="id",
    )
    with workflow_grant("hanling.fee.run"):
        for run in runs:
            _requeue(cr, env, run, jobs)


def _requeue(cr, env, run, jobs):
    """The done chunks as one done chunk row; the others queued again, then the last job."""
    legacy = jobs.filtered(lambda job, run=run: run.id in job.records.ids)
    chunks = [list(job.args[0]) for job in legacy]
    env["hanling.fee.run.chunk"].create(
        {
            "run_id": run.id,
            "sequence": 1,
            "unit_count": 0,
            "state": "done",
            "billed_count": run.billed_count,
            "skipped_count": run.skipped_count,
            "failed_count": run.failed_count,
            "invoice_count": run.invoice_count,
        }
    )
    if legacy:
        # SQL: queue_job's own cancel leaves a started job (its worker died with the
        # server stopped for the upgrade) to the runner, which would run it with the old
        # arguments.
        cr.execute("UPDATE queue_job SET state = 'cancelled' WHERE id IN %s", [tuple(legacy.ids)])
        legacy.invalidate_recordset(["state"])
    cr.execute(
        "UPDATE hanling_fee_run SET chunk_count = %s WHERE id = %s",
        [1 + len(chunks), run.id],
    )
    run.invalidate_recordset(["chunk_count"])
    if chunks:
        run._queue_chunks(chunks, first=2)
    else:
        run._job_finish()
