"""Per-operation cost: SQL queries and milliseconds per record, Hanling beside its peers.

Each operation runs one record at a time (as a user clicks a button), as the user who does it
in the office, and the ORM is flushed after each call so every query it causes is counted.
The peers (OCA helpdesk_mgmt, core repair and maintenance) are measured only when installed in
the database; the CI mode (test_bench_small.py) measures the Hanling operations alone.
"""

import base64
import time

from odoo import fields

SIGNATURE = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4"
        "890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
    )
)

# Hanling operation -> the nearest peer operation it is compared with.
PEER_OF = {
    "work order: create": "helpdesk: ticket create",
    "work order: assign": "helpdesk: ticket assign",
    "work order: start": "repair: start",
    "work order: finish": "repair: end",
    "work order: accept (invoice)": "repair: confirm",
    "work order: callback": "helpdesk: ticket close",
    "work order: close": "helpdesk: ticket close",
    "work order: start+finish+accept": "repair: confirm+start+end",
    "complaint: create": "helpdesk: ticket create",
    "complaint: escalate": "helpdesk: ticket assign",
    "errand: create": "maintenance: request create",
    "errand: through settlement": "repair: create+confirm+start+end",
}
# Composite rows: the sum of their parts.
COMPOSITES = {
    "work order: start+finish+accept": [
        "work order: start",
        "work order: finish",
        "work order: accept (invoice)",
    ],
    "repair: confirm+start+end": ["repair: confirm", "repair: start", "repair: end"],
    "repair: create+confirm+start+end": [
        "repair: create",
        "repair: confirm",
        "repair: start",
        "repair: end",
    ],
}


def make_user(env, login, groups, company, name=None):
    """A user with these groups and no password (hashing one is slow on purpose)."""
    return (
        env["res.users"]
        .with_context(no_reset_password=True, mail_create_nosubscribe=True)
        .create(
            {
                "name": name or login,
                "login": login,
                "email": f"{login}@example.com",
                "groups_id": [(6, 0, [env.ref(g).id for g in groups.split(",")])],
                "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                # The set-up's time zone: the residents it moves in "today" are current for
                # the user whatever the hour (a user in UTC beside a superuser in Europe/Brussels
                # had another "today" from 23:00 to 24:00 UTC).
                "tz": env.user.tz,
            }
        )
    )


class Fixtures:
    """A community, residents, catalogue services and one user per office role."""

    def __init__(self, env, n_units=20):
        self.env = env
        env["ir.default"].set("res.partner", "lang", "en_US")
        company = self.company = env.company
        stamp = str(int(time.time() * 1000))[-7:]
        self.community = env["hanling.community"].create(
            {"name": f"基准小区{stamp}", "code": f"B{stamp}", "company_id": company.id}
        )
        building = env["hanling.building"].create(
            {"name": "1栋", "code": f"BB{stamp}", "community_id": self.community.id}
        )
        self.units = env["hanling.unit"].create(
            [
                {
                    "building_id": building.id,
                    "floor": 1 + i // 4,
                    "room": f"{1 + i // 4}0{i % 4 + 1}",
                }
                for i in range(n_units)
            ]
        )
        self.residents = env["res.partner"].create(
            [
                {"name": f"住户{i:03d}", "mobile": f"139{int(stamp):04d}{i:04d}"[:11]}
                for i in range(n_units)
            ]
        )
        env["hanling.occupancy"].create(
            [
                {"unit_id": unit.id, "partner_id": partner.id, "role": "owner"}
                for unit, partner in zip(self.units, self.residents, strict=True)
            ]
        )
        self.users = {}
        for key, group in [
            ("duty", "group_duty_officer"),
            ("staff", "group_cs_staff"),
            ("tech", "group_technician"),
            ("engsup", "group_eng_supervisor"),
            ("cssup", "group_cs_supervisor"),
            ("manager", "group_manager"),
            ("rep", "group_company_rep"),
        ]:
            self.users[key] = make_user(
                env, f"bench_{key}_{stamp}", f"base.group_user,hanling_property.{group}", company
            )
        Service = env["hanling.service"]
        self.service = Service.create(
            {"name": f"基准 更换水龙头 {stamp}", "fee_type": "paid", "list_price": 20.0}
        )
        self.department = env["hanling.complaint.department"].create(
            {
                "name": f"基准工程部{stamp}",
                "head_id": self.users["engsup"].id,
                "company_id": company.id,
            }
        )
        self.supplier = env["res.partner"].create({"name": f"基准蛋糕坊{stamp}"})
        self.cash_journal = env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "cash")], limit=1
        )
        self.peer_user = env.ref("base.user_admin")
        self.peers = {
            name
            for name in ("helpdesk_mgmt", "repair", "maintenance")
            if env["ir.module.module"].search_count(
                [("name", "=", name), ("state", "=", "installed")]
            )
        }
        if "repair" in self.peers:
            self.repair_product = env["product.product"].create(
                {"name": f"基准 待修电器 {stamp}", "type": "consu"}
            )
        env.flush_all()

    def unit(self, i):
        return self.units[i % len(self.units)]


