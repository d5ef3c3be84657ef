"""The billing run of hanling_fees beside OCA ``contract``'s recurring invoicing (issue 16).

The same units and fees for both: every unit pays 物业管理费 (floor area × 2.50 per m² and month),
停车费 (one space, 300) and 垃圾清运费 (a fixed 15), each unit its own payer. Hanling bills them
with a billing run whose queue_job chunks are performed here one after the other (as one job
runner channel would); ``contract`` gets one contract per payer with the same three lines and
bills them with its cron (``cron_recurring_create_invoice``), whose invoices are drafts: they
are posted after, and both figures are reported. Queries are counted by the cursor
(``sql_log_count``), time by the wall clock. Run by ``run.py --steps fees``.
"""

import base64
import time
from datetime import date

PERIOD = date(2026, 11, 1)
RATES = {"area": 2.5, "parking": 300.0, "unit": 15.0}


def generate(env, units, code="FEEB", log=print, batch=2000):
    """A community of ``units`` units with their three fee subscriptions; returns its records."""
    t0 = time.perf_counter()
    community = env["hanling.community"].create({"name": f"计费基准小区 {code}", "code": code})
    buildings = env["hanling.building"].create(
        [
            {"name": f"{b + 1}栋", "code": f"{code}{b + 1:03d}", "community_id": community.id}
            for b in range(-(-units // 200))
        ]
    )
    filing = env["ir.attachment"].create(
        {
            "name": "备案.txt",
            "datas": base64.b64encode("物业服务收费备案".encode()),
            "mimetype": "text/plain",
        }
    )
    fee_types = env["hanling.fee.type"].create(
        [
            {"name": "物业管理费", "community_id": community.id, "kind": "area"},
            {
                "name": "停车费",
                "community_id": community.id,
                "kind": "parking",
                "subscribe_on_move_in": False,
            },
            {
                "name": "垃圾清运费",
                "community_id": community.id,
                "kind": "unit",
                "subscribe_on_move_in": False,
            },
        ]
    )
    for fee_type in fee_types:
        env["hanling.fee.tariff"].create(
            {
                "fee_type_id": fee_type.id,
                "rate": RATES[fee_type.kind],
                "date_start": date(2020, 1, 1),
                "document_ids": [(6, 0, filing.ids)],
            }
        )
    made = env["hanling.unit"]
    partners = env["res.partner"]
    for start in range(0, units, batch):
        count = min(batch, units - start)
        chunk = env["hanling.unit"].create(
            [
                {
                    "building_id": buildings[(start + i) // 200 % len(buildings)].id,
                    "floor": 1 + (start + i) % 200 // 8,
                    "room": f"{1 + (start + i) % 200 // 8}{(start + i) % 8 + 1:02d}",
                    "floor_area": 60.0 + (start + i) % 91,
                }
                for i in range(count)
            ]
        )
        payers = env["res.partner"].create(
            [{"name": f"业主{code}{start + i:06d}"} for i in range(count)]
        )
        env["hanling.fee.subscription"].create(
            [
                {
                    "unit_id": unit.id,
                    "fee_type_id": fee_type.id,
                    "partner_id": payer.id,
                    "date_start": date(2020, 1, 1),
                    "quantity": 1,
                }
                for unit, payer in zip(chunk, payers, strict=True)
                for fee_type in fee_types
            ]
        )
        env.flush_all()
        env.invalidate_all()
        made |= chunk
        partners |= payers
        log(f"  fees: {start + count} units generated")
    # Statistics of the tables just filled: billing at once after the generation (before
    # autovacuum has analysed them) once left Odoo's payment-state query of the new invoices
    # running for more than 15 minutes on 1,000 units, a plan made for empty tables.
    env.cr.execute("ANALYZE")
    return {
        "community": community,
        "units": made,
        "partners": partners,
        "fee_types": fee_types,
        "seconds": time.perf_counter() - t0,
    }


def data_ids(data):
    """The generated records of ``generate`` as ids (to cross a transaction or a process)."""
    return {
        key: value.ids if key != "community" else value.id
        for key, value in data.items()
        if key != "seconds"
    } | {"seconds": data["seconds"]}


def data_records(env, ids):
    """``data_ids`` back to records of ``env``."""
    models = {
        "community": "hanling.community",
        "units": "hanling.unit",
        "partners": "res.partner",
        "fee_types": "hanling.fee.type",
    }
    return {key: env[model].browse(ids[key]) for key, model in models.items()} | {
        "seconds": ids["seconds"]
    }


def bill_hanling(env, data, chunk_size=500, commit=True):
    """A billing run of ``PERIOD``, its jobs performed one after the other."""
    cr = env.cr
    q0, t0 = cr.sql_log_count, time.perf_counter()
    run = env["hanling.fee.run"].create(
        {
            "period_start": PERIOD,
            "community_ids": [(6, 0, data["community"].ids)],
            "chunk_size": chunk_size,
        }
    )
    run.action_start()
    run._perform_pending_jobs(commit=commit)
    seconds, queries = time.perf_counter() - t0, cr.sql_log_count - q0
    run.invalidate_recordset()
    return run, _figures(run.invoice_count, seconds, queries)


def setup_contract(env, data, log=print, batch=2000):
    """One OCA contract per payer with the same three lines, monthly, billed in advance."""
    t0 = time.perf_counter()
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", env.company.id)], limit=1
    )
    products = {fee_type.kind: fee_type.product_id for fee_type in data["fee_types"]}
    contracts = env["contract.contract"]
    pairs = list(zip(data["units"], data["partners"], strict=True))
    for start in range(0, len(pairs), batch):
        contracts |= env["contract.contract"].create(
            [
                {
                    "name": f"物业服务合同 {unit.display_name}",
                    "partner_id": payer.id,
                    "contract_type": "sale",
                    "journal_id": journal.id,
                    "recurring_rule_type": "monthly",
                    "recurring_interval": 1,
                    "recurring_invoicing_type": "pre-paid",
                    "date_start": PERIOD,
                    "recurring_next_date": PERIOD,
                    "contract_line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": products[kind].id,
                                "name": f"{products[kind].name} {unit.display_name}",
                                "quantity": quantity,
                                "price_unit": RATES[kind],
                                "date_start": PERIOD,
                                "recurring_next_date": PERIOD,
                            },
                        )
                        for kind, quantity in (
                            ("area", unit.floor_area),
                            ("parking", 1),
                            ("unit", 1),
                        )
                    ],
                }
                for unit, payer in pairs[start : start + batch]
            ]
        )
        env.flush_all()
        env.invalidate_all()
        log(f"  contract: {min(start + batch, len(pairs))} contracts")
    return contracts, time.perf_counter() - t0


