"""Seeded, batched data generator for the scale benchmark.

Small reference data (communities, buildings, users, departments) goes through the ORM; the big
tables (units, residents, occupancies, work orders, callbacks, complaints, errands) are written
with set-based SQL (INSERT ... SELECT over generate_series, one batch per statement), in id
ranges reserved from the tables' sequences. The rows hold what the ORM would store: company and
community ids, the stored computed fields (labels, codes, unit state, deadlines, durations,
on-time rates, callback state and satisfaction, fee type, prices, invoice status, complaint
shift and satisfaction, resident flag), numbers in the format of the documents' ir.sequence and
the sequences moved past them. ``verify()`` recomputes a sample with the ORM and compares.

Randomness: PostgreSQL ``setseed(seed)`` then ``random()`` in a fixed statement order with
parallel query disabled, so one seed gives the same rows on the same PostgreSQL version.

What is not generated (documented in docs/benchmarks.md): chatter messages and followers,
activities, resident signatures (attachments), invoices and payments of the generated work
orders and errands (so their invoice_status is "to_invoice"/"none" exactly as the ORM computes it
without an invoice), callback attempts.
"""

import logging
import time

from ops import make_user  # tests/benchmarks is on sys.path (run.py, pytest rootdir import)

from odoo import fields

_logger = logging.getLogger(__name__)

FULL = {
    "communities": 20,
    "units": 100_000,
    "residents": 250_000,
    "work_orders": 1_000_000,
    "complaints": 100_000,
    "errands": 50_000,
}
UNITS_PER_BUILDING = 200
TECHS_PER_COMMUNITY = 5
YEARS = 3


def scale(work_orders, communities=FULL["communities"]):
    """Everything in the proportions of the full scale, sized by the number of work orders."""
    f = work_orders / FULL["work_orders"]
    return {
        "communities": communities,
        **{k: max(int(v * f), communities) for k, v in FULL.items() if k != "communities"},
    }


def _reserve(cr, table, count):
    """Reserve count ids of table; returns the first one."""
    cr.execute(f"SELECT nextval('{table}_id_seq')")
    first = cr.fetchone()[0]
    cr.execute(f"SELECT setval('{table}_id_seq', %s)", [first + count])
    return first


