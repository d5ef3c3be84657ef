"""The billing run spread over queue_job workers (issue 19 item 1): the same run with 1, 2 and 4.

For each worker count a server is started with ``--workers N`` and the job runner's channel
``root:N`` (``ODOO_QUEUE_JOB_CHANNELS``), on a database of its own with the same generated
units (``fees.generate``). The run is created and started here (its chunks queued as jobs,
committed); the runner hands them to the server's workers over HTTP, as in production. The
clock runs from that commit to the run's last chunk (its ``date_done``); the workers' resident
memory is sampled while it runs. Run by ``run.py --steps workers``.
"""

import contextlib
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


@contextlib.contextmanager
def serving(db, workers, *, port, root="."):
    """A server of ``workers`` HTTP workers on ``db`` with the job runner's channel
    ``root:<workers>``, stopped (its whole session) on leaving; yields it once its port is
    open and its runner connected."""
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
    try:
        if not _wait_port(port):
            raise RuntimeError(f"the server on {db} did not start: {logpath}")
        time.sleep(3)  # the job runner connects after the HTTP port opens
        yield server
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)


def connect(db):
    conn = psycopg2.connect(f"dbname={db} host={os.environ.get('PGHOST', '/var/run/postgresql')}")
    conn.autocommit = True
    return conn


def statements(cur):
    """The statements run so far on the cursor's database by every process (the import
    request's and the workers'), as PostgreSQL's pg_stat_statements counts them, and how many
    of its entries it evicted (a count is short when it did); (None, None) when the server does
    not load the extension (``shared_preload_libraries``). Utility statements (BEGIN, COMMIT,
    SAVEPOINT) are counted only with ``pg_stat_statements.track_utility``."""
    try:
        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        cur.execute(
            "SELECT COALESCE(sum(calls), 0) FROM pg_stat_statements "
            "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        (calls,) = cur.fetchone()
        cur.execute("SELECT dealloc FROM pg_stat_statements_info")
        (evicted,) = cur.fetchone()
    except psycopg2.Error:
        return None, None
    return int(calls), int(evicted)


def _failed_jobs(cur, methods):
    """How many jobs of these methods failed (queue_job gave up on them)."""
    cur.execute(
        "SELECT count(*) FROM queue_job WHERE state = 'failed' AND method_name IN %s",
        [tuple(methods)],
    )
    return cur.fetchone()[0]


def wait(server, cur, finished, timeout):
    """Poll ``finished(cur)`` every second until it is true or ``timeout`` seconds passed,
    sampling the memory of the server's processes; returns (seconds, peak RSS per process,
    largest first)."""
    t0 = time.perf_counter()
    peak = {}
    while time.perf_counter() - t0 < timeout:
        for index, size in enumerate(sorted(_children_rss_mb(server.pid), reverse=True)):
            peak[index] = max(peak.get(index, 0), size)
        if finished(cur):
            break
        time.sleep(1)
    return time.perf_counter() - t0, [peak[i] for i in sorted(peak)]


def run(db, data_units, workers, *, start_run, chunk_size, port, log=print, root=".", timeout=7200):
    """Bill the generated units of ``db`` with ``workers`` workers; return the figures.

    ``start_run(chunk_size)`` creates and starts the run in ``db`` and commits; returns its id.
    """
    with (
        serving(db, workers, port=port, root=root) as server,
        contextlib.closing(connect(db)) as conn,
    ):
        run_id = start_run(chunk_size)
        cur = conn.cursor()
        status = {}

        def finished(cur):
            cur.execute(
                "SELECT state, (SELECT count(*) FROM hanling_fee_run_chunk c "
                "WHERE c.run_id = r.id AND c.state = 'done'), chunk_count, invoice_count, "
                "failed_count FROM hanling_fee_run r WHERE id = %s",
                [run_id],
            )
            keys = ("state", "done", "chunks", "invoices", "failed")
            status.update(zip(keys, cur.fetchone(), strict=True))
            status["failed_jobs"] = _failed_jobs(cur, ("_job_bill_chunk", "_job_finish"))
            return status["state"] == "done" or status["failed_jobs"]

        seconds, peak = wait(server, cur, finished, timeout)
        state, done, chunks, invoices, failed, failed_jobs = (
            status[key] for key in ("state", "done", "chunks", "invoices", "failed", "failed_jobs")
        )
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
            "worker_peak_rss_mb": peak[: workers + 1],
            "load_average": os.getloadavg(),
        }


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


