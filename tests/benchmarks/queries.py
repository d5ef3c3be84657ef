"""What the office does on a big database, timed: medians of repeated runs, with EXPLAIN.

Each scenario runs as the office user who does it (record rules apply), through the same ORM
entry points the web client calls (web_search_read with the list view's fields, name_search,
web_read with the form view's fields, the monthly review's recount, search_count of the
filters a dashboard shows). The ORM cache is emptied before every run; PostgreSQL's cache is
warm (the first run is a warm-up and is not counted).

Every SELECT a scenario sends is recorded and EXPLAINed: a sequential scan on one of the big
tables is reported as a finding.
"""

import statistics
import time
from contextlib import contextmanager

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tools import SQL

BIG_TABLES = (
    "hanling_work_order",
    "hanling_unit",
    "res_partner",
    "hanling_occupancy",
    "hanling_callback",
    "hanling_complaint",
    "hanling_errand",
)
OPEN_STATES = ("draft", "assigned", "in_progress", "done", "accepted")
# Targets of issue 9 (the monthly review's: issue 19), in ms.
TARGETS = {
    "work order list: first page + count": 100,
    "my jobs (technician): first page + count": 100,
    "name search: unit by label": 50,
    "name search: resident by phone": 50,
    "name search: work order by number": 50,
    "monthly review: all communities": 300,
    "work order form open": 150,
}


@contextmanager
def record_sql(cr):
    """Record (query, params) of every statement sent through cr while the block runs."""
    captured = []
    original = cr.execute

    def execute(query, params=None, log_exceptions=True):
        captured.append((query, params))
        return original(query, params, log_exceptions)

    cr.execute = execute
    try:
        yield captured
    finally:
        del cr.execute


def explain(cr, captured, force_index=False):
    """EXPLAIN each recorded SELECT; return the plans and the seq scans on big tables.

    force_index: plan with enable_seqscan off, which proves an index can serve the query even
    on a small database where a sequential scan is rightly cheaper (the CI mode).
    """
    plans, seq_scans = [], []
    if force_index:
        cr.execute("SET LOCAL enable_seqscan = off")
    for query, query_params in captured:
        if isinstance(query, SQL):
            code, params = query.code, query.params
        else:
            code, params = str(query), query_params
        if not code.lstrip().upper().startswith("SELECT"):
            continue
        cr.execute("EXPLAIN " + code, params)
        plan = "\n".join(row[0] for row in cr.fetchall())
        plans.append((code, plan))
        for table in BIG_TABLES:
            if f"Seq Scan on {table} " in plan + " ":
                seq_scans.append((table, code[:300]))
    if force_index:
        cr.execute("SET LOCAL enable_seqscan = on")
    return plans, seq_scans


def _spec(Model, view_type):
    """The web client's fields specification for the default view of this type."""
    from lxml import etree

    view = Model.get_views([(False, view_type)])["views"][view_type]
    arch = etree.fromstring(view["arch"])
    spec = {}
    for node in arch.iter("field"):
        # Only the top-level fields of the view (not the ones of embedded sub-views).
        parent = node.getparent()
        inside_sub = False
        while parent is not None and parent is not arch:
            if parent.tag == "field":
                inside_sub = True
                break
            parent = parent.getparent()
        name = node.get("name")
        if inside_sub or name not in Model._fields:
            continue
        field = Model._fields[name]
        if field.type in ("many2one", "one2many", "many2many"):
            spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    return spec