def bill_contract(env, contracts, commit=True):
    """contract's cron for ``PERIOD``: its invoices (drafts), then posted."""
    cr = env.cr
    last = env["account.move"].search([], order="id desc", limit=1).id
    q0, t0 = cr.sql_log_count, time.perf_counter()
    env["contract.contract"].cron_recurring_create_invoice(PERIOD)
    env.flush_all()
    created_s, created_q = time.perf_counter() - t0, cr.sql_log_count - q0
    moves = env["account.move"].search([("id", ">", last), ("move_type", "=", "out_invoice")])
    moves.filtered(lambda m: m.state == "draft")._post()
    env.flush_all()
    if commit:
        cr.commit()
    seconds, queries = time.perf_counter() - t0, cr.sql_log_count - q0
    return moves, {
        "created": _figures(len(moves), created_s, created_q),
        "posted": _figures(len(moves), seconds, queries),
    }


def _columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "ORDER BY ordinal_position",
        [table],
    )
    return [name for (name,) in cr.fetchall()]


def _copy_rows(cr, table, source, overrides, series, params, extra_from=""):
    """INSERT INTO ``table`` one row per ``g`` of ``series`` (a ``generate_series`` pair),
    each a copy of the row ``source`` (alias ``t``) with the ``overrides`` (SQL expressions
    of ``g``, ``t`` and the ``params``)."""
    columns = _columns(cr, table)
    exprs = [overrides.get(column, f't."{column}"') for column in columns]
    cr.execute(
        f"""INSERT INTO "{table}" ({", ".join(f'"{c}"' for c in columns)})
            SELECT {", ".join(exprs)}
              FROM "{table}" t{extra_from}, generate_series(%(first)s, %(last)s) g
             WHERE t.id = %(source)s""",
        dict(params, first=series[0], last=series[1], source=source),
    )


