"""Odoo shell snippets shared by the fault tests (they run inside ``odoo shell``)."""

PRELUDE = r'''
import json
import threading
import time

from odoo import api, fields
from odoo.exceptions import UserError
from odoo.service.model import retrying

SIGNATURE = b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
registry = env.registry
env = env(context=dict(env.context, lang="en_US", tracking_disable=False))
unit = env.ref("hanling_property.unit_1_301_demo")
resident = env.ref("hanling_property.resident_001_demo")
user = lambda name: env.ref(f"hanling_property.user_{name}_demo")


def done_order(service, partner=None):
    """A work order repaired and signed by the resident, waiting for acceptance (committed)."""
    order = env["hanling.work.order"].create(
        {
            "unit_id": unit.id,
            "partner_id": (partner or resident).id,
            "description": "fault test",
            "service_id": service.id,
            "technician_id": user("tech").id,
        }
    )
    order.with_user(user("engsup")).action_assign()
    if hasattr(order, "action_arrive_scan"):
        order.with_user(user("tech")).action_arrive_scan(order.unit_id._hanling_portal_url())
    else:  # the previous release (test_upgrade): the arrival had no QR scan yet
        order.with_user(user("tech")).action_start()
    order.with_user(user("tech")).write({"inspection_note": "checked"})
    order.with_user(user("tech")).action_finish()
    order.with_user(user("tech")).write(
        {"resident_signature": SIGNATURE, "resident_signed_by": "王伟", "resident_opinion": "ok"}
    )
    env.cr.commit()
    return order


def service(price):
    return env["hanling.service"].create(
        {"name": f"fault test {price}", "fee_type": "paid", "list_price": price}
    )


def confirmed_errand():
    errand = env["hanling.errand"].with_user(user("staff")).create(
        {
            "unit_id": unit.id,
            "partner_id": resident.id,
            "description": "fault test cake",
            "kind": "cake",
            "estimated_amount": 300.0,
        }
    )
    errand.write({"commission_signature": SIGNATURE, "commission_signed_by": "王伟"})
    errand.action_confirm()
    env.cr.commit()
    return errand


def race(call, uids, slow=None):
    """Run call(env) from one thread per uid, all released at once; return the outcomes.

    Each thread has its own cursor and commits like an RPC request (odoo.service.model.retrying,
    which retries serialization failures). ``slow`` = (model, method) widens the window.
    """
    restore = None
    if slow:
        cls = registry[slow[0]]
        original = getattr(cls, slow[1])

        def slowed(self, *args, **kwargs):
            time.sleep(1.0)
            return original(self, *args, **kwargs)

        setattr(cls, slow[1], slowed)
        restore = (cls, slow[1], original)
    barrier = threading.Barrier(len(uids))
    outcomes = []

    def worker(uid):
        with registry.cursor() as cr:
            wenv = api.Environment(cr, uid, {"lang": "en_US"})
            barrier.wait()
            try:
                retrying(lambda: call(wenv), wenv)
                outcomes.append("ok")
            except UserError as error:
                outcomes.append(f"refused: {error}")
            except Exception as error:  # noqa: BLE001 - reported to the test as a crash
                outcomes.append(f"crash: {error!r}")

    threads = [threading.Thread(target=worker, args=(uid,)) for uid in uids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    if restore:
        setattr(*restore)
    # End this cursor's snapshot (repeatable read) to see what the threads committed.
    env.cr.rollback()
    env.invalidate_all()
    return sorted(outcomes)


def result(value):
    print("RESULT " + json.dumps(value, default=str), flush=True)
'''

