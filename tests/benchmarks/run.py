#!/usr/bin/env python3
"""The benchmark suite of issue 9, end to end. Run from the repository root:

    make bench                      # everything, sizes 10k,100k,1M work orders
    make bench-small                # the CI mode: pytest tests/benchmarks (budgets, correctness)
    python3 tests/benchmarks/run.py --steps ops,scale --sizes 10000

Steps:
  ops          per-operation queries and ms per record, Hanling beside helpdesk_mgmt, repair,
               maintenance (installed in the database <prefix>_ops only)
  scale        for each size: a fresh database from a template with the three addons, the
               seeded generator, its time and the database size, then the scenarios of
               queries.py (medians, EXPLAIN)
  queries      the scenarios again on the scale databases kept by --keep (after VACUUM
               ANALYZE, with --random-page-cost if given)
  concurrency  the office's peak: a server with --workers (4) on the largest scale database
               (or --conc-db), --clients (50) users of every role mixing the day's operations
               (work orders, callbacks, complaints, counter fee payments with receipts, portal
               pages) for --seconds (300), then the proof: nothing lost or misnumbered
  install      install time of the four addons vs account alone, each on a fresh database,
               and the upgrade (-u) of the four addons on the database just installed
  upgrade      -u of the four addons on the largest scale database (kept by --keep): its time,
               the rows it wrote per table (pg_stat_user_tables) and, in a second run with the
               SQL log, the UPDATE/DELETE/ALTER/INSERT statements it sent to a big table
  fees         for each of --fee-units: the billing run of hanling_fees beside OCA contract's
               recurring invoicing of the same fees on the same units (fees.py; contract is
               installed in the database <prefix>_fees_<units> only), and a resident's portal
               bill list
  workers      the billing run of --worker-units generated units on a server with each of
               --fee-workers (1,2,4) workers and the job runner's channel as wide
               (fee_workers.py): invoices per second, the speed-up per added worker, memory
  bank         for each of --bank-lines: the import of a bank return file of that many lines
               (hanling_fees: payments posted and reconciled, one line in 50 rejected) beside
               Odoo's account.payment.register wizard paying the same invoices in batches
               (bank.py); lines per second and queries per line. --bank-db collects the
               open invoices of a billed database (the workers step's, kept) instead of
               generating payers; with --bank-import-workers the queries of the workers are
               counted by PostgreSQL's pg_stat_statements when the server loads it
Results: tests/benchmarks/results/<UTC time>.json (and .md tables on stdout).
Databases are named <prefix>_*, dropped and rebuilt by the run; --keep keeps the scale ones.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
ADDONS = "hanling_property,hanling_archive,hanling_errands,hanling_fees"
PEERS = "helpdesk_mgmt,repair,maintenance"


def log(msg):
    print(f"[{datetime.datetime.now(datetime.UTC):%H:%M:%S}] {msg}", flush=True)


def odoo_cmd(*args, command=None):
    return [
        sys.executable,
        "-m",
        "odoo",
        *([command] if command else []),
        "-c",
        os.path.join(ROOT, "odoo.conf"),
        *args,
    ]


def psql(sql, db="postgres"):
    return subprocess.run(
        ["psql", "-d", db, "-Atc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def install(db, modules, fresh=True):
    """Install modules in db (dropped first when fresh); returns the seconds it took."""
    if fresh:
        subprocess.run(["dropdb", "--if-exists", db], check=True)
    t0 = time.perf_counter()
    subprocess.run(
        odoo_cmd(
            "-d",
            db,
            "-i",
            modules,
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
            "--max-cron-threads=0",
        ),
        check=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - t0
    activate_en = 'env["res.lang"]._activate_lang("en_US"); env.cr.commit()\n'
    subprocess.run(
        odoo_cmd("-d", db, "--log-level=warn", command="shell"),
        input=activate_en,
        text=True,
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    return seconds


def close_db(db):
    """Drop this process's registry and connections of ``db`` (with_env keeps them)."""
    import odoo

    odoo.modules.registry.Registry.delete(db)
    odoo.sql_db.close_db(db)


def db_exists(db):
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"


_CONFIGURED = []