def bank_import(db, lines, workers, *, start_import, port, log=print, root=".", timeout=7200):
    """Import the bank's return file of ``db`` and have a server's ``workers`` queue_job
    workers post its payments (the parts of ``COLLECT_CHUNK`` lines, side by side); return the
    figures, from the import request to the import's last job.

    ``start_import()`` makes the accountant's import request in ``db`` and commits; returns
    (the import's id, the request's seconds, its queries).
    """
    with (
        serving(db, workers, port=port, root=root) as server,
        contextlib.closing(connect(db)) as conn,
    ):
        cur = conn.cursor()
        calls_before, evicted_before = statements(cur)
        return_id, request_s, request_queries = start_import()
        status = {"polls": 0}

        def finished(cur):
            status["polls"] += 1
            cur.execute("SELECT state FROM hanling_fee_bank_return WHERE id = %s", [return_id])
            (status["state"],) = cur.fetchone()
            status["failed_jobs"] = _failed_jobs(cur, ("_job_collect", "_job_collect_done"))
            return status["state"] == "done" or status["failed_jobs"]

        seconds, peak = wait(server, cur, finished, timeout)
        calls_after, evicted_after = statements(cur)
        queries_per_line = None
        if calls_before is not None and evicted_after == evicted_before and lines:
            # Less this benchmark's own: two queries a poll, one of the count's.
            calls = calls_after - calls_before - 2 * status["polls"] - 1
            queries_per_line = round(calls / lines, 2)
        cur.execute(
            "SELECT count(*), count(*) FILTER (WHERE retry > 1) FROM queue_job "
            "WHERE method_name = '_job_collect'"
        )
        jobs, retried = cur.fetchone()
        # The payments of the collected lines: posted, each with its own number, no gap in
        # the bank journal's sequence although parts post side by side; their bills paid.
        cur.execute(
            """
            SELECT count(*), count(DISTINCT move.name),
                   count(*) FILTER (WHERE move.state = 'posted')
              FROM hanling_fee_bank_batch_line line
              JOIN account_payment payment ON payment.id = line.payment_id
              JOIN account_move move ON move.id = payment.move_id
             WHERE line.return_id = %s AND line.state = 'collected'
            """,
            [return_id],
        )
        payments, numbers, posted = cur.fetchone()
        cur.execute(
            """
            SELECT COALESCE(sum(max_n - min_n + 1 - n), 0)
              FROM (SELECT max(move.sequence_number) AS max_n,
                           min(move.sequence_number) AS min_n, count(*) AS n
                      FROM hanling_fee_bank_batch_line line
                      JOIN account_payment payment ON payment.id = line.payment_id
                      JOIN account_move move ON move.id = payment.move_id
                     WHERE line.return_id = %s
                     GROUP BY move.journal_id, move.sequence_prefix) AS numbers
            """,
            [return_id],
        )
        (number_gaps,) = cur.fetchone()
        cur.execute(
            """
            SELECT count(*) FILTER (WHERE move.payment_state IN ('paid', 'in_payment')), count(*)
              FROM hanling_fee_bank_batch_line line
              JOIN hanling_fee_bank_line_invoice_rel rel ON rel.line_id = line.id
              JOIN account_move move ON move.id = rel.move_id
             WHERE line.return_id = %s AND line.state = 'collected'
            """,
            [return_id],
        )
        paid, invoices = cur.fetchone()
        total = request_s + seconds
        log(
            f"  bank import on {workers} workers: {status['state']}, {payments} payments in "
            f"{total:.0f} s ({request_s:.0f} s the request), {jobs} parts, "
            f"{status['failed_jobs']} failed, {retried} retried"
        )
        return {
            "workers": workers,
            "lines": lines,
            "state": status["state"],
            "request_s": round(request_s, 1),
            "request_queries_per_line": round(request_queries / lines, 2) if lines else None,
            # Of every process, the workers' included (pg_stat_statements; None without it).
            "queries_per_line": queries_per_line,
            "jobs_s": round(seconds, 1),
            "seconds": round(total, 1),
            "lines_per_s": round(lines / total, 1) if total else None,
            "parts": jobs,
            "failed_jobs": status["failed_jobs"],
            "retried_jobs": retried,
            "payments": payments,
            "posted_payments": posted,
            "distinct_numbers": numbers,
            "number_gaps": int(number_gaps),
            "collected_invoices_paid": [paid, invoices],
            "worker_peak_rss_mb": peak[: workers + 1],
            "load_average": os.getloadavg(),
        }