def _hanling_ops(fx):
    """Hanling operations: (name, prepare(i) -> state, run(state)), state passed from op to op."""
    env = fx.env
    u = fx.users
    Order = env["hanling.work.order"]
    Complaint = env["hanling.complaint"]
    Errand = env["hanling.errand"]
    wo, comp, err = {}, {}, {}

    def wo_create(i):
        wo[i] = Order.with_user(u["duty"]).create(
            {"unit_id": fx.unit(i).id, "description": "厨房水龙头漏水", "service_id": fx.service.id}
        )

    def wo_assign(i):
        order = wo[i].with_user(u["engsup"])
        order.technician_id = u["tech"]
        order.action_assign()

    def wo_start(i):
        wo[i].with_user(u["tech"]).action_arrive_scan(wo[i].unit_id._hanling_portal_url())

    def wo_finish(i):
        order = wo[i].with_user(u["tech"])
        order.inspection_note = "阀芯老化"
        order.action_finish()

    def wo_accept(i):
        order = wo[i].with_user(u["tech"])
        order.write(
            {
                "resident_signature": SIGNATURE,
                "resident_signed_by": "王伟",
                "resident_opinion": "满意",
            }
        )
        order.action_accept()

    def wo_callback(i):
        callback = wo[i].sudo().callback_ids.with_user(u["engsup"])
        callback.write({"satisfaction": "5", "comment": "很好"})
        callback.action_done()

    def wo_close(i):
        wo[i].with_user(u["engsup"]).action_close()

    def complaint_create(i):
        comp[i] = Complaint.with_user(u["staff"]).create(
            {"unit_id": fx.unit(i).id, "content": "楼道灯坏了三天没人修", "category": "repair"}
        )

    def complaint_escalate(i):
        complaint = comp[i].with_user(u["manager"])
        complaint.write({"department_id": fx.department.id, "escalation_note": "部门未能处理"})
        complaint.action_escalate()

    def errand_create(i):
        err[i] = Errand.with_user(u["staff"]).create(
            {
                "unit_id": fx.unit(i).id,
                "description": "8寸水果蛋糕",
                "kind": "cake",
                "estimated_amount": 300.0,
            }
        )

    def errand_settle(i):
        errand = err[i]
        errand.write({"commission_signature": SIGNATURE, "commission_signed_by": "王伟"})
        errand.action_confirm()
        errand._action_register_prepayment(300.0, fx.cash_journal)
        errand.write({"supplier_id": fx.supplier.id, "supervisor_id": u["cssup"].id})
        errand.action_order()
        errand.write({"received_by_name": "王伟", "recipient_signature": SIGNATURE})
        errand.action_deliver()
        attachment = env["ir.attachment"].create(
            {"name": "凭证.png", "datas": SIGNATURE, "res_model": errand._name, "res_id": errand.id}
        )
        errand.write({"voucher_attachment_ids": [(6, 0, attachment.ids)], "voucher_amount": 268.0})
        errand.action_settle()

    checks = {
        "work order: close": lambda i: (
            wo[i].sudo().state == "closed"
            and wo[i].sudo().invoice_id.state == "posted"
            and wo[i].sudo().invoice_id.amount_total == 20.0
            and bool(wo[i].name.strip("/"))
        ),
        "complaint: escalate": lambda i: comp[i].sudo().escalation_level == "manager",
        "errand: through settlement": lambda i: err[i].sudo().state not in ("draft", "confirmed"),
    }
    ops = [
        ("work order: create", wo_create),
        ("work order: assign", wo_assign),
        ("work order: start", wo_start),
        ("work order: finish", wo_finish),
        ("work order: accept (invoice)", wo_accept),
        ("work order: callback", wo_callback),
        ("work order: close", wo_close),
        ("complaint: create", complaint_create),
        ("complaint: escalate", complaint_escalate),
        ("errand: create", errand_create),
        # Commission, prepayment, order, delivery and settlement, as the front-desk staff.
        ("errand: through settlement", errand_settle),
    ]
    return ops, checks, {"wo": wo, "complaint": comp, "errand": err}