def with_env(db, fn):
    """Run fn(env) as superuser in db, in one transaction that fn commits or not."""
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    if not _CONFIGURED:
        os.chdir(ROOT)  # odoo.conf's addons_path is relative to the repository root
        odoo.tools.config.parse_config(["-c", os.path.join(ROOT, "odoo.conf"), "--log-level=warn"])
        _CONFIGURED.append(True)
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US", "tz": "Asia/Shanghai"})
        return fn(env)


def step_ops(args, results):
    import ops

    db = f"{args.prefix}_ops"
    if args.rebuild or not db_exists(db):
        log(f"installing {ADDONS},{PEERS} in {db}")
        install(db, f"{ADDONS},{PEERS}")

    def run(env):
        res, failures = ops.measure(env, n=args.ops_n)
        env.cr.rollback()
        return res, failures

    log(f"ops: {args.ops_n} records per operation")
    res, failures = with_env(db, run)
    results["ops"] = {"n": args.ops_n, "results": res, "failures": failures}
    print(ops.table(res))
    if failures:
        log(f"ops: WRONG RESULTS in {failures}")


def step_scale(args, results):
    import generate
    import queries

    template = f"{args.prefix}_base"
    if args.rebuild or not db_exists(template):
        log(f"installing {ADDONS} in the template {template}")
        install(template, ADDONS)
    results.setdefault("scale", {})
    for size in args.sizes:
        db = f"{args.prefix}_{size}"
        sizes = generate.scale(size)
        log(f"scale {size}: {sizes}")
        subprocess.run(["dropdb", "--if-exists", db], check=True)
        subprocess.run(["createdb", "-T", template, db], check=True)

        def gen(env, sizes=sizes):
            timings = generate.generate(env, sizes, seed=args.seed, log=log)
            env.cr.commit()
            problems = generate.verify(env)
            env.cr.rollback()
            return timings, problems

        timings, problems = with_env(db, gen)
        prepare_db(args, db)
        db_size = int(psql(f"SELECT pg_database_size('{db}')"))
        log(
            f"generated in {timings['total']:.0f} s, {db_size / 2**20:.0f} MiB, "
            f"{len(problems)} mismatches"
        )
        for p in problems[:20]:
            log(f"  MISMATCH {p}")

        def measure(env):
            res = queries.measure(env, repeats=args.repeats)
            env.cr.rollback()
            return res

        res = with_env(db, measure)
        for name, r in res.items():
            log(
                f"  {name}: median {r['median_ms']:.1f} ms, {r['queries']} queries, "
                f"seq scans: {r['seq_scans'] or 'none'}"
            )
        results["scale"][str(size)] = {
            "sizes": sizes,
            "generation_s": timings,
            "db_bytes": db_size,
            "verify_mismatches": problems,
            "queries": res,
        }
        if not args.keep and size != args.sizes[-1]:
            subprocess.run(["dropdb", "--if-exists", db], check=True)


def prepare_db(args, db):
    """What a running database has: autovacuum's visibility map (index-only scans), statistics,
    and the planner cost setting given on the command line (ALTER DATABASE: this database only).
    """
    log(f"VACUUM ANALYZE {db}")
    subprocess.run(["psql", "-q", "-d", db, "-c", "VACUUM ANALYZE"], check=True)
    value = args.random_page_cost if args.random_page_cost is not None else "DEFAULT"
    subprocess.run(
        ["psql", "-q", "-d", db, "-c", f"ALTER DATABASE {db} SET random_page_cost = {value}"],
        check=True,
    )


def step_queries(args, results):
    """The scenarios again on the scale databases already built (after prepare_db)."""
    import queries

    results.setdefault("scale", {})
    for size in args.sizes:
        db = f"{args.prefix}_{size}"
        if not db_exists(db):
            log(f"{db} missing: run the scale step (with --keep)")
            continue
        prepare_db(args, db)

        def measure(env):
            res = queries.measure(env, repeats=args.repeats)
            env.cr.rollback()
            return res

        res = with_env(db, measure)
        for name, r in res.items():
            log(
                f"  {size} {name}: median {r['median_ms']:.1f} ms, {r['queries']} queries, "
                f"seq scans: {r['seq_scans'] or 'none'}"
            )
        results["scale"][str(size)] = {
            "db_bytes": int(psql(f"SELECT pg_database_size('{db}')")),
            "random_page_cost": args.random_page_cost,
            "queries": res,
        }


