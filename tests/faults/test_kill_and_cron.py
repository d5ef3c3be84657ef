"""A server process killed in the middle of a batch, and scheduled actions run twice or late."""

import subprocess
import time

from .conftest import ROOT, shell, shell_cmd
from .flows import PRELUDE

SETUP_LAST_MONTH = (
    PRELUDE
    + r"""
from dateutil.relativedelta import relativedelta

# Work orders received last month in two communities: the month-end review has two to prepare.
first = fields.Date.context_today(env["hanling.work.order"]).replace(day=1) - relativedelta(months=1)
when = fields.Datetime.to_datetime(first) + relativedelta(days=3, hours=2)
community = env["hanling.community"].create({"name": "故障测试小区", "code": "FLT"})
building = env["hanling.building"].create({"name": "F", "code": "F1", "community_id": community.id})
other_unit = env["hanling.unit"].create({"building_id": building.id, "floor": 1, "room": "101"})
svc = service(20.0)
for target in (unit, other_unit, unit):
    env["hanling.work.order"].create(
        {"unit_id": target.id, "description": "last month", "service_id": svc.id, "date_received": when}
    )
env.cr.commit()
result({"date_from": str(first)})
"""
)

COUNT_REVIEWS = (
    PRELUDE
    + r"""
from dateutil.relativedelta import relativedelta
first = fields.Date.context_today(env["hanling.work.order"]).replace(day=1) - relativedelta(months=1)
reviews = env["hanling.work.order.review"].search([("date_from", "=", first)])
activities = env["mail.activity"].search_count(
    [("res_model", "=", "hanling.work.order.review"), ("res_id", "in", reviews.ids)]
)
result({
    "reviews": len(reviews),
    "communities": len(reviews.community_id),
    "lines": len(reviews.line_ids) if "line_ids" in reviews else 0,
    "activities": activities,
})
"""
)

KILLED_BATCH = (
    PRELUDE
    + r"""
Review = registry["hanling.work.order.review"]
original = Review._compute_lines
done = []

def compute_then_hang(self):
    original(self)
    done.append(self.ids)
    if len(done) == 1:
        print("BATCH STARTED", flush=True)
        # Killed here: the reviews of every community are created and counted (one call for
        # the batch), their activities not yet given, nothing committed.
        time.sleep(600)

Review._compute_lines = compute_then_hang
env.ref("hanling_property.ir_cron_work_order_review").method_direct_trigger()
env.cr.commit()
result({"finished": True})
"""
)

RUN_CRONS = (
    PRELUDE
    + r"""
names = [
    "hanling_property.ir_cron_deadlines",
    "hanling_property.ir_cron_work_order_review",
    "hanling_property.ir_cron_prevention_report_reminder",
    "hanling_property.ir_cron_unit_state",
    "hanling_archive.ir_cron_archive_inspection",
]

def counts():
    env.invalidate_all()
    return {
        "activities": env["mail.activity"].search_count([]),
        "reviews": env["hanling.work.order.review"].search_count([]),
        "inspections": env["hanling.archive.inspection"].search_count([]),
        "callbacks": env["hanling.callback"].search_count([]),
        "messages": env["mail.message"].search_count([("message_type", "!=", "notification")]),
    }

# Late: an order whose technician should have arrived three days ago, assigned now.
order = env["hanling.work.order"].create(
    {
        "unit_id": unit.id,
        "description": "late",
        "service_id": service(20.0).id,
        "technician_id": user("tech").id,
        "urgency": "appointment",
        "appointment_date": fields.Datetime.now() - relativedelta(days=3),
    }
)
order.with_user(user("engsup")).action_assign()
env.cr.commit()
runs = []
for _run in range(2):
    for name in names:
        env.ref(name).method_direct_trigger()
        env.cr.commit()
    runs.append(counts())
late = env["mail.activity"].search_count(
    [
        ("res_model", "=", "hanling.work.order"),
        ("res_id", "=", order.id),
        ("activity_type_id", "=", env.ref("hanling_property.mail_activity_type_work_order_late").id),
    ]
)
result({"runs": runs, "late": late})
"""
).replace(
    "from odoo import api, fields",
    "from odoo import api, fields\nfrom dateutil.relativedelta import relativedelta",
)


def test_month_end_batch_killed_then_rerun(fault_db):
    shell(fault_db, SETUP_LAST_MONTH)
    before = shell(fault_db, COUNT_REVIEWS)
    assert before["reviews"] == 0, before
    proc = subprocess.Popen(
        shell_cmd(fault_db),
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    proc.stdin.write(KILLED_BATCH)
    proc.stdin.close()
    deadline = time.time() + 300
    started = False
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if "BATCH STARTED" in line:
            started = True
            break
    assert started, "the batch did not reach its first review"
    proc.kill()  # SIGKILL: no cleanup, no commit
    proc.wait(30)
    # The database server notices the dead client and rolls its transaction back.
    after_kill = shell(fault_db, COUNT_REVIEWS)
    assert after_kill == before, after_kill
    # Run again after the restart: everything once; and once more: nothing doubled.
    rerun = shell(
        fault_db,
        PRELUDE
        + r"""
env.ref("hanling_property.ir_cron_work_order_review").method_direct_trigger()
env.cr.commit()
env.ref("hanling_property.ir_cron_work_order_review").method_direct_trigger()
env.cr.commit()
result({})
""",
    )
    assert rerun == {}
    final = shell(fault_db, COUNT_REVIEWS)
    assert final["reviews"] == final["communities"] >= 2, final
    assert final["activities"] == final["reviews"], final


def test_scheduled_actions_run_twice_and_late(fault_db):
    res = shell(fault_db, RUN_CRONS)
    first, second = res["runs"]
    assert first == second, res
    assert res["late"] == 1, res