def _peer_ops(fx):
    env = fx.env
    admin = fx.peer_user
    ops, checks = [], {}
    if "helpdesk_mgmt" in fx.peers:
        Ticket = env["helpdesk.ticket"].with_user(admin)
        closed = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        tickets = {}

        def ticket_create(i):
            tickets[i] = Ticket.create(
                {
                    "name": "厨房水龙头漏水",
                    "description": "<p>厨房水龙头漏水</p>",
                    "partner_id": fx.residents[i % len(fx.residents)].id,
                }
            )

        def ticket_assign(i):
            tickets[i].user_id = admin

        def ticket_close(i):
            tickets[i].stage_id = closed

        ops += [
            ("helpdesk: ticket create", ticket_create),
            ("helpdesk: ticket assign", ticket_assign),
            ("helpdesk: ticket close", ticket_close),
        ]
        checks["helpdesk: ticket close"] = lambda i: tickets[i].closed
    if "repair" in fx.peers:
        Repair = env["repair.order"].with_user(admin)
        repairs = {}

        def repair_create(i):
            repairs[i] = Repair.create(
                {
                    "product_id": fx.repair_product.id,
                    "partner_id": fx.residents[i % len(fx.residents)].id,
                }
            )

        def repair_confirm(i):
            repairs[i].action_validate()

        def repair_start(i):
            repairs[i].action_repair_start()

        def repair_end(i):
            repairs[i].action_repair_end()

        ops += [
            ("repair: create", repair_create),
            ("repair: confirm", repair_confirm),
            ("repair: start", repair_start),
            ("repair: end", repair_end),
        ]
        checks["repair: end"] = lambda i: repairs[i].state == "done"
    if "maintenance" in fx.peers:
        Request = env["maintenance.request"].with_user(admin)

        def request_create(i):
            Request.create({"name": "电梯异响", "description": "<p>电梯异响</p>"})

        ops.append(("maintenance: request create", request_create))
    # Reference, not a peer: what one customer invoice of one line costs in Odoo accounting
    # (the work order's acceptance creates and posts one).
    Move = env["account.move"]
    product = env.ref("hanling_property.product_work_order_materials")

    def invoice_create_post(i):
        Move.create(
            {
                "move_type": "out_invoice",
                "partner_id": fx.residents[i % len(fx.residents)].id,
                "invoice_line_ids": [
                    fields.Command.create({"product_id": product.id, "price_unit": 20.0})
                ],
            }
        ).action_post()

    ops.append(("reference: one-line invoice create+post", invoice_create_post))
    return ops, checks


def measure(env, n=200, warmup=5, peers=True, fixtures=None):
    """Run every operation on n records; returns {op: {"queries": q/rec, "ms": ms/rec}}.

    Nothing is committed by this function; the caller rolls back.
    """
    fx = fixtures or Fixtures(env)
    ops, checks, _records = _hanling_ops(fx)
    if peers:
        peer_ops, peer_checks = _peer_ops(fx)
        ops += peer_ops
        checks.update(peer_checks)
    cr = env.cr
    results = {}
    # Warm-up: the first records fill the registry caches (views, ACLs, sequences, templates).
    for i in range(-warmup, 0):
        for _name, run in ops:
            run(i)
        env.flush_all()
    for name, run in ops:
        queries = 0
        elapsed = 0.0
        for i in range(n):
            env.invalidate_all()
            q0 = cr.sql_log_count
            t0 = time.perf_counter()
            run(i)
            env.flush_all()
            elapsed += time.perf_counter() - t0
            queries += cr.sql_log_count - q0
        results[name] = {"queries": queries / n, "ms": elapsed * 1000 / n}
    failures = [name for name, check in checks.items() for i in range(n) if not check(i)]
    for name, parts in COMPOSITES.items():
        if all(p in results for p in parts):
            results[name] = {
                "queries": sum(results[p]["queries"] for p in parts),
                "ms": sum(results[p]["ms"] for p in parts),
            }
    return results, sorted(set(failures))


def table(results):
    """Markdown table with the ratio to the nearest peer operation (< 1: Hanling is cheaper)."""
    lines = [
        "| Operation | queries/rec | ms/rec | peer operation | peer queries | peer ms "
        "| ratio queries | ratio ms |",
        "|---|---:|---:|---|---:|---:|---:|---:|",
    ]
    for name, row in results.items():
        peer = PEER_OF.get(name)
        if peer and peer in results:
            p = results[peer]
            lines.append(
                f"| {name} | {row['queries']:.1f} | {row['ms']:.1f} | {peer} | {p['queries']:.1f} "
                f"| {p['ms']:.1f} | {row['queries'] / max(p['queries'], 0.01):.2f} "
                f"| {row['ms'] / max(p['ms'], 0.01):.2f} |"
            )
        else:
            lines.append(f"| {name} | {row['queries']:.1f} | {row['ms']:.1f} | | | | | |")
    return "\n".join(lines)


__all__ = ["Fixtures", "measure", "table", "fields"]