FEES = r'''
import base64
from datetime import date


def fee_community(units=60, code="FEE"):
    """A community of ``units`` units, each billed 物业管理费 (per m²), 停车费 (one space) and
    a fixed 垃圾清运费, every payer a resident of their own (committed)."""
    community = env["hanling.community"].create({"name": f"收费测试小区 {code}", "code": code})
    building = env["hanling.building"].create(
        {"name": "A", "code": f"{code}A", "community_id": community.id}
    )
    made = env["hanling.unit"].create(
        [
            {"building_id": building.id, "floor": 1 + i // 10, "room": f"{1 + i // 10}{i % 10:02d}",
             "floor_area": 60.0 + i % 50}
            for i in range(units)
        ]
    )
    partners = env["res.partner"].create([{"name": f"业主{code}{i:05d}"} for i in range(units)])
    filing = env["ir.attachment"].create(
        {"name": "备案.txt", "datas": base64.b64encode("物业服务收费备案".encode()),
         "mimetype": "text/plain"}
    )
    fee_types = env["hanling.fee.type"].create(
        [
            {"name": "物业管理费", "community_id": community.id, "kind": "area"},
            {"name": "停车费", "community_id": community.id, "kind": "parking",
             "subscribe_on_move_in": False},
            {"name": "垃圾清运费", "community_id": community.id, "kind": "unit",
             "subscribe_on_move_in": False},
        ]
    )
    for fee_type, rate in zip(fee_types, (2.5, 300.0, 15.0)):
        env["hanling.fee.tariff"].create(
            {"fee_type_id": fee_type.id, "rate": rate, "date_start": date(2020, 1, 1),
             "document_ids": [(6, 0, filing.ids)]}
        )
    env["hanling.fee.subscription"].create(
        [
            {"unit_id": u.id, "fee_type_id": t.id, "partner_id": p.id,
             "date_start": date(2020, 1, 1), "quantity": 1}
            for u, p in zip(made, partners)
            for t in fee_types
        ]
    )
    env.cr.commit()
    return community, made, fee_types


def fee_run(community, period, chunk_size):
    run = env["hanling.fee.run"].create(
        {"period_start": period, "community_ids": [(6, 0, community.ids)], "chunk_size": chunk_size}
    )
    run.action_start()
    env.cr.commit()
    return run


def perform_jobs(run):
    """Perform the queued jobs of ``run`` here, as the job runner would (committing each)."""
    run._perform_pending_jobs(commit=True)


def billing_facts(run, units, fee_types):
    """What a run billed: duplicates, units left out, and the gaps in the journal's numbers."""
    env.invalidate_all()
    env.cr.execute(
        """SELECT unit_id, fee_type_id, fee_period_start, count(*) FROM hanling_fee_bill_line
            WHERE unit_id = ANY(%s) GROUP BY 1, 2, 3 HAVING count(*) > 1""",
        [units.ids],
    )
    doubles = env.cr.fetchall()
    lines = env["hanling.fee.bill.line"].search([("unit_id", "in", units.ids)])
    billed = {(line.unit_id.id, line.fee_type_id.id) for line in lines}
    missing = [(u.id, t.id) for u in units for t in fee_types if (u.id, t.id) not in billed]
    moves = lines.invoice_line_id.move_id
    journal = moves.journal_id
    gaps = []
    for prefix in set(moves.mapped("sequence_prefix")):
        numbers = sorted(
            env["account.move"]
            .search([("journal_id", "in", journal.ids), ("sequence_prefix", "=", prefix),
                     ("state", "=", "posted")])
            .mapped("sequence_number")
        )
        gaps += [f"{prefix}{n}" for n in range(1, numbers[-1] + 1) if n not in set(numbers)]
    return {
        "state": run.state,
        "doubles": doubles,
        "missing": missing,
        "lines": len(lines),
        "invoices": len(moves),
        "posted": set(moves.mapped("state")) == {"posted"},
        "unlinked": len(lines.filtered(lambda line: not line.invoice_line_id)),
        "journals": len(journal),
        "gaps": gaps,
        "billed_count": run.billed_count,
        "invoice_count": run.invoice_count,
        "failed": run.failure_ids.mapped("reason"),
    }
'''
