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
    order.with_user(user("tech")).action_arrive_scan(order.unit_id._hanling_portal_url())
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
