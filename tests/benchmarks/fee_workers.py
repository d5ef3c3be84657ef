"""The billing run spread over queue_job workers (issue 19 item 1): the same run with 1, 2 and 4.

For each worker count a server is started with ``--workers N`` and the job runner's channel
``root:N`` (``ODOO_QUEUE_JOB_CHANNELS``), on a database of its own with the same generated
units (``fees.generate``). The run is created and started here (its chunks queued as jobs,
committed); the runner hands them to the server's workers over HTTP, as in production. The
clock runs from that commit to the run's last chunk (its ``date_done``); the workers' resident
memory is sampled while it runs. Run by ``run.py --steps workers``.
"""

import os
import signal
import subprocess
import time

import psycopg2
from concurrency import _wait_port, start_server
from fees import PERIOD


def _children_rss_mb(pid):
    """Resident memory (MiB) of each process of the server's session but the server itself."""
    sizes = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == pid:
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            if int(fields[3]) != pid:  # the parent's pid
                continue
            with open(f"/proc/{entry}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        sizes.append(round(int(line.split()[1]) / 1024))
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    return sizes


def run(db, data_units, workers, *, start_run, chunk_size, port, log=print, root=".", timeout=7200):
    """Bill the generated units of ``db`` with ``workers`` workers; return the figures.

    ``start_run(chunk_size)`` creates and starts the run in ``db`` and commits; returns its id.
    """
    logpath = os.path.join("/tmp", f"{db}_server.log")
    env = dict(os.environ, ODOO_QUEUE_JOB_CHANNELS=f"root:{workers}")
    with open(logpath, "w") as logfile:
        server = start_server(
            db,
            workers=workers,
            port=port,
            root=root,
            logfile=logfile,
            limit_time=3600,
            env=env,
        )
    conn = None
    try:
        if not _wait_port(port):
            raise RuntimeError(f"the server on {db} did not start: {logpath}")
        time.sleep(3)  # the job runner connects after the HTTP port opens
        run_id = start_run(chunk_size)
        t0 = time.perf_counter()
        conn = psycopg2.connect(
            f"dbname={db} host={os.environ.get('PGHOST', '/var/run/postgresql')}"
        )
        conn.autocommit = True
        cur = conn.cursor()
        peak = {}
        state = None
        while time.perf_counter() - t0 < timeout:
            for index, size in enumerate(sorted(_children_rss_mb(server.pid), reverse=True)):
                peak[index] = max(peak.get(index, 0), size)
            cur.execute(
                "SELECT state, (SELECT count(*) FROM hanling_fee_run_chunk c "
                "WHERE c.run_id = r.id AND c.state = 'done'), chunk_count, invoice_count, "
                "failed_count FROM hanling_fee_run r WHERE id = %s",
                [run_id],
            )
            state, done, chunks, invoices, failed = cur.fetchone()
            cur.execute(
                "SELECT count(*) FROM queue_job WHERE state = 'failed' "
                "AND method_name IN ('_job_bill_chunk', '_job_finish')"
            )
            (failed_jobs,) = cur.fetchone()
            if state == "done" or failed_jobs:
                break
            time.sleep(1)
        seconds = time.perf_counter() - t0
        cur.execute(
            "SELECT count(*), count(DISTINCT name) FROM account_move "
            "WHERE move_type = 'out_invoice' AND state = 'posted'"
        )
        posted, numbers = cur.fetchone()
        # queue_job counts the first attempt as a try: retried jobs have more than one.
        cur.execute(
            "SELECT count(*) FROM queue_job WHERE method_name = '_job_bill_chunk' AND retry > 1"
        )
        (retried,) = cur.fetchone()
        # The run's bills: one line per unit and fee, and the invoices' numbers without gap
        # in their journal's sequence (chunks posted side by side by several workers).
        cur.execute(
            "SELECT count(*), count(DISTINCT (unit_id, fee_type_id)) FROM hanling_fee_bill_line "
            "WHERE run_id = %s",
            [run_id],
        )
        bill_lines, distinct_bills = cur.fetchone()
        cur.execute(
            """
            SELECT COALESCE(sum(max_n - min_n + 1 - n), 0)
              FROM (SELECT max(m.sequence_number) AS max_n, min(m.sequence_number) AS min_n,
                           count(*) AS n
                      FROM account_move m
                     WHERE m.id IN (SELECT move_id FROM hanling_fee_bill_line WHERE run_id = %s)
                     GROUP BY m.journal_id, m.sequence_prefix) AS numbers
            """,
            [run_id],
        )
        (number_gaps,) = cur.fetchone()
        log(
            f"  workers {workers}: {state}, {done}/{chunks} chunks, {invoices} invoices in "
            f"{seconds:.0f} s, {failed_jobs} failed jobs, {retried} retried"
        )
        return {
            "workers": workers,
            "units": data_units,
            "chunk_size": chunk_size,
            "state": state,
            "chunks": chunks,
            "invoices": invoices,
            "failed_payers": failed,
            "failed_jobs": failed_jobs,
            "retried_jobs": retried,
            "posted_invoices": posted,
            "distinct_numbers": numbers,
            "bill_lines": bill_lines,
            "distinct_unit_fees": distinct_bills,
            "number_gaps": int(number_gaps),
            "seconds": round(seconds, 1),
            "invoices_per_s": round(invoices / seconds, 1) if seconds else None,
            # The largest processes of the server's session: its workers and the job runner.
            "worker_peak_rss_mb": [peak[i] for i in sorted(peak)][: workers + 1],
            "load_average": os.getloadavg(),
        }
    finally:
        if conn is not None:
            conn.close()
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)


def start_run(env, community_id, chunk_size):
    """The billing run of ``PERIOD`` for the generated community, started (jobs queued)."""
    run_record = env["hanling.fee.run"].create(
        {
            "period_start": PERIOD,
            "community_ids": [(6, 0, [community_id])],
            "chunk_size": chunk_size,
        }
    )
    run_record.action_start()
    env.cr.commit()
    return run_record.id