def step_concurrency(args, results):
    """The office's peak (concurrency.py) on --conc-db, by default the largest scale database;
    with --conc-generate N, a database made here (from the template, or the one given) gets N
    generated work orders first when it has none."""
    import concurrency
    import generate

    db = args.conc_db or f"{args.prefix}_{args.sizes[-1]}"
    if not db_exists(db):
        if not args.conc_generate:
            log(f"concurrency needs {db}: run the scale step first (or --conc-generate)")
            return
        template = f"{args.prefix}_base"
        if args.rebuild or not db_exists(template):
            log(f"installing {ADDONS} in the template {template}")
            install(template, ADDONS)
        subprocess.run(["createdb", "-T", template, db], check=True)
    if (
        args.conc_generate
        and psql("SELECT count(*) FROM hanling_community WHERE code LIKE 'GEN%'", db) == "0"
    ):
        sizes = generate.scale(args.conc_generate, communities=args.conc_communities)
        log(f"concurrency: generating {sizes} in {db}")

        def gen(env):
            generate.generate(env, sizes, seed=args.seed, log=log)
            env.cr.commit()

        with_env(db, gen)
    log(f"concurrency on {db}: preparing {args.clients} users and their fee bills")
    plan = with_env(
        db,
        lambda env: concurrency.prepare(env, users=args.clients, seconds=args.seconds, log=log),
    )
    log(
        f"concurrency: {plan['roles']} for {args.seconds} s on {args.workers} workers "
        f"(port {args.port}, think time {args.think} s)"
    )
    results["concurrency"] = concurrency.run(
        db,
        plan,
        seconds=args.seconds,
        port=args.port,
        workers=args.workers,
        think=args.think,
        print_receipts=not args.no_receipt_pdf,
        log=log,
        root=ROOT,
    )
    log(json.dumps(results["concurrency"], ensure_ascii=False, default=str)[:4000])


def step_fees(args, results):
    """The billing run beside OCA contract on the same units. Hanling's run is performed in this
    process (its queries counted), or with ``--fee-bill-workers N`` by a server's N queue_job
    workers as in production (``fee_workers.run``); contract's cron then runs here, on the same
    database and units."""
    import fee_workers
    import fees

    template = f"{args.prefix}_base"
    if args.rebuild or not db_exists(template):
        log(f"installing {ADDONS} in the template {template}")
        install(template, ADDONS)
    results.setdefault("fees", {})
    for units in args.fee_units:
        db = f"{args.prefix}_fees_{units}"
        subprocess.run(["dropdb", "--if-exists", db], check=True)
        subprocess.run(["createdb", "-T", template, db], check=True)
        if not args.fee_without_contract:
            log(f"fees {units}: installing contract in {db}")
            install(db, "contract", fresh=False)

        def generate(env, units=units):
            data = fees.generate(env, units, log=log)
            env.cr.commit()
            log(f"  generated in {data['seconds']:.0f} s")
            return fees.data_ids(data)

        def bill_here(env, ids):
            run, hanling = fees.bill_hanling(env, fees.data_records(env, ids), args.fee_chunk)
            return dict(hanling, failed=run.failed_count, workers=0)

        def bill_with_workers(ids, units=units, db=db):
            close_db(db)  # the server's workers bill it

            def start(chunk_size):
                run_id = with_env(
                    db, lambda env: fee_workers.start_run(env, ids["community"], chunk_size)
                )
                close_db(db)
                return run_id

            figures = fee_workers.run(
                db,
                units,
                args.fee_bill_workers,
                start_run=start,
                chunk_size=args.fee_chunk,
                port=args.port,
                log=log,
                root=ROOT,
                timeout=args.worker_timeout,
            )
            return dict(figures, failed=figures["failed_payers"])

        def beside(env, ids, hanling, units=units):
            data = fees.data_records(env, ids)
            contract, setup_s = None, None
            if not args.fee_without_contract:
                contracts, setup_s = fees.setup_contract(env, data, log=log)
                env.cr.commit()
                _moves, contract = fees.bill_contract(env, contracts)
                log(f"  contract: {contract}")
            noise = max(0, args.portal_invoices - env["account.move"].search_count([]))
            noise_s = fees.portal_noise(env, data, invoices=noise, log=log) if noise else 0.0
            log(f"  portal noise: {noise} invoices by SQL in {noise_s:.0f} s")
            portal = fees.portal_bill_list(env, data)
            env.cr.rollback()
            log(f"  portal bill list: {portal}")
            return {
                "units": units,
                "generation_s": round(ids["seconds"], 1),
                "hanling_fees": hanling,
                "hanling_failed": hanling["failed"],
                "contract_setup_s": round(setup_s, 1) if setup_s is not None else None,
                "contract": contract,
                "ratio_invoices_per_s": round(
                    hanling["invoices_per_s"] / contract["posted"]["invoices_per_s"], 2
                )
                if contract
                else None,
                "portal_noise_invoices": noise,
                "portal_noise_s": round(noise_s, 1),
                "portal_bill_list": portal,
                "load_average": os.getloadavg(),
            }

        ids = with_env(db, generate)
        if args.fee_bill_workers:
            hanling = bill_with_workers(ids)
        else:
            hanling = with_env(db, lambda env, ids=ids: bill_here(env, ids))
        log(f"  hanling_fees: {hanling}")
        results["fees"][str(units)] = with_env(
            db, lambda env, ids=ids, hanling=hanling: beside(env, ids, hanling)
        )
        if not args.keep:
            close_db(db)  # this process's connections, else the database is in use
            subprocess.run(["dropdb", "--if-exists", db], check=True)


