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
    return {
        "community": community,
        "units": made,
        "partners": partners,
        "fee_types": fee_types,
        "seconds": time.perf_counter() - t0,
    }


def bill_hanling(env, data, chunk_size=500, commit=True):
    """A billing run of ``PERIOD``, its jobs performed one after the other."""
    from odoo.addons.queue_job.job import Job

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
    env.flush_all()
    for record in env["queue.job"].search(
        [("model_name", "=", "hanling.fee.run"), ("state", "=", "pending")], order="id"
    ):
        job = Job.load(env, record.uuid)
        job.set_started()
        job.perform()
        job.set_done()
        job.store()
        env.flush_all()
        if commit:
            cr.commit()
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


def portal_bill_list(env, data, repeats=7):
    """The bill list of one resident on the portal: their units' bills, newest first, a page
    and its count, read as the portal user under the record rule."""
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
    timings, queries, found = [], 0, None
    for _repeat in range(repeats):
        env.invalidate_all()
        q0, t0 = env.cr.sql_log_count, time.perf_counter()
        rows = Bills.search_fetch(
            [],
            ["name", "period_start", "amount", "payment_state"],
            limit=20,
            order="period_start desc, id desc",
        )
        count = Bills.search_count([])
        rows.mapped("invoice_line_id.move_id.name")
        timings.append((time.perf_counter() - t0) * 1000)
        queries = env.cr.sql_log_count - q0
        found = {"rows": len(rows), "count": count, "units": sorted(rows.unit_id.ids)}
    timings.sort()
    return {"median_ms": timings[len(timings) // 2], "queries": queries, "result": found}


def _figures(invoices, seconds, queries):
    return {
        "invoices": invoices,
        "seconds": round(seconds, 2),
        "invoices_per_s": round(invoices / seconds, 1) if seconds else None,
        "queries_per_invoice": round(queries / invoices, 1) if invoices else None,
    }