def scenarios(env):
    """name -> callable(); the callables use users created by generate.py."""
    users = {
        u.login: u
        for u in env["res.users"].search(
            [("login", "in", ["gen_manager000", "gen_duty000", "gen_tech000", "gen_cssup000"])]
        )
    }
    manager = users["gen_manager000"]
    duty = users["gen_duty000"]
    # The technician with the most open jobs.
    env.cr.execute(
        """SELECT technician_id FROM hanling_work_order
            WHERE technician_id IS NOT NULL AND state NOT IN ('closed', 'cancel', 'referred')
            GROUP BY technician_id ORDER BY count(*) DESC, technician_id LIMIT 1"""
    )
    row = env.cr.fetchone()
    tech = env["res.users"].browse(row[0]) if row else users["gen_tech000"]
    cssup = users["gen_cssup000"]
    Order = env["hanling.work.order"]
    list_spec = _spec(Order.with_user(manager), "list")
    form_spec = _spec(Order.with_user(manager), "form")
    community = env["hanling.community"].search([("code", "=", "GEN01")], limit=1)
    communities = env["hanling.community"].search([("code", "=like", "GEN%")])
    month = fields.Date.context_today(env.user).replace(day=1) - relativedelta(months=1)
    # A unit label and a resident phone in the middle of the data.
    env.cr.execute(
        "SELECT label FROM hanling_unit ORDER BY id DESC LIMIT 1 "
        "OFFSET (SELECT count(*) / 3 FROM hanling_unit)"
    )
    label = env.cr.fetchone()[0]
    env.cr.execute(
        "SELECT mobile FROM res_partner WHERE is_hanling_resident ORDER BY id DESC LIMIT 1 "
        "OFFSET (SELECT count(*) / 3 FROM res_partner WHERE is_hanling_resident)"
    )
    phone = env.cr.fetchone()[0]
    env.cr.execute(
        "SELECT id, name FROM hanling_work_order ORDER BY id DESC LIMIT 1 "
        "OFFSET (SELECT count(*) / 3 FROM hanling_work_order)"
    )
    order_id, order_name = env.cr.fetchone()

    def wo_list():
        return Order.with_user(manager).web_search_read(
            [], list_spec, offset=0, limit=80, count_limit=10001
        )

    def exact_count():
        # The web client stops counting at 10,000 ("1-80 / 10000+"); this is the exact count a
        # user gets by clicking on it.
        return Order.with_user(manager).search_count([])

    def my_jobs():
        return Order.with_user(tech).web_search_read(
            [
                ("state", "not in", ("closed", "cancel", "referred")),
                ("technician_id", "=", tech.id),
            ],
            list_spec,
            offset=0,
            limit=80,
            count_limit=10001,
        )

    def unit_search():
        return env["hanling.unit"].with_user(duty).name_search(label, limit=8)

    def phone_search():
        return (
            env["res.partner"]
            .with_user(duty)
            .search_read([("phone_mobile_search", "ilike", phone)], ["display_name"], limit=8)
        )

    def wo_search():
        return Order.with_user(duty).name_search(order_name, limit=8)

    def _review(community_records):
        Review = env["hanling.work.order.review"].with_user(cssup)
        reviews = Review.create(
            [{"community_id": c.id, "date_from": month} for c in community_records]
        )
        reviews.action_compute()
        env.flush_all()
        return reviews.mapped("order_count")

    def review_one():
        with savepoint(env):
            return _review(community)

    def review_all():
        with savepoint(env):
            return _review(communities)

    def dashboard():
        Orders = Order.with_user(manager)
        C = env["hanling.complaint"].with_user(manager)
        E = env["hanling.errand"].with_user(manager)
        start = fields.Datetime.to_datetime(fields.Date.context_today(manager).replace(day=1))
        return {
            "open per state": Orders._read_group(
                [("state", "in", OPEN_STATES)], ["state"], ["__count"]
            ),
            "arrival overdue": Orders.search_count([("is_arrival_overdue", "=", True)]),
            "callback overdue": Orders.search_count([("is_callback_overdue", "=", True)]),
            "received this month": Orders.search_count([("date_received", ">=", start)]),
            "complaints open": C.search_count(
                [("state", "in", ("received", "assessing", "handling"))]
            ),
            "complaints overdue": C.search_count([("is_overdue", "=", True)]),
            "errands open": E.search_count(
                [
                    (
                        "state",
                        "in",
                        ("draft", "confirmed", "prepaid", "ordered", "delivered", "settled"),
                    )
                ]
            ),
        }

    def form_open():
        return Order.with_user(manager).browse(order_id).web_read(form_spec)

    return {
        "work order list: first page + count": wo_list,
        "work order list: exact count (all orders)": exact_count,
        "my jobs (technician): first page + count": my_jobs,
        "name search: unit by label": unit_search,
        "name search: resident by phone": phone_search,
        "name search: work order by number": wo_search,
        "monthly review: one community": review_one,
        "monthly review: all communities": review_all,
        "dashboard figures": dashboard,
        "work order form open": form_open,
    }


@contextmanager
def savepoint(env):
    env.flush_all()
    env.cr.execute("SAVEPOINT bench_scenario")
    try:
        yield
    finally:
        env.invalidate_all()
        env.transaction.tocompute.clear()
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_scenario")


def measure(env, repeats=7, force_index=False):
    """{scenario: {"median_ms", "min_ms", "queries", "target_ms", "seq_scans": [...],
    "result": what the last run returned}}"""
    results = {}
    for name, run in scenarios(env).items():
        env.invalidate_all()
        with record_sql(env.cr) as captured:
            result = run()  # warm-up, and the statements to EXPLAIN
        plans, seq_scans = explain(env.cr, captured, force_index=force_index)
        times = []
        queries = 0
        for _ in range(repeats):
            env.invalidate_all()
            q0 = env.cr.sql_log_count
            t0 = time.perf_counter()
            run()
            times.append((time.perf_counter() - t0) * 1000)
            queries = env.cr.sql_log_count - q0
        results[name] = {
            "median_ms": statistics.median(times),
            "min_ms": min(times),
            "queries": queries,
            "target_ms": TARGETS.get(name),
            "seq_scans": sorted({t for t, _q in seq_scans}),
            "seq_scan_queries": [q for _t, q in seq_scans],
            "plans": plans,
            "result": result,
        }
    return results