def step_workers(args, results):
    """The same billing run with each of --fee-workers queue_job workers (fee_workers.py), on
    copies of one database of --worker-units generated units."""
    import fee_workers
    import fees

    template = f"{args.prefix}_base"
    base = args.worker_db or f"{args.prefix}_workers_base"
    if not args.worker_db:
        if args.rebuild or not db_exists(template):
            log(f"installing {ADDONS} in the template {template}")
            install(template, ADDONS)
        subprocess.run(["dropdb", "--if-exists", base], check=True)
        subprocess.run(["createdb", "-T", template, base], check=True)

    def gen(env):
        data = fees.generate(env, args.worker_units, log=log)
        env.cr.commit()
        return data["community"].id

    community_id = with_env(base, gen)
    close_db(base)
    figures = results.setdefault("workers", {})
    for workers in args.fee_workers:
        db = f"{base}_{workers}"
        subprocess.run(["dropdb", "--if-exists", db], check=True)
        subprocess.run(["createdb", "-T", base, db], check=True)

        def start(chunk_size, db=db):
            run_id = with_env(db, lambda env: fee_workers.start_run(env, community_id, chunk_size))
            close_db(db)
            return run_id

        figures[str(workers)] = fee_workers.run(
            db,
            args.worker_units,
            workers,
            start_run=start,
            chunk_size=args.worker_chunk,
            port=args.port,
            log=log,
            root=ROOT,
            timeout=args.worker_timeout,
        )
        one = figures.get(str(args.fee_workers[0]), {}).get("invoices_per_s")
        if one:
            figures[str(workers)]["speed_up"] = round(
                figures[str(workers)]["invoices_per_s"] / one, 2
            )
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", db], check=True)
    if not args.keep and not args.worker_db:
        subprocess.run(["dropdb", "--if-exists", base], check=True)
    log(json.dumps(figures, default=str))