def portal_noise(env, data, invoices=1_000_000, log=print, batch=100_000):
    """``invoices`` posted fee invoices of past months on the benchmark's units, written by
    bulk SQL (not through the ORM: the ORM makes them at the billing run's speed): each a
    copy of one invoice of the run (one fee line and its receivable line, paid) and its bill
    line, for month 1, 2, ... before ``PERIOD`` of every unit in turn. The portal bill list is
    then read among them. Returns the seconds it took."""
    t0 = time.perf_counter()
    cr = env.cr
    env.flush_all()
    bill = env["hanling.fee.bill.line"].search(
        [("unit_id", "in", data["units"].ids), ("move_id", "!=", False)], limit=1, order="id"
    )
    move = bill.move_id
    fee_line = bill.invoice_line_id
    receivable = move.line_ids.filtered(lambda line: line.display_type == "payment_term")[:1]
    units = data["units"].ids
    partners = data["partners"].ids
    params = {"units": units, "partners": partners, "n": len(units), "period": PERIOD}
    ids = {}
    for table, count in (
        ("account_move", invoices),
        ("account_move_line", 2 * invoices),
        ("hanling_fee_bill_line", invoices),
    ):
        cr.execute(f"SELECT nextval('{table}_id_seq')")
        (ids[table],) = cr.fetchone()
        cr.execute(f"SELECT setval('{table}_id_seq', %s)", [ids[table] + count + 1])
    params.update(
        mbase=ids["account_move"],
        lbase=ids["account_move_line"],
        bbase=ids["hanling_fee_bill_line"],
    )
    unit = "(%(units)s::int[])[g %% %(n)s + 1]"
    partner = "(%(partners)s::int[])[g %% %(n)s + 1]"
    month = "(%(period)s::date - (g / %(n)s + 1) * interval '1 month')::date"
    month_end = f"({month} + interval '1 month' - interval '1 day')::date"
    name = "'HIST/' || g"
    now = "now() at time zone 'UTC'"
    for first in range(0, invoices, batch):
        series = (first, min(first + batch, invoices) - 1)
        _copy_rows(
            cr,
            "account_move",
            move.id,
            {
                "id": "%(mbase)s + g",
                "name": name,
                "sequence_prefix": "'HIST/'",
                "sequence_number": "g",
                "partner_id": partner,
                "commercial_partner_id": partner,
                "partner_shipping_id": partner,
                "date": month,
                "invoice_date": month,
                "invoice_date_due": month,
                "payment_reference": name,
                "access_token": "NULL",
                "inalterable_hash": "NULL",
                "secure_sequence_number": "NULL",
                "invoice_origin": "'HIST'",
                "amount_total": "-l.balance",
                "amount_untaxed": "-l.balance",
                "amount_total_signed": "-l.balance",
                "amount_untaxed_signed": "-l.balance",
                "amount_total_in_currency_signed": "-l.balance",
                "amount_untaxed_in_currency_signed": "-l.balance",
                "amount_residual": "0",
                "amount_residual_signed": "0",
                "payment_state": "'paid'",
                "create_date": now,
                "write_date": now,
            },
            series,
            dict(params, fee_line=fee_line.id),
            extra_from=" JOIN account_move_line l ON l.id = %(fee_line)s",
        )
        for offset, source in ((0, fee_line), (1, receivable)):
            line = {
                "id": f"%(lbase)s + 2 * g + {offset}",
                "move_id": "%(mbase)s + g",
                "partner_id": partner,
                "move_name": name,
                "date": month,
                "invoice_date": month,
                "date_maturity": "NULL" if not offset else month,
                "full_reconcile_id": "NULL",
                "matching_number": "NULL",
                "create_date": now,
                "write_date": now,
            }
            if offset:
                line.update(
                    {
                        "debit": "GREATEST(-l.balance, 0)",
                        "credit": "GREATEST(l.balance, 0)",
                        "balance": "-l.balance",
                        "amount_currency": "-l.amount_currency",
                        "price_unit": "-l.balance",
                        "price_subtotal": "-l.balance",
                        "price_total": "-l.balance",
                        "amount_residual": "0",
                        "amount_residual_currency": "0",
                        "reconciled": "true",
                    }
                )
            else:
                line.update({"hanling_period_start": month, "hanling_period_end": month_end})
            _copy_rows(
                cr,
                "account_move_line",
                source.id,
                line,
                series,
                dict(params, fee_line=fee_line.id),
                extra_from=" JOIN account_move_line l ON l.id = %(fee_line)s",
            )
        _copy_rows(
            cr,
            "hanling_fee_bill_line",
            bill.id,
            {
                "id": "%(bbase)s + g",
                "name": "t.name || ' ' || g",
                "run_id": "NULL",
                "unit_id": unit,
                "partner_id": partner,
                "period_start": month,
                "period_end": month_end,
                "fee_period_start": month,
                "fee_period_end": month_end,
                "invoice_line_id": "%(lbase)s + 2 * g",
                "move_id": "%(mbase)s + g",
                "create_date": now,
                "write_date": now,
            },
            series,
            params,
        )
        log(f"  portal noise: {series[1] + 1} invoices")
    cr.execute("ANALYZE account_move; ANALYZE account_move_line; ANALYZE hanling_fee_bill_line")
    env.invalidate_all()
    return time.perf_counter() - t0


