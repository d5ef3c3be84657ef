"""hanling_fees under faults (issue 16): a billing run whose server is killed with SIGKILL in
the middle of its queue_job chunks, then restarted; two clerks paying the same fee invoice."""

import os
import signal
import subprocess
import sys
import tempfile
import time

from .conftest import ROOT, run, shell
from .flows import FEES, PRELUDE

PORT = os.environ.get("HANLING_FAULTS_PORT", "8179")

SETUP = (
    PRELUDE
    + FEES
    + r"""
community, units, fee_types = fee_community(60)
period = fields.Date.context_today(env["hanling.fee.run"]).replace(day=1)
run = fee_run(community, period, chunk_size=4)
result({"run": run.id, "chunks": run.chunk_count, "community": community.id})
"""
)

FACTS = (
    PRELUDE
    + FEES
    + r"""
run = env["hanling.fee.run"].browse(RUN_ID)
community = run.community_ids
units = env["hanling.unit"].search([("community_id", "=", community.id)])
fee_types = env["hanling.fee.type"].search([("community_id", "=", community.id)])
facts = billing_facts(run, units, fee_types)
if RERUN:
    # The same period once more: bills only what is missing, here nothing.
    again = fee_run(community, run.period_start, chunk_size=50)
    perform_jobs(again)
    again.invalidate_recordset()
    facts["rerun"] = {"billed": again.billed_count, "skipped": again.skipped_count,
                      "state": again.state}
    facts["after_rerun"] = billing_facts(run, units, fee_types)
result(facts)
"""
)


def psql(db, sql):
    return run(["psql", "-X", "-At", "-d", db, "-c", sql]).stdout.strip()


def progress(db, run_id):
    done, count, state = psql(
        db,
        "SELECT (SELECT count(*) FROM hanling_fee_run_chunk c "
        "WHERE c.run_id = r.id AND c.state = 'done'), coalesce(chunk_count, 0), state "
        f"FROM hanling_fee_run r WHERE id = {run_id}",
    ).split("|")
    started = int(
        psql(
            db,
            "SELECT count(*) FROM queue_job WHERE model_name = 'hanling.fee.run' "
            "AND state = 'started'",
        )
    )
    return int(done), int(count), state, started


def server(db, log):
    """The real server with its queue_job runner (server_wide_modules in odoo.conf)."""
    cmd = [sys.executable, "-m", "odoo", "-c", "odoo.conf", "-d", db, f"--http-port={PORT}"]
    cmd += ["--max-cron-threads=0", "--log-level=info", f"--db-filter=^{db}$"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def facts(db, run_id, rerun=False):
    return shell(db, f"RUN_ID = {run_id}\nRERUN = {rerun}\n" + FACTS)


def test_billing_run_killed_mid_way_then_restarted(fault_db):
    """SIGKILL the server while its job runner bills the chunks; after the restart the run
    finishes: every unit, fee and period billed once, the journal's numbers without a gap."""
    setup = shell(fault_db, SETUP)
    run_id, chunks = setup["run"], setup["chunks"]
    assert chunks == 15, setup
    with tempfile.NamedTemporaryFile("w+", prefix="hanling_fees_kill_", suffix=".log") as log:
        proc = server(fault_db, log)
        try:
            deadline, seen = time.time() + 300, None
            while time.time() < deadline:
                seen = progress(fault_db, run_id)
                done, count, state, started = seen
                if state != "running" or (done >= 2 and started):
                    break
                time.sleep(0.1)
            proc.send_signal(signal.SIGKILL)  # no cleanup, no commit
            proc.wait(30)
        finally:
            if proc.poll() is None:
                proc.kill()
        done, count, state, started = seen
        log.seek(0)
        assert state == "running" and 2 <= done < count and started, (seen, log.read()[-4000:])
        killed = facts(fault_db, run_id)
        # The chunks the kill interrupted were rolled back whole: bills without invoices or
        # invoices without bills cannot be left behind.
        assert killed["doubles"] == [] and killed["unlinked"] == 0, killed
        assert killed["missing"], "the kill came too late: nothing was left to bill"
        assert killed["gaps"] == [], killed

        # The restart: the job runner requeues the dead jobs and the run finishes.
        proc = server(fault_db, log)
        try:
            deadline = time.time() + 600
            while time.time() < deadline:
                seen = progress(fault_db, run_id)
                if seen[2] != "running":
                    break
                time.sleep(1)
        finally:
            proc.terminate()
            proc.wait(60)
        log.seek(0)
        assert seen[2] == "done" and seen[0] == seen[1] == chunks, (seen, log.read()[-4000:])
    final = facts(fault_db, run_id, rerun=True)
    for res in (final, final["after_rerun"]):
        assert res["doubles"] == [], res
        assert res["missing"] == [], res
        assert res["lines"] == 60 * 3, res
        assert res["invoices"] == 60 and res["posted"] and res["unlinked"] == 0, res
        assert res["journals"] == 1 and res["gaps"] == [], res
        assert res["failed"] == [], res
    # The run's counts add up even though two of its chunks ran twice.
    assert final["billed_count"] == 180 and final["invoice_count"] == 60, final
    assert final["rerun"] == {"billed": 0, "skipped": 180, "state": "done"}, final


def test_two_clerks_pay_the_same_fee_invoice(fault_db):
    """Two front-desk clerks register the payment of one open fee invoice at the same moment
    (Odoo's payment register, through the money service): one payment, the other refused."""
    res = shell(
        fault_db,
        PRELUDE
        + FEES
        + r"""
community, units, fee_types = fee_community(2, code="PAY")
run = fee_run(community, fields.Date.context_today(env["hanling.fee.run"]).replace(day=1), 10)
perform_jobs(run)
invoice = run.bill_line_ids.invoice_line_id.move_id[:1]
journal = env["account.journal"].search(
    [("company_id", "=", invoice.company_id.id), ("type", "=", "cash")], limit=1
)
outcomes = race(
    lambda e: e["hanling.money.service"]._register_payments(
        e["account.move"].browse(invoice.id), e["account.journal"].browse(journal.id)
    ),
    [user("staff").id, user("cssup").id],
    slow=("account.payment.register", "_create_payments"),
)
invoice.invalidate_recordset()
payments = env["account.payment"].search([("partner_id", "=", invoice.partner_id.id)])
result({
    "outcomes": outcomes,
    "payments": len(payments),
    "posted": payments.mapped("state"),
    "amount": sum(payments.mapped("amount")),
    "total": invoice.amount_total,
    "payment_state": invoice.payment_state,
    "residual": invoice.amount_residual,
})
""",
    )
    outcomes = res["outcomes"]
    assert len(outcomes) == 2 and outcomes[0] == "ok", res
    assert outcomes[1].startswith("refused: ") and "nothing left to pay" in outcomes[1], res
    assert res["payments"] == 1 and res["amount"] == res["total"] > 0, res
    assert res["payment_state"] in ("paid", "in_payment") and res["residual"] == 0, res