def step_bank(args, results):
    import bank

    template = args.bank_db or f"{args.prefix}_base"
    if args.bank_db:
        if not db_exists(template):
            raise SystemExit(f"--bank-db {template}: no such database")
    elif args.rebuild or not db_exists(template):
        log(f"installing {ADDONS} in the template {template}")
        install(template, ADDONS)
    results.setdefault("bank", {})
    for lines in args.bank_lines:
        db = f"{args.prefix}_bank_{lines}"
        subprocess.run(["dropdb", "--if-exists", db], check=True)
        subprocess.run(["createdb", "-T", template, db], check=True)
        if args.bank_db:
            log(f"  {db}: a copy of {template}, upgraded to this code")
            upgrade(db, ADDONS)

        def import_with_workers(batch_id, content, lines=lines, db=db):
            """The import request made in a process of its own, its payments posted by a
            server's ``--bank-import-workers`` queue_job workers (``fee_workers.bank_import``)."""
            import fee_workers

            def start():
                def request(env):
                    batch = env["hanling.fee.bank.batch"].browse(batch_id)
                    record, seconds, queries = bank.import_request(env, batch, content)
                    return record.id, seconds, queries

                return with_env(db, request)

            return fee_workers.bank_import(
                db,
                lines + 1,  # the file's lines: one matching no batch line
                args.bank_import_workers,
                start_import=start,
                port=args.port,
                log=log,
                root=ROOT,
                timeout=args.worker_timeout,
            )

        def bench(env, lines=lines):
            if args.bank_db:
                data = bank.from_billed(env, lines, log=log)
            else:
                data = bank.generate(env, lines, log=log)
            batch = bank.make_batch(env, data)
            if args.bank_collect_chunk:
                env["ir.config_parameter"].set_param(
                    "hanling_fees.bank_collect_chunk", str(args.bank_collect_chunk)
                )
            env.cr.commit()
            log(f"  generated in {data['seconds']:.0f} s")
            content, rejected = bank.return_file(env, batch)
            refused = set(rejected)
            collected = batch.line_ids.filtered(lambda line: line.reference not in refused)
            invoices = collected.invoice_ids
            if args.bank_wizard_lines:
                invoices = invoices[: args.bank_wizard_lines]
            wizard, states = bank.register_wizard(env, data, invoices, args.bank_wizard_batch)
            log(f"  account.payment.register: {wizard}, invoices {sorted(states)}")
            if args.bank_import_workers:
                env.cr.commit()  # this transaction's snapshot ends: it reads the import after
                hanling = import_with_workers(batch.id, content)
                env.cr.commit()
                env.invalidate_all()
                record = batch.return_ids[:1]
            else:
                record, hanling = bank.import_hanling(env, batch, content)
            log(
                f"  hanling_fees return import: {hanling}, {record.collected_count} collected, "
                f"{record.rejected_count} rejected, {record.unknown_count} not matched"
            )
            env.cr.execute(
                """
                SELECT count(*) FILTER (WHERE move.payment_state IN ('paid', 'in_payment')),
                       count(*)
                  FROM hanling_fee_bank_batch_line line
                  JOIN hanling_fee_bank_line_invoice_rel rel ON rel.line_id = line.id
                  JOIN account_move move ON move.id = rel.move_id
                 WHERE line.batch_id = %s AND line.state = 'collected'
                """,
                [batch.id],
            )
            paid, collected_invoices = env.cr.fetchone()
            return {
                "lines": lines,
                "generation_s": round(data["seconds"], 1),
                "hanling_fees": hanling,
                "collected": record.collected_count,
                "rejected": record.rejected_count,
                "unknown": record.unknown_count,
                "collected_invoices_paid": [paid, collected_invoices],
                "account_payment_register": wizard,
                "wizard_batch": args.bank_wizard_batch,
                "ratio_lines_per_s": round(hanling["lines_per_s"] / wizard["lines_per_s"], 2),
                "load_average": os.getloadavg(),
            }

        results["bank"][str(lines)] = with_env(db, bench)
        if not args.keep:
            close_db(db)  # the registry's pooled connections, or dropdb is refused
            subprocess.run(["dropdb", "--if-exists", db], check=True)


def step_install(args, results):
    out = {}
    for label, modules in [("account alone", "account"), ("three Hanling addons", ADDONS)]:
        db = f"{args.prefix}_install"
        log(f"install {modules} on a fresh database")
        out[label] = install(db, modules)
        log(f"  {out[label]:.0f} s")
        if modules == ADDONS:
            # Issue 19: the upgrade of the four addons on the database just installed.
            up = upgrade(db, ADDONS)
            out["upgrade on the empty database"] = up
            log(
                f"  upgrade: {up['seconds']:.0f} s, big tables written: {up['big_tables'] or 'none'}"
            )
        subprocess.run(["dropdb", "--if-exists", db], check=True)
    out["ratio"] = out["three Hanling addons"] / out["account alone"]
    results["install"] = out