def portal_bill_list(env, data, repeats=7):
    """The bill list of one resident on the portal (``/my/fees``), read as the portal user as
    the controller reads it: the resident's units, the count, the page of 50 bills with their
    invoices and fee names (``_portal_bills``) and each unit's billed / paid / owed
    (``_portal_totals``). Every SELECT is EXPLAINed: a sequential scan of the bills, invoices
    or invoice lines is reported (``seq_scans``)."""
    unit, payer = data["units"][len(data["units"]) // 2], data["partners"][len(data["units"]) // 2]
    env["hanling.occupancy"].create(
        {
            "unit_id": unit.id,
            "partner_id": payer.id,
            "role": "owner",
            "date_start": date(2020, 1, 1),
        }
    )
    user = env["res.users"].create(
        {
            "name": payer.name,
            "login": f"bench_portal_{payer.id}",
            "partner_id": payer.id,
            "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
        }
    )
    env.flush_all()
    Bills = env["hanling.fee.bill.line"].with_user(user)

    def page():
        units = user.partner_id.sudo().hanling_unit_ids
        count = Bills.search_count([("unit_id", "in", units.ids)])
        bills = Bills._portal_bills(units, 50, 0)
        bills.mapped("move_id.name")
        totals = Bills._portal_totals(units)
        return units, count, bills, totals

    timings, queries, found = [], 0, None
    for _repeat in range(repeats):
        env.invalidate_all()
        q0, t0 = env.cr.sql_log_count, time.perf_counter()
        units, count, bills, totals = page()
        timings.append((time.perf_counter() - t0) * 1000)
        queries = env.cr.sql_log_count - q0
        found = {
            "units": units.ids,
            "rows": len(bills),
            "count": count,
            "bill_units": sorted(set(bills.unit_id.ids)),
            "billed": round(sum(t[0] for t in totals.values()), 2),
        }
    seq_scans = _seq_scans(env, page)
    timings.sort()
    return {
        "median_ms": round(timings[len(timings) // 2], 1),
        "queries": queries,
        "result": found,
        "seq_scans": seq_scans,
        "bills_in_db": env["hanling.fee.bill.line"].search_count([]),
        "invoices_in_db": env["account.move"].search_count([("move_type", "=", "out_invoice")]),
    }


def _seq_scans(env, page):
    """The big tables a sequential scan reads in ``page``'s SELECTs (EXPLAIN of each)."""
    from odoo import sql_db

    big = ("hanling_fee_bill_line", "account_move", "account_move_line")
    seen, queries = set(), []
    execute = sql_db.Cursor.execute

    def recording(cr, query, params=None, log_exceptions=True):
        text = query.code if hasattr(query, "code") else query
        if isinstance(text, str) and text.lstrip().upper().startswith("SELECT"):
            queries.append((text, query.params if hasattr(query, "params") else params))
        return execute(cr, query, params, log_exceptions)

    env.invalidate_all()
    sql_db.Cursor.execute = recording
    try:
        page()
    finally:
        sql_db.Cursor.execute = execute
    for text, params in queries:
        env.cr.execute("EXPLAIN " + text, params)
        for (row,) in env.cr.fetchall():
            for table in big:
                if f"Seq Scan on {table} " in row + " ":
                    seen.add(table)
    return sorted(seen)


def memory_mb():
    """(resident, peak resident) memory of this process (the worker performing the jobs), MiB."""
    figures = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _sep, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                figures[key] = round(int(value.split()[0]) / 1024)
    return figures.get("VmRSS"), figures.get("VmHWM")


def _figures(invoices, seconds, queries):
    rss, peak = memory_mb()
    return {
        "invoices": invoices,
        "seconds": round(seconds, 2),
        "invoices_per_s": round(invoices / seconds, 1) if seconds else None,
        "queries_per_invoice": round(queries / invoices, 1) if invoices else None,
        "worker_rss_mb": rss,
        "worker_peak_rss_mb": peak,
    }