def generate(env, sizes, *, seed=42, anchor=None, batch=100_000, log=print, commit=True):
    """Fill the database; returns {step: seconds}. Commits after every batch when commit."""
    cr = env.cr
    timings = {}
    anchor = anchor or fields.Datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
    start_all = time.perf_counter()

    def step(name):
        timings[name] = time.perf_counter() - t0
        log(f"  {name}: {timings[name]:.1f} s")
        if commit:
            env.cr.commit()

    cr.execute("SET max_parallel_workers_per_gather = 0")
    cr.execute("SELECT setseed(%s)", [((seed % 1000) / 1000.0)])
    env["ir.default"].set("res.partner", "lang", "en_US")
    company = env.company
    C = sizes["communities"]
    U = sizes["units"]
    R = sizes["residents"]

    # ---------------------------------------------------------------- reference data (ORM)
    t0 = time.perf_counter()
    communities = env["hanling.community"].create(
        [
            {"name": f"规模小区{c + 1:02d}", "code": f"GEN{c + 1:02d}", "company_id": company.id}
            for c in range(C)
        ]
    )
    upc = U // C  # units per community
    bpc = max(1, -(-upc // UNITS_PER_BUILDING))  # buildings per community
    buildings = env["hanling.building"].create(
        [
            {
                "name": f"{b + 1}栋",
                "code": f"G{c + 1:02d}B{b + 1:02d}",
                "community_id": communities[c].id,
                "floor_count": 20,
            }
            for c in range(C)
            for b in range(bpc)
        ]
    )

    def users(prefix, group, count):
        return env["res.users"].union(
            *(
                make_user(
                    env, f"{prefix}{i:03d}", f"base.group_user,hanling_property.{group}", company
                )
                for i in range(count)
            )
        )

    techs = users("gen_tech", "group_technician", C * TECHS_PER_COMMUNITY)
    duty = users("gen_duty", "group_duty_officer", C)
    engsup = users("gen_engsup", "group_eng_supervisor", 1)
    users("gen_cssup", "group_cs_supervisor", 1)
    users("gen_manager", "group_manager", 1)
    staff = users("gen_staff", "group_cs_staff", C)
    departments = env["hanling.complaint.department"].create(
        [{"name": f"规模部门{d}", "head_id": engsup.id, "company_id": company.id} for d in range(4)]
    )
    # One password for every generated user ("bench"), hashed once: hashing is slow on purpose.
    env.flush_all()
    cr.execute(
        "UPDATE res_users SET password = %s WHERE login LIKE 'gen\\_%%'",
        [env["res.users"]._crypt_context().hash("bench")],
    )
    step("reference data (ORM)")

    # Arrays the SQL below indexes into (1-based).
    building_ids = buildings.ids
    tech_ids, duty_ids, staff_ids = techs.ids, duty.ids, staff.ids
    cr.execute(
        """SELECT array_agg(id ORDER BY id), array_agg(fee_type ORDER BY id),
                  array_agg(COALESCE(list_price, 0) ORDER BY id)
             FROM hanling_service
            WHERE active AND (company_id IS NULL OR company_id = %s)
              AND NOT (fee_type = 'paid' AND COALESCE(list_price, 0) = 0)""",
        [company.id],
    )
    service_ids, service_fee, service_price = cr.fetchone()
    uid = env.uid

    # ---------------------------------------------------------------- units
    t0 = time.perf_counter()
    unit0 = _reserve(cr, "hanling_unit", U)
    # unit g (0-based): community g % C? no: units are grouped per building; building index
    # g // UNITS_PER_BUILDING within its community.
    cr.execute(
        """
        INSERT INTO hanling_unit (id, building_id, community_id, company_id, floor, room, label,
                                  code, state, floor_area, active, qr_token, create_uid,
                                  write_uid, create_date, write_date)
        SELECT %(u0)s + g, b.id, b.community_id, %(company)s, f, r, f || '-' || r,
               b.code || '-' || r, 'occupied', round((60 + random() * 90)::numeric, 2), true,
               replace(gen_random_uuid()::text, '-', ''),
               %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM generate_series(0, %(U)s - 1) g
          CROSS JOIN LATERAL (SELECT (g %% %(upc)s) / %(upb)s AS bi, g / %(upc)s AS ci,
                                     (g %% %(upc)s) %% %(upb)s AS k) x
          JOIN hanling_building b ON b.id = (%(buildings)s)[x.ci * %(bpc)s + x.bi + 1]
          CROSS JOIN LATERAL (SELECT 1 + x.k / 10 AS f) y
          CROSS JOIN LATERAL (SELECT (y.f * 100 + 1 + x.k %% 10)::text AS r) z
        """,
        {
            "u0": unit0,
            "company": company.id,
            "uid": uid,
            "U": U,
            "upc": upc,
            "upb": UNITS_PER_BUILDING,
            "bpc": bpc,
            "buildings": building_ids,
        },
    )
    cr.execute("ANALYZE hanling_unit")  # the joins below must know how big it is now
    step("units")

    # ---------------------------------------------------------------- residents + occupancies
    t0 = time.perf_counter()
    partner0 = _reserve(cr, "res_partner", R)
    for lo in range(0, R, batch):
        hi = min(R, lo + batch)
        cr.execute(
            """
            INSERT INTO res_partner (id, name, complete_name, commercial_partner_id, mobile,
                                     lang, type, active, is_company, employee, partner_share,
                                     autopost_bills, is_hanling_resident, create_uid, write_uid,
                                     create_date, write_date)
            SELECT %(p0)s + g, n, n, %(p0)s + g, '139' || lpad(g::text, 8, '0'), 'en_US',
                   'contact', true, false, false, true, 'ask', true, %(uid)s, %(uid)s,
                   now() at time zone 'UTC', now() at time zone 'UTC'
              FROM generate_series(%(lo)s, %(hi)s - 1) g,
                   LATERAL (SELECT (ARRAY['王','李','张','刘','陈','杨','黄','赵','周','吴'])
                                   [1 + g %% 10] || '住户' || g AS n) x
            """,
            {"p0": partner0, "uid": uid, "lo": lo, "hi": hi},
        )
    cr.execute("ANALYZE res_partner")
    # Resident g lives in unit g % U: the first U are the owners, then family, then tenants.
    cr.execute(
        """
        INSERT INTO hanling_occupancy (unit_id, partner_id, community_id, company_id, role,
                                       date_start, create_uid, write_uid, create_date, write_date)
        SELECT u.id, %(p0)s + g, u.community_id, u.company_id,
               CASE WHEN g < %(U)s THEN 'owner' WHEN g < 2 * %(U)s THEN 'family' ELSE 'tenant' END,
               %(anchor)s::date - (365 * 5 + (g %% 700)), %(uid)s, %(uid)s,
               now() at time zone 'UTC', now() at time zone 'UTC'
          FROM generate_series(0, %(R)s - 1) g
          JOIN hanling_unit u ON u.id = %(u0)s + g %% %(U)s
        """,
        {"p0": partner0, "U": U, "R": R, "u0": unit0, "uid": uid, "anchor": anchor},
    )
    cr.execute("ANALYZE hanling_occupancy")
    step("residents and occupancies")

    days = 365 * YEARS
    common = {
        "anchor": anchor,
        "days": days,
        "uid": uid,
        "company": company.id,
        "u0": unit0,
        "U": U,
        "p0": partner0,
        "upc": upc,
        "techs": tech_ids,
        "duty": duty_ids,
        "staff": staff_ids,
        "engsup": engsup.id,
        "services": service_ids,
        "fees": service_fee,
        "prices": service_price,
        "nserv": len(service_ids),
        "tpc": TECHS_PER_COMMUNITY,
    }

    # ---------------------------------------------------------------- work orders
    t0 = time.perf_counter()
    W = sizes["work_orders"]
    wo0 = _reserve(cr, "hanling_work_order", W)
    # Dates grow with g, so the numbers follow the order of receipt as the sequence gives them.
    n0 = env["ir.sequence"].sudo().search([("code", "=", "hanling.work.order")]).number_next
    cb_model = "hanling.work.order"
    for lo in range(0, W, batch):
        hi = min(W, lo + batch)
        cr.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS gen_wo (
                g int, received timestamp, unit_g int, svc int, immediate bool, r float8,
                tech_k int, duty_k int, sat int);
            TRUNCATE gen_wo;
            INSERT INTO gen_wo
            SELECT g, %(anchor)s::timestamp
                      - make_interval(secs => (1 - (g + random()) / %(W)s) * %(days)s * 86400),
                   floor(random() * %(U)s)::int, 1 + floor(random() * %(nserv)s)::int,
                   random() < 0.7, random(), floor(random() * %(tpc)s)::int,
                   floor(random() * 1000)::int, 3 + floor(random() * 3)::int
              FROM generate_series(%(lo)s, %(hi)s - 1) g;
            """,
            {**common, "lo": lo, "hi": hi, "W": W},
        )
        cr.execute(
            """
            INSERT INTO hanling_work_order (
                id, name, state, company_id, community_id, unit_id, partner_id, contact_phone,
                received_by_id, channel, date_received, service_id, fee_type, description,
                urgency, appointment_date, date_arrival_deadline, technician_id, supervisor_id,
                date_assigned, date_arrived, date_finished, date_accepted, date_closed,
                date_cancelled, cancel_reason, referral_note, inspection_note,
                resident_signed_by, resident_signed_on, missed_visit_count, labour_price,
                amount_materials, amount_estimated, amount_invoiced, fee_uncertain,
                invoice_status, response_minutes, duration_hours, arrival_delay_minutes,
                arrived_on_time, on_time_rate, callback_state, callback_satisfaction,
                callback_date_due, satisfaction_score, create_uid, write_uid, create_date,
                write_date)
            SELECT %(wo0)s + w.g,
                   'WX' || to_char(w.received + interval '8 hours', 'YYYY') || '-'
                   || lpad((%(n0)s + w.g)::text, greatest(5, length((%(n0)s + w.g)::text)), '0'), s.state, %(company)s, u.community_id, u.id, o.partner_id,
                   p.mobile, (%(duty)s)[1 + (u.community_id + w.duty_k) %% cardinality(%(duty)s)],
                   'phone', w.received, (%(services)s)[w.svc], (%(fees)s)[w.svc], '报修 #' || w.g,
                   CASE WHEN w.immediate THEN 'immediate' ELSE 'appointment' END, t.appt,
                   t.deadline,
                   CASE WHEN s.assigned THEN (%(techs)s)[1 + (ci.ci * %(tpc)s + w.tech_k)] END,
                   CASE WHEN s.assigned THEN %(engsup)s END,
                   t.assigned, t.arrived, t.finished, t.accepted, t.closed, t.cancelled,
                   CASE WHEN s.state = 'cancel' THEN '住户取消' END,
                   CASE WHEN s.state = 'referred' THEN '推荐专业供应商' END,
                   CASE WHEN t.finished IS NOT NULL THEN '已检查' END,
                   CASE WHEN t.accepted IS NOT NULL THEN p.name END, t.accepted, 0,
                   pr.labour, 0, pr.labour, 0, false,
                   CASE WHEN s.state IN ('cancel', 'referred') THEN 'none'
                        WHEN pr.labour = 0 THEN 'none'
                        WHEN s.state IN ('accepted', 'closed') THEN 'to_invoice'
                        ELSE 'waiting' END,
                   COALESCE(extract(epoch FROM t.assigned - w.received) / 60, 0),
                   COALESCE(extract(epoch FROM t.finished - t.arrived) / 3600, 0),
                   COALESCE(greatest(extract(epoch FROM t.arrived - t.deadline) / 60, 0), 0),
                   COALESCE(t.arrived <= t.deadline, false),
                   CASE WHEN t.arrived <= t.deadline THEN 100 ELSE 0 END,
                   CASE WHEN s.state = 'closed' THEN 'done' WHEN s.state = 'accepted' THEN 'planned'
                        ELSE 'none' END,
                   CASE WHEN s.state = 'closed' THEN w.sat::text END,
                   CASE WHEN s.state = 'accepted' THEN t.accepted + interval '24 hours' END,
                   CASE WHEN s.state = 'closed' THEN w.sat ELSE 0 END,
                   %(uid)s, %(uid)s, w.received,
                   COALESCE(t.closed, t.accepted, t.finished, t.arrived, t.assigned, t.cancelled,
                            w.received)
              FROM gen_wo w
              JOIN hanling_unit u ON u.id = %(u0)s + w.unit_g
              JOIN hanling_occupancy o ON o.unit_id = u.id AND o.role = 'owner'
              JOIN res_partner p ON p.id = o.partner_id
              CROSS JOIN LATERAL (SELECT w.unit_g / %(upc)s AS ci) ci
              CROSS JOIN LATERAL (
                SELECT CASE WHEN (%(fees)s)[w.svc] = 'paid' THEN (%(prices)s)[w.svc] ELSE 0 END
                       AS labour) pr
              CROSS JOIN LATERAL (
                SELECT st AS state, st NOT IN ('draft', 'cancel', 'referred') AS assigned
                  FROM (SELECT CASE
                    WHEN w.received < %(anchor)s::timestamp - interval '3 days' THEN
                        CASE WHEN w.r < 0.03 THEN 'cancel' WHEN w.r < 0.05 THEN 'referred'
                             WHEN w.r < 0.06 THEN 'accepted' ELSE 'closed' END
                    ELSE CASE WHEN w.r < 0.2 THEN 'draft' WHEN w.r < 0.4 THEN 'assigned'
                              WHEN w.r < 0.55 THEN 'in_progress' WHEN w.r < 0.7 THEN 'done'
                              WHEN w.r < 0.85 THEN 'accepted' ELSE 'closed' END
                    END AS st) st) s
              CROSS JOIN LATERAL (
                SELECT CASE WHEN w.immediate THEN NULL
                            ELSE w.received + make_interval(hours => 1 + w.g %% 48) END AS appt) a
              CROSS JOIN LATERAL (
                SELECT a.appt,
                       COALESCE(a.appt, w.received + interval '15 minutes') AS deadline,
                       CASE WHEN s.assigned
                            THEN w.received + make_interval(mins => 1 + w.g %% 12) END AS assigned,
                       CASE WHEN s.state NOT IN ('draft', 'assigned', 'cancel', 'referred')
                            THEN COALESCE(a.appt, w.received)
                                 + make_interval(mins => 5 + (w.g * 7) %% 15) END AS arrived,
                       CASE WHEN s.state IN ('done', 'accepted', 'closed')
                            THEN COALESCE(a.appt, w.received)
                                 + make_interval(mins => 35 + (w.g * 13) %% 150) END AS finished,
                       CASE WHEN s.state IN ('accepted', 'closed')
                            THEN COALESCE(a.appt, w.received)
                                 + make_interval(mins => 190 + (w.g * 13) %% 150) END AS accepted,
                       CASE WHEN s.state = 'closed'
                            THEN COALESCE(a.appt, w.received)
                                 + make_interval(mins => 1600 + (w.g * 13) %% 150) END AS closed,
                       CASE WHEN s.state IN ('cancel', 'referred')
                            THEN w.received + interval '1 hour' END AS cancelled) t
            """,
            {**common, "wo0": wo0, "n0": n0},
        )
        log(f"    work orders {hi}/{W}")
        if commit:
            cr.commit()
    # ir.sequence "WX%(year)s-" (5 digits, no gap) continues after the generated numbers.
    cr.execute(
        "UPDATE ir_sequence SET number_next = number_next + %s WHERE code = 'hanling.work.order'",
        [W],
    )
    # One callback per accepted (planned) or closed (done) order, as _schedule_callback makes.
    cr.execute(
        """
        INSERT INTO hanling_callback (res_model, res_id, company_id, partner_id, unit_id, user_id,
                                      date_due, date_done, state, satisfaction, attempt_count,
                                      create_uid, write_uid, create_date, write_date)
        SELECT %s, id, company_id, partner_id, unit_id, supervisor_id,
               date_accepted + interval '24 hours',
               CASE WHEN state = 'closed' THEN date_closed - interval '1 hour' END,
               callback_state, callback_satisfaction, 0, %s, %s, date_accepted,
               COALESCE(date_closed, date_accepted)
          FROM hanling_work_order
         WHERE id >= %s AND id < %s AND state IN ('accepted', 'closed')
        """,
        [cb_model, uid, uid, wo0, wo0 + W],
    )
    step("work orders and callbacks")

    # ---------------------------------------------------------------- complaints
    t0 = time.perf_counter()
    K = sizes["complaints"]
    c0 = _reserve(cr, "hanling_complaint", K)
    cr.execute(
        """
        INSERT INTO hanling_complaint (
            id, name, company_id, community_id, unit_id, partner_id, contact_phone,
            received_by_id, first_responder_id, channel, date_received, category, state,
            escalation_level, department_id, content, date_assessed, date_handling,
            date_resolved, date_closed, resolution_kind, resolution, hours_to_first_response,
            hours_to_close, callback_state, callback_satisfaction, is_satisfied, satisfied_share,
            is_urgent, create_uid, write_uid, create_date, write_date)
        SELECT %(c0)s + g, 'TS' || to_char(x.received + interval '8 hours', 'YYMM') || '-'
                           || lpad((%(n0)s + g)::text, greatest(4, length((%(n0)s + g)::text)), '0'), %(company)s, u.community_id, u.id, o.partner_id, p.mobile,
               d.staff, d.staff, 'phone', x.received,
               (ARRAY['attitude','service','repair','security','cleaning','parking',
                      'neighbour','fees','facility','other'])[1 + g %% 10],
               CASE WHEN x.old THEN 'closed' ELSE 'received' END, 'department',
               CASE WHEN x.old THEN (%(depts)s)[1 + g %% 4] END, '投诉 #' || g,
               CASE WHEN x.old THEN x.received + interval '2 hours' END,
               CASE WHEN x.old THEN x.received + interval '3 hours' END,
               CASE WHEN x.old THEN x.received + interval '2 days' END,
               CASE WHEN x.old THEN x.received + interval '3 days' END,
               CASE WHEN x.old THEN 'service' END,
               CASE WHEN x.old THEN '已处理' END,
               CASE WHEN x.old THEN 2 ELSE 0 END, CASE WHEN x.old THEN 72 ELSE 0 END,
               CASE WHEN x.old THEN 'done' ELSE 'none' END,
               CASE WHEN x.old THEN x.sat::text END,
               x.old AND x.sat >= 4, CASE WHEN x.old AND x.sat >= 4 THEN 100 ELSE 0 END,
               false, %(uid)s, %(uid)s, x.received, x.received
          FROM generate_series(0, %(K)s - 1) g
          CROSS JOIN LATERAL (
            SELECT %(anchor)s::timestamp
                   - make_interval(secs => (1 - (g + random()) / %(K)s) * %(days)s * 86400)
                   AS received, floor(random() * %(U)s)::int AS unit_g,
                   2 + floor(random() * 4)::int AS sat) r
          CROSS JOIN LATERAL (SELECT r.received,
                                     r.received < %(anchor)s::timestamp - interval '7 days' AS old,
                                     r.sat) x
          JOIN hanling_unit u ON u.id = %(u0)s + r.unit_g
          JOIN hanling_occupancy o ON o.unit_id = u.id AND o.role = 'owner'
          JOIN res_partner p ON p.id = o.partner_id
          CROSS JOIN LATERAL (
            SELECT (%(staff)s)[1 + r.unit_g / %(upc)s %% cardinality(%(staff)s)] AS staff) d
        """,
        {
            **common,
            "c0": c0,
            "K": K,
            "depts": departments.ids,
            "n0": _sequence_next(env, "hanling.complaint"),
        },
    )
    cr.execute(
        """
        INSERT INTO hanling_callback (res_model, res_id, company_id, partner_id, unit_id, user_id,
                                      date_due, date_done, state, satisfaction, attempt_count,
                                      create_uid, write_uid, create_date, write_date)
        SELECT 'hanling.complaint', id, company_id, partner_id, unit_id, %s,
               date_resolved + interval '1 day', date_closed, 'done', callback_satisfaction, 0,
               %s, %s, date_resolved, date_closed
          FROM hanling_complaint WHERE id >= %s AND id < %s AND state = 'closed'
        """,
        [uid, uid, uid, c0, c0 + K],
    )
    _advance_sequence(env, "hanling.complaint", K)
    # The shift depends on the company's hours and time zone: the ORM computes it.
    Complaint = env["hanling.complaint"]
    for lo in range(c0, c0 + K, 20_000):
        records = Complaint.browse(range(lo, min(lo + 20_000, c0 + K)))
        env.add_to_compute(Complaint._fields["shift"], records)
        records.flush_recordset(["shift"])
        env.invalidate_all()
        if commit:
            cr.commit()
    step("complaints")

    # ---------------------------------------------------------------- errands
    t0 = time.perf_counter()
    E = sizes["errands"]
    e0 = _reserve(cr, "hanling_errand", E)
    cr.execute(
        """
        INSERT INTO hanling_errand (
            id, name, state, active, company_id, community_id, unit_id, partner_id,
            contact_phone, received_by_id, channel, date_received, kind, description, occasion,
            payment_method, delivery_method, involves_purchase, recipient_must_sign,
            estimated_amount, payment_status, date_cancelled, cancel_reason, create_uid,
            write_uid, create_date, write_date)
        SELECT %(e0)s + g, 'WT' || to_char(x.received + interval '8 hours', 'YYYY') || '-'
                           || lpad((%(n0)s + g)::text, greatest(4, length((%(n0)s + g)::text)), '0'),
               CASE WHEN x.old THEN 'cancel' ELSE 'draft' END, true, %(company)s,
               u.community_id, u.id, o.partner_id, p.mobile,
               (%(staff)s)[1 + x.unit_g / %(upc)s %% cardinality(%(staff)s)], 'phone', x.received,
               (ARRAY['cake','goods','booking','mail','other'])[1 + g %% 5], '代办 #' || g, 'none',
               'cash', 'office', true, true, 100 + g %% 400, 'none',
               CASE WHEN x.old THEN x.received + interval '1 day' END,
               CASE WHEN x.old THEN '住户取消' END, %(uid)s, %(uid)s, x.received, x.received
          FROM (SELECT g, received, unit_g, received < %(anchor)s::timestamp - interval '7 days'
                       AS old
                  FROM (SELECT g, %(anchor)s::timestamp
                                  - make_interval(secs => (1 - (g + random()) / %(E)s)
                                                  * %(days)s * 86400) AS received,
                               floor(random() * %(U)s)::int AS unit_g
                          FROM generate_series(0, %(E)s - 1) g) r) x
          JOIN hanling_unit u ON u.id = %(u0)s + x.unit_g
          JOIN hanling_occupancy o ON o.unit_id = u.id AND o.role = 'owner'
          JOIN res_partner p ON p.id = o.partner_id
        """,
        {**common, "e0": e0, "E": E, "n0": _sequence_next(env, "hanling.errand")},
    )
    _advance_sequence(env, "hanling.errand", E)
    step("errands")

    # The overdue flags depend on the time: the deadline check's flag pass sets the ones that
    # hold (and no reminders: activities are not generated).
    t0 = time.perf_counter()
    Deadlines = env["hanling.deadline.mixin"]
    for name in Deadlines._deadline_models():
        for spec in env[name]._deadline_specs().values():
            env[name]._deadline_update_flags(spec)
        env.invalidate_all()
    step("deadline flags")

    t0 = time.perf_counter()
    cr.execute("ANALYZE")
    step("analyze")
    timings["total"] = time.perf_counter() - start_all
    env.registry.clear_cache()
    return timings


def _sequence_next(env, code):
    """The number the sequence would give next, without consuming it."""
    seq = env["ir.sequence"].sudo().search([("code", "=", code)], limit=1)
    if seq.implementation == "standard":
        env.cr.execute(
            f"SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END "
            f"FROM ir_sequence_{seq.id:03d}"
        )
        return env.cr.fetchone()[0]
    return seq.number_next


def _advance_sequence(env, code, count):
    """Move a standard (PostgreSQL-backed) ir.sequence past the numbers the generator used."""
    seq = env["ir.sequence"].sudo().search([("code", "=", code)], limit=1)
    if seq.implementation == "standard":
        env.cr.execute(
            f"SELECT setval('ir_sequence_{seq.id:03d}', %s)",
            [_sequence_next(env, code) + count - 1],
        )
    else:
        seq.number_next += count


# Stored computed fields compared by verify(), per model.
VERIFY_FIELDS = {
    "hanling.work.order": [
        "community_id",
        "partner_id",
        "contact_phone",
        "fee_type",
        "date_arrival_deadline",
        "response_minutes",
        "duration_hours",
        "arrival_delay_minutes",
        "arrived_on_time",
        "on_time_rate",
        "satisfaction_score",
        "missed_visit_count",
        "labour_price",
        "amount_materials",
        "amount_estimated",
        "invoice_status",
        "callback_state",
        "callback_satisfaction",
        "callback_date_due",
        "is_arrival_overdue",
        "is_callback_overdue",
    ],
    "hanling.unit": ["community_id", "company_id", "label", "code", "state"],
    "hanling.occupancy": ["community_id", "company_id"],
    "res.partner": ["is_hanling_resident", "commercial_partner_id", "complete_name"],
    "hanling.complaint": [
        "community_id",
        "partner_id",
        "contact_phone",
        "shift",
        "hours_to_first_response",
        "hours_to_close",
        "is_satisfied",
        "satisfied_share",
        "callback_state",
        "callback_satisfaction",
        "is_overdue",
        "is_callback_overdue",
    ],
    "hanling.errand": ["community_id", "partner_id", "contact_phone", "payment_status"],
}


def verify(env, sample=300):
    """Recompute the stored fields of a sample of generated rows with the ORM; list mismatches."""
    return _verify(env, sample)


def _verify(env, sample):
    problems = []
    cr = env.cr
    for model, fnames in VERIFY_FIELDS.items():
        Model = env[model].sudo()
        table = Model._table
        extra = " WHERE is_hanling_resident" if model == "res.partner" else ""
        cr.execute(f"SELECT id FROM {table}{extra} ORDER BY md5(id::text) LIMIT %s", [sample])
        records = Model.browse([r[0] for r in cr.fetchall()])
        env.invalidate_all()
        stored = {f: [r[f] for r in records] for f in fnames}
        cr.execute("SAVEPOINT bench_verify")
        for f in fnames:
            env.add_to_compute(Model._fields[f], records)
        for f in fnames:
            # The compute may leave some fields as they are (e.g. partner_id once set); the
            # record value after recomputation is what the ORM would hold.
            recomputed = [r[f] for r in records]
            for rec, a, b in zip(records, stored[f], recomputed, strict=True):
                if isinstance(a, float) or isinstance(b, float):
                    same = abs((a or 0.0) - (b or 0.0)) < 1e-6
                else:
                    same = a == b
                if not same:
                    problems.append(f"{model}({rec.id}).{f}: stored {a!r}, ORM {b!r}")
        env.invalidate_all()
        env.transaction.tocompute.clear()
        cr.execute("ROLLBACK TO SAVEPOINT bench_verify")
    # Numbers: unique (lpad() truncates, the generator must pad like ir.sequence's %0Nd).
    for table in ("hanling_work_order", "hanling_complaint", "hanling_errand"):
        cr.execute(f"SELECT count(*), count(DISTINCT name) FROM {table}")
        total, distinct = cr.fetchone()
        if total != distinct:
            problems.append(f"{table} numbers: {total - distinct} duplicates")
    return problems


# ---------------------------------------------------------------------- fee bills (issue 19)

FEE_NAME = "物业管理费"
FEE_RATE = 2.5  # per m² and month


def fee_bills(env, units_per_community, *, communities=None, chunk_size=200, log=print):
    """Open fee bills on the generated units, for the counter to take payments of.

    Through hanling_fees itself: per community a monthly 物业管理费 (floor area × 2.50, with its
    filing), subscriptions of its first ``units_per_community`` units (payer: the unit's
    owner; added to those of an earlier call), then a billing run of the first month from this one that these communities have
    not been billed yet (a second call bills the next month), its queue_job chunks performed
    here one after the other and committed. Returns the billing run.
    """
    import base64

    from dateutil.relativedelta import relativedelta

    from odoo.addons.queue_job.job import Job

    communities = communities or env["hanling.community"].search(
        [("code", "=like", "GEN%")], order="code"
    )
    filing = env["ir.attachment"].search([("name", "=", "备案（基准）.txt")], limit=1)
    if not filing:
        filing = env["ir.attachment"].create(
            {
                "name": "备案（基准）.txt",
                "datas": base64.b64encode("物业服务收费备案".encode()),
                "mimetype": "text/plain",
            }
        )
    FeeType = env["hanling.fee.type"]
    start = fields.Date.context_today(FeeType).replace(day=1)
    for community in communities:
        fee_type = FeeType.search(
            [("community_id", "=", community.id), ("name", "=", FEE_NAME)], limit=1
        )
        if not fee_type:
            fee_type = FeeType.create(
                {
                    "name": FEE_NAME,
                    "community_id": community.id,
                    "kind": "area",
                    "subscribe_on_move_in": False,
                }
            )
            env["hanling.fee.tariff"].create(
                {
                    "fee_type_id": fee_type.id,
                    "rate": FEE_RATE,
                    "date_start": start - relativedelta(years=1),
                    "document_ids": [(6, 0, filing.ids)],
                }
            )
        # The first units of the community without this fee yet, up to the number asked.
        env.cr.execute(
            """SELECT u.id, o.partner_id FROM hanling_unit u
                 JOIN hanling_occupancy o ON o.unit_id = u.id AND o.role = 'owner'
                WHERE u.community_id = %(community)s
                  AND NOT EXISTS (SELECT 1 FROM hanling_fee_subscription s
                                   WHERE s.unit_id = u.id AND s.fee_type_id = %(fee)s)
                ORDER BY u.id
                LIMIT greatest(0, %(count)s - (SELECT count(*) FROM hanling_fee_subscription
                                                WHERE fee_type_id = %(fee)s))""",
            {"community": community.id, "fee": fee_type.id, "count": units_per_community},
        )
        env["hanling.fee.subscription"].create(
            [
                {
                    "unit_id": unit_id,
                    "fee_type_id": fee_type.id,
                    "partner_id": partner_id,
                    "date_start": start - relativedelta(years=1),
                    "quantity": 1,
                }
                for unit_id, partner_id in env.cr.fetchall()
            ]
        )
        env.cr.commit()
    Run = env["hanling.fee.run"]
    period = start
    while Run.search_count(
        [
            ("period_start", "=", period),
            ("community_ids", "in", communities.ids),
            ("state", "=", "done"),
        ]
    ):
        period += relativedelta(months=1)
    run = Run.create(
        {
            "period_start": period,
            "community_ids": [(6, 0, communities.ids)],
            "chunk_size": chunk_size,
        }
    )
    run.action_start()
    env.cr.commit()
    for record in env["queue.job"].search(
        [("identity_key", "=like", f"hanling.fee.run-{run.id}-%"), ("state", "=", "pending")],
        order="id",
    ):
        job = Job.load(env, record.uuid)
        job.set_started()
        job.perform()
        job.set_done()
        job.store()
        env.cr.commit()
        log(f"  fee bills: {run.name} chunk {job.uuid[:8]} done")
    run.invalidate_recordset()
    return run