def step_upgrade(args, results):
    """Issue 19: `-u` of the four addons on the largest scale database (1,000,000 work orders,
    100,000 units): its time, and what it wrote to the big tables. An upgrade must not rewrite
    them without need: the rows written per table come from PostgreSQL's statistics
    (pg_stat_user_tables) before and after, and a second upgrade with the SQL log lists the
    UPDATE/DELETE/ALTER statements it sent to a big table."""
    db = f"{args.prefix}_{args.sizes[-1]}"
    if not db_exists(db):
        log(f"upgrade needs {db}: run the scale step first (with --keep)")
        return
    log(f"upgrade {ADDONS} on {db}")
    up = upgrade(db, ADDONS)
    log(f"  {up['seconds']:.0f} s, rows written: {up['writes'] or 'none'}")
    logged = upgrade(db, ADDONS, sql_log=True)
    log(
        f"  with the SQL log: {logged['seconds']:.0f} s, statements on big tables: "
        f"{logged['statements'] or 'none'}"
    )
    up["statements"] = logged["statements"]
    up["statement_samples"] = logged["statement_samples"]
    up["seconds_with_sql_log"] = logged["seconds"]
    results.setdefault("upgrade", {})[str(args.sizes[-1])] = up


def table_writes(db):
    """{table: rows inserted + updated + deleted so far} from PostgreSQL's statistics."""
    out = psql("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables", db=db)
    return {t: int(n) for t, n in (line.split("|") for line in out.splitlines() if line)}


def upgrade(db, modules, sql_log=False):
    """`-u modules` on db; {"seconds", "writes": {table: rows written, tables with more than
    100}, "big_tables": the big ones among them, "statements": {big table: writing statements
    in the SQL log} (sql_log only)}."""
    import re

    import queries

    before = table_writes(db)
    logfile = f"/tmp/{db}_upgrade_sql.log"
    extra = [f"--logfile={logfile}", "--log-sql"] if sql_log else ["--log-level=warn"]
    t0 = time.perf_counter()
    subprocess.run(
        odoo_cmd("-d", db, "-u", modules, "--stop-after-init", "--max-cron-threads=0", *extra),
        check=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - t0
    time.sleep(2)  # the backends' statistics are flushed when they end
    after = table_writes(db)
    writes = {t: n - before.get(t, 0) for t, n in after.items() if n - before.get(t, 0) > 100}
    out = {
        "seconds": round(seconds, 1),
        "writes": writes,
        "big_tables": {t: n for t, n in writes.items() if t in queries.BIG_TABLES},
    }
    if sql_log:
        statements, samples = {}, {}
        tables = "|".join(queries.BIG_TABLES)
        pattern = re.compile(
            r"\b(UPDATE|DELETE FROM|ALTER TABLE|INSERT INTO)\s+\"?(" + tables + r")\"?[\s(]"
        )
        with open(logfile, encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
        for i, line in enumerate(lines):
            m = pattern.search(line)
            if m:
                key = f"{m.group(1)} {m.group(2)}"
                statements[key] = statements.get(key, 0) + 1
                # The statement runs on until the next log record (a line with its date).
                rest = [line[m.start() :]]
                for more in lines[i + 1 : i + 8]:
                    if re.match(r"\d{4}-\d\d-\d\d ", more):
                        break
                    rest.append(more)
                samples.setdefault(key, " ".join(x.strip() for x in rest)[:400])
        out["statements"] = statements
        out["statement_samples"] = samples
        os.remove(logfile)
    return out


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", default="ops,scale,concurrency,upgrade,install,fees,bank")
    parser.add_argument(
        "--sizes",
        default="10000,100000,1000000",
        help="work orders per scale database (the rest in proportion)",
    )
    parser.add_argument("--prefix", default=os.environ.get("BENCH_DB_PREFIX", "hl_bench"))
    parser.add_argument("--ops-n", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--clients", type=int, default=50, help="concurrency: simulated users (every role)"
    )
    parser.add_argument("--seconds", type=int, default=300, help="concurrency: run time")
    parser.add_argument(
        "--port", type=int, default=8079, help="concurrency: the server's HTTP port"
    )
    parser.add_argument("--workers", type=int, default=4, help="concurrency: server workers")
    parser.add_argument(
        "--think", type=float, default=1.0, help="concurrency: mean think time per user (s)"
    )
    parser.add_argument(
        "--no-receipt-pdf", action="store_true", help="concurrency: do not print receipts"
    )
    parser.add_argument("--conc-db", help="concurrency: the database (default: largest scale)")
    parser.add_argument(
        "--conc-generate",
        type=int,
        default=0,
        help="concurrency: generate this many work orders first if the database has none",
    )
    parser.add_argument("--conc-communities", type=int, default=20)
    parser.add_argument("--rebuild", action="store_true", help="reinstall the template databases")
    parser.add_argument(
        "--random-page-cost",
        type=float,
        default=None,
        help="planner setting for the scale databases (e.g. 1.1 for SSD or a cached database); "
        "default: the server's",
    )
    parser.add_argument("--fee-units", default="10000,100000", help="units of the fees step")
    parser.add_argument(
        "--fee-workers", default="1,2,4", help="workers: the queue_job worker counts to compare"
    )
    parser.add_argument("--worker-units", type=int, default=4000, help="workers: units billed")
    parser.add_argument("--worker-chunk", type=int, default=250, help="workers: units per job")
    parser.add_argument(
        "--worker-timeout", type=int, default=7200, help="workers: seconds to wait for a run"
    )
    parser.add_argument(
        "--worker-db",
        help="workers: generate the units in this database (a copy, not in use) instead of a "
        "copy of the template; each worker count bills a copy of it",
    )
    parser.add_argument("--fee-chunk", type=int, default=500, help="units per billing job")
    parser.add_argument(
        "--fee-bill-workers",
        type=int,
        default=0,
        help="fees: bill with a server of N queue_job workers (the port of --port) instead of "
        "in this process (0)",
    )
    parser.add_argument(
        "--fee-without-contract",
        action="store_true",
        help="the billing run alone, without OCA contract beside it (sizes where contract "
        "would take hours)",
    )
    parser.add_argument(
        "--portal-invoices",
        type=int,
        default=1_000_000,
        help="invoices in the database when the portal bill list is read (the missing ones "
        "are written by SQL after the billing runs)",
    )
    parser.add_argument("--bank-lines", default="100000", help="lines of the bank step's file")
    parser.add_argument(
        "--bank-wizard-lines",
        type=int,
        default=0,
        help="pay only the first N collected invoices with the wizard (0: all of them)",
    )
    parser.add_argument(
        "--bank-db",
        help="bank: copy this billed database (the workers step's, kept with --keep; "
        "upgraded to the current code first) and collect its open fee invoices, instead of "
        "generating payers and invoices",
    )
    parser.add_argument("--bank-wizard-batch", type=int, default=1000, help="invoices per wizard")
    parser.add_argument(
        "--bank-collect-chunk",
        type=int,
        default=0,
        help="bank: collected lines per payment job (hanling_fees.bank_collect_chunk; 0: the "
        "product's 500)",
    )
    parser.add_argument(
        "--bank-import-workers",
        type=int,
        default=0,
        help="bank: post the return file's payments with a server of N queue_job workers (the "
        "port of --port) instead of in this process (0)",
    )
    parser.add_argument("--keep", action="store_true", help="keep every scale database")
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    args.fee_units = [int(s) for s in args.fee_units.split(",")]
    args.bank_lines = [int(s) for s in args.bank_lines.split(",")]
    args.fee_workers = [int(s) for s in args.fee_workers.split(",")]
    os.environ.setdefault("PGHOST", "/var/run/postgresql")
    results = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "args": dict(vars(args)),
    }
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"{results['date'].replace(':', '')}.json")
    steps = {
        "ops": step_ops,
        "queries": step_queries,
        "scale": step_scale,
        "concurrency": step_concurrency,
        "install": step_install,
        "upgrade": step_upgrade,
        "fees": step_fees,
        "bank": step_bank,
        "workers": step_workers,
    }
    for name in args.steps.split(","):
        steps[name](args, results)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1, default=str, ensure_ascii=False)
    log(f"results in {path}")


def machine():
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kb / 2**20, 1),
        "postgresql": psql("SHOW server_version"),
        "python": sys.version.split()[0],
    }


if __name__ == "__main__":
    main()
