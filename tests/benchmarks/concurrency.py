"""The office at its peak (issue 19, item 4): a real server with worker processes and simulated
users on 127.0.0.1, each doing its part of the day's work side by side, then a proof from the
database that nothing the users were told was done is missing, doubled or misnumbered.

The users (``roles(users)`` splits them in the proportions of ``SHARES``; 50 by default):

- desk: the duty officer of a community takes a repair call (work order create);
- staff: customer service records a complaint;
- supervisor: the engineering supervisor assigns each new order to a technician (set the
  technician, assign), and makes the callback of the orders he assigned once they are finished
  (the planned callback: satisfaction, done);
- technician: on the phone, scans the unit's code at the door (start), writes the inspection
  and finishes;
- cashier: the front desk at the counter takes the payment of a unit's open fee bills with
  hanling_fees' counter wizard (``hanling.fee.counter.payment``), which pays the invoices
  and issues the numbered receipt (收据), and prints the receipt (its PDF);
- resident: on the portal, /my/home, /my/units, /my/work_orders, /my/complaints, /my/fees.

Each user works in a loop with a think time (``think`` seconds on average) until the time is
up. Every request goes through the web client's own routes (``/web/session/authenticate``, then
``/web/dataset/call_kw`` or the portal pages). The data comes from ``prepare()``: the users of
the roles, portal users for residents of billed units, and open fee bills made by hanling_fees'
billing run on the generated units (``generate.fee_bills``).

Afterwards the database is checked: every work order, complaint, callback and receipt the
client was told about exists in the state it was told; no record the client was not told about;
work-order and receipt numbers (both gap-free, per company) consecutive from the next number
before the run, and the next number right after them; the payments' journal
entries numbered without gap or duplicate; every bill paid at the counter paid once. Errors the
users saw are counted per kind; conflicts the server retried (and so hid) are counted from its
log, apart.
"""

import collections
import http.cookiejar
import itertools
import json
import os
import queue
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import psycopg2

PASSWORD = "bench"  # what generate.py gives every generated user
PREFIX = "peak_"  # logins of the users prepare() makes
# Roles per 50 users.
SHARES = {
    "desk": 6,
    "staff": 3,
    "supervisor": 6,
    "technician": 14,
    "cashier": 6,
    "resident": 15,
}
ROLE_GROUPS = {
    "desk": "base.group_user,hanling_property.group_duty_officer",
    "staff": "base.group_user,hanling_property.group_cs_staff",
    "supervisor": "base.group_user,hanling_property.group_eng_supervisor",
    "technician": "base.group_user,hanling_property.group_technician",
    # The front desk takes fee payments at the counter (the wizard asks for the duty officer).
    "cashier": "base.group_user,hanling_property.group_duty_officer",
}
PORTAL_PAGES = ["/my/home", "/my/units", "/my/work_orders", "/my/complaints", "/my/fees"]
RECEIPT_REPORT = "hanling_fees.report_fee_receipt"
# What the user is shown as a message (a refusal), as opposed to "Odoo Server Error".
USER_ERRORS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.RedirectWarning",
    "odoo.addons.hanling_property.tools.workflow.WorkflowGuardError",
    "odoo.addons.hanling_property.tools.workflow.EditLockError",
}


def roles(users):
    """{role: count} for ``users`` users, every role at least once."""
    if users < len(SHARES):
        raise ValueError(f"at least {len(SHARES)} users, one per role")
    total = sum(SHARES.values())
    counts = {role: max(1, round(share * users / total)) for role, share in SHARES.items()}
    while sum(counts.values()) > users:
        role = max(counts, key=lambda r: counts[r])
        counts[role] -= 1
    while sum(counts.values()) < users:
        counts["resident"] += 1
    return counts


# ---------------------------------------------------------------------- data (ORM, committed)


def prepare(env, users=50, bill_units=None, seconds=300, log=print):
    """Users of every role, residents with portal access, open fee bills; committed.

    Needs the generated communities (generate.generate). ``bill_units`` (per community, default
    from the cashiers and the duration) is how many units get a subscription and a bill.
    Returns the plan of the run (JSON-serialisable).
    """
    import generate
    from ops import make_user

    counts = roles(users)
    company = env.company
    communities = env["hanling.community"].search([("code", "=like", "GEN%")], order="code")
    if not communities:
        raise RuntimeError("no generated communities: run generate.generate first")
    if bill_units is None:
        # A payment every 3 s per cashier at most (the counter, then the printed receipt),
        # plus the residents' units.
        needed = counts["cashier"] * seconds // 3 + counts["resident"]
        bill_units = max(4, -(-needed // len(communities)))
    logins = {}
    for role, count in counts.items():
        if role == "resident":
            continue
        logins[role] = [f"{PREFIX}{role}{i:03d}" for i in range(count)]
        existing = set(env["res.users"].search([("login", "in", logins[role])]).mapped("login"))
        for login in logins[role]:
            if login not in existing:
                make_user(env, login, ROLE_GROUPS[role], company)
    env.cr.commit()
    run = generate.fee_bills(env, bill_units, communities=communities, log=log)
    log(f"  {run.name}: {run.invoice_count} invoices, {run.failed_count} failed")
    # The units with an open bill of the run, one community after the other.
    env.cr.execute(
        """SELECT b.unit_id, b.partner_id, u.community_id
             FROM hanling_fee_bill_line b
             JOIN hanling_unit u ON u.id = b.unit_id
             JOIN account_move m ON m.id = b.move_id
            WHERE b.run_id = %s AND m.state = 'posted' AND m.payment_state = 'not_paid'
            ORDER BY b.unit_id""",
        [run.id],
    )
    by_community = collections.defaultdict(list)
    for unit_id, partner_id, community_id in env.cr.fetchall():
        by_community[community_id].append((unit_id, partner_id))
    billed = [
        pair for group in itertools.zip_longest(*by_community.values()) for pair in group if pair
    ]
    # Residents on the portal: the owners of the first billed units (their bills stay open).
    portal = env.ref("base.group_portal")
    resident_logins, resident_units = [], set()
    for i, (unit_id, partner_id) in enumerate(billed[: counts["resident"]]):
        login = f"{PREFIX}resident{i:03d}"
        user = env["res.users"].with_context(active_test=False).search([("login", "=", login)])
        if user and user.partner_id.id != partner_id:
            user.login = f"{login}_{user.id}"  # a resident of an earlier run's bills
            user = user.browse()
        if not user:
            env["res.users"].with_context(
                no_reset_password=True, mail_create_nosubscribe=True
            ).create(
                {
                    "login": login,
                    "partner_id": partner_id,
                    "groups_id": [(6, 0, portal.ids)],
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                }
            )
        resident_logins.append(login)
        resident_units.add(unit_id)
    env.flush_all()
    env.cr.execute(
        "UPDATE res_users SET password = %s WHERE login LIKE %s",
        [env["res.users"]._crypt_context().hash(PASSWORD), PREFIX.replace("_", "\\_") + "%"],
    )
    env.cr.commit()
    logins["resident"] = resident_logins
    to_pay = [unit_id for unit_id, _partner in billed if unit_id not in resident_units]
    cashiers = logins["cashier"]
    desks = logins["desk"] + logins["staff"]
    env.cr.execute(
        """SELECT community_id, array_agg(id ORDER BY id) FROM (
               SELECT id, community_id,
                      row_number() OVER (PARTITION BY community_id ORDER BY id) AS n
                 FROM hanling_unit WHERE community_id IN %s) u
            WHERE n <= 50 GROUP BY community_id ORDER BY community_id""",
        [tuple(communities.ids)],
    )
    units = [ids for _community, ids in env.cr.fetchall()]
    service = env["hanling.service"].search(
        [("fee_type", "=", "free"), ("company_id", "in", (False, company.id))], limit=1
    )
    # The QR code printed at each unit's door (with its key), which the technician scans.
    Unit = env["hanling.unit"]
    codes = {
        str(unit_id): Unit.browse(unit_id)._hanling_portal_url() for ids in units for unit_id in ids
    }
    env.cr.commit()  # a unit's key is made when its code is first printed
    return {
        "roles": counts,
        "logins": logins,
        "unit_codes": codes,
        # Each desk (and staff) works for one community: the first units of it.
        "desk_units": {login: units[i % len(units)] for i, login in enumerate(desks)},
        # Each cashier takes the payments of its own units (no two clerks on one bill).
        "cashier_units": {login: to_pay[i :: len(cashiers)] for i, login in enumerate(cashiers)},
        "service_id": service.id,
        "fee_run": run.id,
        "company_id": company.id,
    }


# ---------------------------------------------------------------------- client


class RpcError(Exception):
    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


class HttpStatusError(Exception):
    def __init__(self, status):
        super().__init__(f"HTTP {status}")
        self.status = status


class Session:
    """One user's web-client session: /web/session/authenticate once, then call_kw or pages.

    This is what the browser does; it avoids hashing the password on every call (which
    /jsonrpc's execute_kw does, by design slowly).
    """

    def __init__(self, base, db, login):
        self.base = base
        self.db = db
        self.login = login
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.uid = None

    def _open(self, req):
        try:
            with self.opener.open(req, timeout=300) as resp:
                if "/web/login" in resp.geturl():
                    raise ValueError(f"sent to the login page instead of {req.full_url}")
                return resp.status, resp.read()
        except urllib.error.HTTPError as e:
            raise HttpStatusError(e.code) from None

    def post(self, path, params):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": random.randint(1, 10**9),
            "params": params,
        }
        req = urllib.request.Request(
            self.base + path, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )
        _status, raw = self._open(req)
        body = json.loads(raw)
        if "error" in body:
            data = body["error"].get("data", {})
            raise RpcError(data.get("name") or "?", data.get("message") or "")
        return body["result"]

    def authenticate(self):
        result = self.post(
            "/web/session/authenticate",
            {"db": self.db, "login": self.login, "password": PASSWORD},
        )
        self.uid = result["uid"]
        return self.uid

    def call(self, model, method, *args, **kwargs):
        return self.post(
            f"/web/dataset/call_kw/{model}/{method}",
            {
                "model": model,
                "method": method,
                "args": list(args),
                "kwargs": {"context": {"lang": "en_US", "tz": "Asia/Shanghai"}, **kwargs},
            },
        )

    def get(self, path):
        status, body = self._open(urllib.request.Request(self.base + path))
        return status, body


# The server is started from a script, not ``python -m odoo``: with workers it starts its gevent
# (websocket bus) process as ``python sys.argv[0] gevent``, which ``-m`` makes odoo/__main__.py
# (it fails, and is started again every second). The simulated users open no websocket, so the
# bus process only waits here: it costs the run nothing, as it would cost nothing at the
# office while nobody is notified (and gevent's monkey-patching fails in some environments).
LAUNCHER = """import signal
import sys

if sys.argv[1:2] == ["gevent"]:
    signal.pause()
from odoo.cli.command import main

main()
"""


def start_server(db, *, workers, port, root, logfile, extra=(), limit_time=900, env=None):
    """``odoo --workers`` on ``db`` alone, in a session of its own (killpg stops it all)."""
    launcher = os.path.join("/tmp", f"{db}_odoo_bin.py")
    with open(launcher, "w", encoding="utf-8") as f:
        f.write(LAUNCHER)
    return subprocess.Popen(
        [
            sys.executable,
            launcher,
            "-c",
            os.path.join(root, "odoo.conf"),
            "-d",
            db,
            f"--db-filter=^{db}$",
            f"--workers={workers}",
            f"--http-port={port}",
            "--gevent-port",
            str(port + 1000),
            "--max-cron-threads=0",
            "--log-level=warn",
            f"--limit-time-real={limit_time}",
            f"--limit-time-cpu={limit_time}",
            "--limit-memory-soft=4294967296",
            "--limit-memory-hard=5368709120",
            *extra,
        ],
        cwd=root,
        env=env,
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_port(port, timeout=180):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(1)
    return False


def _pct(values, q):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] * 1000, 1)


def _normalise(message):
    """An error message without its record names and numbers: one kind per cause."""
    return re.sub(r"\d+", "N", (message or "").splitlines()[0] if message else "")[:140]


# ---------------------------------------------------------------------- the run


def run(
    db,
    plan,
    *,
    seconds=300,
    port=8139,
    workers=4,
    think=1.0,
    print_receipts=True,
    log=print,
    root=".",
):
    """Start ``odoo --workers`` on ``db``, run the users of ``plan`` for ``seconds``, check."""
    dsn = f"dbname={db} host={os.environ.get('PGHOST', '/var/run/postgresql')}"
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    cur = conn.cursor()
    company_id = plan["company_id"]
    before = _snapshot(cur, company_id)

    logpath = os.path.join("/tmp", f"{db}_server.log")
    logfile = open(logpath, "w")  # noqa: SIM115
    server = start_server(
        db,
        workers=workers,
        port=port,
        root=root,
        logfile=logfile,
        # The request retries (serialization failures, lock conflicts) are logged at INFO.
        extra=("--log-handler=odoo.service.model:INFO", "--db_maxconn=64"),
    )
    lock = threading.Lock()
    latencies = collections.defaultdict(list)
    errors = collections.Counter()  # (operation, error name, message) -> count
    http_5xx = collections.Counter()
    told = {
        "orders": {},  # id -> last state the client was told
        "unknown_orders": set(),  # a step whose answer never came (timeout)
        "callbacks": set(),  # work order ids whose callback was done
        "complaints": set(),
        "receipts": {},  # receipt id -> unit id
        "paid_units": set(),
        "unknown_payments": set(),
    }
    stop = threading.Event()
    to_assign = queue.Queue()
    tech_queues = {login: queue.Queue() for login in plan["logins"]["technician"]}
    callback_queues = {login: queue.Queue() for login in plan["logins"]["supervisor"]}
    techs = itertools.cycle(plan["logins"]["technician"])
    rng = random.Random(19)

    def timed(operation, fn):
        """(ok, result) of fn(); its latency or its error recorded under ``operation``."""
        t0 = time.perf_counter()
        try:
            result = fn()
        except RpcError as e:
            kind = "user" if e.name in USER_ERRORS else "server"
            with lock:
                errors[(operation, kind, e.name, _normalise(e.message))] += 1
            return False, e
        except HttpStatusError as e:
            with lock:
                errors[(operation, "http", f"HTTP {e.status}", "")] += 1
                if e.status >= 500:
                    http_5xx[operation] += 1
            return False, e
        except (OSError, ValueError) as e:  # timeout, connection reset, not JSON
            with lock:
                errors[(operation, "client", type(e).__name__, _normalise(str(e)))] += 1
            return None, e
        with lock:
            latencies[operation].append(time.perf_counter() - t0)
        return True, result

    def pause():
        if think:
            time.sleep(rng.uniform(0.5, 1.5) * think)

    def desk(s, units):
        for unit_id in itertools.cycle(units):
            if stop.is_set():
                return
            ok, oid = timed(
                "work order: create",
                lambda u=unit_id: s.call(
                    "hanling.work.order",
                    "create",
                    {
                        "unit_id": u,
                        "description": "高峰 厨房水龙头漏水",
                        "service_id": plan["service_id"],
                    },
                ),
            )
            if ok:
                with lock:
                    told["orders"][oid] = "draft"
                # The technician scans the code printed at the unit's door.
                order_units[oid] = plan["unit_codes"][str(unit_id)]
                to_assign.put(oid)
            pause()

    def staff(s, units):
        for unit_id in itertools.cycle(units):
            if stop.is_set():
                return
            ok, cid = timed(
                "complaint: create",
                lambda u=unit_id: s.call(
                    "hanling.complaint",
                    "create",
                    {"unit_id": u, "content": "高峰 楼道灯坏了", "category": "repair"},
                ),
            )
            if ok:
                with lock:
                    told["complaints"].add(cid)
            pause()

    def supervisor(s):
        mine = callback_queues[s.login]
        while not stop.is_set():
            worked = False
            try:
                oid = to_assign.get_nowait()
            except queue.Empty:
                oid = None
            if oid:
                worked = True
                tech = next(techs)

                def assign(oid=oid, tech=tech):
                    s.call("hanling.work.order", "write", [oid], {"technician_id": uids[tech]})
                    return s.call("hanling.work.order", "action_assign", [oid])

                ok, _r = timed("work order: assign", assign)
                if ok:
                    with lock:
                        told["orders"][oid] = "assigned"
                    tech_queues[tech].put((oid, s.login))
                elif ok is None:
                    told["unknown_orders"].add(oid)
                pause()
            if stop.is_set():
                return
            try:
                oid = mine.get_nowait()
            except queue.Empty:
                oid = None
            if oid:
                worked = True

                def callback(oid=oid):
                    ids = s.call(
                        "hanling.callback",
                        "search",
                        [
                            ("res_model", "=", "hanling.work.order"),
                            ("res_id", "=", oid),
                            ("state", "=", "planned"),
                        ],
                    )
                    s.call(
                        "hanling.callback", "write", ids, {"satisfaction": "5", "comment": "满意"}
                    )
                    return s.call("hanling.callback", "action_done", ids)

                ok, _r = timed("work order: callback", callback)
                if ok:
                    with lock:
                        told["callbacks"].add(oid)
                pause()
            if not worked:
                time.sleep(0.2)

    def technician(s):
        mine = tech_queues[s.login]
        while not stop.is_set():
            try:
                oid, sup = mine.get(timeout=0.5)
            except queue.Empty:
                continue
            unit_code = order_units.get(oid)
            ok, _r = timed(
                "work order: start",
                lambda oid=oid, code=unit_code: s.call(
                    "hanling.work.order", "action_arrive_scan", [oid], code
                ),
            )
            if not ok:
                if ok is None:
                    told["unknown_orders"].add(oid)
                continue
            with lock:
                told["orders"][oid] = "in_progress"
            pause()
            if stop.is_set():
                return

            def finish(oid=oid):
                s.call("hanling.work.order", "write", [oid], {"inspection_note": "阀芯老化"})
                return s.call("hanling.work.order", "action_finish", [oid])

            ok, _r = timed("work order: finish", finish)
            if ok:
                with lock:
                    told["orders"][oid] = "done"
                callback_queues[sup].put(oid)
            elif ok is None:
                told["unknown_orders"].add(oid)
            pause()

    def cashier(s, units):
        for unit_id in units:
            if stop.is_set():
                return

            def pay(u=unit_id):
                wizard = s.call("hanling.fee.counter.payment", "create", {"unit_id": u})
                action = s.call("hanling.fee.counter.payment", "action_pay", [wizard])
                return action["context"]["active_ids"][0]

            ok, receipt_id = timed("fee: counter payment + receipt", pay)
            if ok:
                with lock:
                    told["receipts"][receipt_id] = unit_id
                    told["paid_units"].add(unit_id)
                if print_receipts:
                    pause()

                    def pdf(r=receipt_id):
                        status, body = s.get(f"/report/pdf/{RECEIPT_REPORT}/{r}")
                        if not body.startswith(b"%PDF"):
                            raise ValueError("the receipt is not a PDF")
                        return status

                    timed("fee: receipt PDF", pdf)
            elif ok is None:
                told["unknown_payments"].add(unit_id)
            pause()

    def resident(s):
        for path in itertools.cycle(PORTAL_PAGES):
            if stop.is_set():
                return
            timed(f"portal: {path}", lambda p=path: s.get(p))
            pause()

    order_units = {}  # order id -> the QR code of its unit

    try:
        if not _wait_port(port):
            raise RuntimeError(f"the server did not start (see {logpath})")
        base = f"http://127.0.0.1:{port}"
        sessions = []
        uids = {}
        login_errors = []

        def connect(role, login):
            s = Session(base, db, login)
            try:
                uids[login] = s.authenticate()
                # Warm-up: every worker loads the registry and its caches before the clock.
                if role == "resident":
                    for path in PORTAL_PAGES:
                        s.get(path)
                else:
                    s.call("res.users", "read", [s.uid], ["name"])
                sessions.append((role, s))
            except Exception as e:  # noqa: BLE001
                with lock:
                    login_errors.append(f"{login}: {e}")

        # The users arrive a few at a time (the server's listen queue is 8 per worker: 50
        # logins at the same instant are refused, which is not what an office does at 8:00).
        pending = [(role, login) for role, logins in plan["logins"].items() for login in logins]
        while pending:
            batch, pending = pending[: 2 * workers], pending[2 * workers :]
            threads = [threading.Thread(target=connect, args=pair) for pair in batch]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        log(f"{len(sessions)} users connected, {len(login_errors)} failed")
        targets = {
            "desk": lambda s: desk(s, plan["desk_units"][s.login]),
            "staff": lambda s: staff(s, plan["desk_units"][s.login]),
            "supervisor": supervisor,
            "technician": technician,
            "cashier": lambda s: cashier(s, plan["cashier_units"][s.login]),
            "resident": resident,
        }
        threads = [
            threading.Thread(target=targets[role], args=(s,), daemon=True) for role, s in sessions
        ]
        load0 = os.getloadavg()
        t_start = time.perf_counter()
        for t in threads:
            t.start()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join(timeout=600)
        elapsed = time.perf_counter() - t_start
        load1 = os.getloadavg()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        logfile.close()

    with open(logpath, encoding="utf-8", errors="replace") as f:
        server_log = f.read()
    proof = _check(cur, company_id, before, told)
    conn.close()
    operations = {
        op: {
            "count": len(v),
            "per_s": round(len(v) / elapsed, 2),
            "p50": _pct(v, 50),
            "p95": _pct(v, 95),
            "p99": _pct(v, 99),
            "mean": round(statistics.mean(v) * 1000, 1) if v else None,
        }
        for op, v in sorted(latencies.items())
    }
    error_kinds = collections.Counter()
    for (op, kind, name, message), n in errors.items():
        error_kinds[f"{op} | {kind} | {name} | {message}"] += n
    retried = collections.Counter(
        re.findall(r"INFO \S+ odoo\.service\.model: (\w+), \d+ tries left", server_log)
    )
    return {
        "users": dict(plan["roles"]),
        "workers": workers,
        "think_s": think,
        "seconds": round(elapsed, 1),
        "load_average": {"start": load0, "end": load1},
        "login_errors": login_errors,
        "operations": operations,
        "operations_total": sum(len(v) for v in latencies.values()),
        "throughput_ops_per_s": round(sum(len(v) for v in latencies.values()) / elapsed, 2),
        "errors_seen_by_users": sum(errors.values()),
        "errors_by_kind": dict(error_kinds.most_common()),
        "server_errors_seen_by_users": sum(
            n for (_op, kind, _name, _m), n in errors.items() if kind in ("server", "client")
        )
        + sum(http_5xx.values()),
        "http_5xx": dict(http_5xx),
        **proof,
        "server_log": {
            "retried": dict(retried),
            "retries_exhausted": server_log.count("maximum number of tries reached"),
            "deadlocks": server_log.lower().count("deadlock detected"),
            "error_lines": len(re.findall(r"^\S+ \S+ \d+ ERROR ", server_log, re.M)),
            "tracebacks": server_log.count("Traceback (most recent call last)"),
        },
    }


# ---------------------------------------------------------------------- proof


def _sequence_next(cur, code, company_id):
    cur.execute(
        """SELECT id, implementation, number_next FROM ir_sequence
            WHERE code = %s AND (company_id = %s OR company_id IS NULL)
            ORDER BY company_id NULLS LAST LIMIT 1""",
        [code, company_id],
    )
    return cur.fetchone()[2]


def _receipt_next(cur, company_id):
    """The number the company's next receipt gets: after its last one, from the sequence's
    first number (hanling.fee.receipt._take_number)."""
    cur.execute(
        "SELECT coalesce(max(sequence_number), 0) + 1 FROM hanling_fee_receipt "
        "WHERE company_id = %s",
        [company_id],
    )
    return max(cur.fetchone()[0], _sequence_next(cur, "hanling.fee.receipt", company_id))


def _snapshot(cur, company_id):
    """What the proof compares with: last ids and the sequences' next numbers before the run."""
    snap = {}
    for table in (
        "hanling_work_order",
        "hanling_complaint",
        "hanling_fee_receipt",
        "account_move",
        "account_payment",
    ):
        cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 - fixed names
        snap[table] = cur.fetchone()[0]
    snap["work_order_next"] = _sequence_next(cur, "hanling.work.order", company_id)
    snap["receipt_next"] = _receipt_next(cur, company_id)
    cur.execute(
        """SELECT journal_id, sequence_prefix, max(sequence_number) FROM account_move
            WHERE state = 'posted' GROUP BY 1, 2"""
    )
    snap["move_sequences"] = {(j, p): n for j, p, n in cur.fetchall()}
    return snap


def _consecutive(names, first):
    """(duplicates, missing numbers) of ``names`` (PREFIX-<n>) against first, first + 1, ..."""
    numbers = sorted(int(n.rsplit("-", 1)[1]) for n in names)
    duplicates = len(numbers) - len(set(numbers))
    expected = set(range(first, first + len(numbers)))
    missing = sorted(expected - set(numbers))
    return duplicates, missing


def _check(cur, company_id, before, told):
    """Compare what the users were told with what the database holds."""
    out = {}
    # Work orders: every one told exists in the state told; none the client was not told of.
    cur.execute(
        "SELECT id, name, state FROM hanling_work_order WHERE id > %s ORDER BY id",
        [before["hanling_work_order"]],
    )
    rows = {r[0]: r[1:] for r in cur.fetchall()}
    told_orders = told["orders"]
    out["work_orders"] = {
        "created": len(told_orders),
        "in_db": len(rows),
        "lost": sorted(set(told_orders) - set(rows)),
        "not_told": sorted(set(rows) - set(told_orders)),
        "state_differs": sorted(
            oid
            for oid, state in told_orders.items()
            if oid in rows and rows[oid][1] != state and oid not in told["unknown_orders"]
        ),
        "by_state": dict(collections.Counter(r[1] for r in rows.values())),
    }
    duplicates, missing = _consecutive([r[0] for r in rows.values()], before["work_order_next"])
    after_next = _sequence_next(cur, "hanling.work.order", company_id)
    out["work_orders"].update(
        duplicate_numbers=duplicates,
        missing_numbers=missing[:20],
        sequence_next_right=after_next == before["work_order_next"] + len(rows),
    )
    # Callbacks done.
    cur.execute(
        """SELECT res_id FROM hanling_callback
            WHERE res_model = 'hanling.work.order' AND res_id > %s AND state = 'done'""",
        [before["hanling_work_order"]],
    )
    done = {r[0] for r in cur.fetchall()}
    out["callbacks"] = {
        "done": len(told["callbacks"]),
        "lost": sorted(told["callbacks"] - done),
        "not_told": sorted(done - told["callbacks"]),
    }
    # Complaints (a standard sequence: unique numbers; gaps are allowed by design).
    cur.execute(
        "SELECT id, name FROM hanling_complaint WHERE id > %s", [before["hanling_complaint"]]
    )
    complaints = dict(cur.fetchall())
    cur.execute("SELECT count(*) - count(DISTINCT name) FROM hanling_complaint")
    out["complaints"] = {
        "created": len(told["complaints"]),
        "lost": sorted(told["complaints"] - set(complaints)),
        "not_told": sorted(set(complaints) - told["complaints"]),
        "duplicate_numbers": cur.fetchone()[0],
    }
    # Receipts: gap-free per company, each for the unit told, its bills paid once.
    cur.execute(
        """SELECT id, name, unit_id, amount_total FROM hanling_fee_receipt
            WHERE id > %s AND company_id = %s ORDER BY id""",
        [before["hanling_fee_receipt"], company_id],
    )
    receipts = {r[0]: r[1:] for r in cur.fetchall()}
    duplicates, missing = _consecutive([r[0] for r in receipts.values()], before["receipt_next"])
    cur.execute(
        """SELECT rel.move_id, count(*) FROM hanling_fee_receipt_invoice_rel rel
            WHERE rel.receipt_id > %s GROUP BY rel.move_id HAVING count(*) > 1""",
        [before["hanling_fee_receipt"]],
    )
    paid_twice = cur.fetchall()
    paid_units = told["paid_units"]
    open_left = []
    if paid_units:
        cur.execute(
            """SELECT DISTINCT b.unit_id FROM hanling_fee_bill_line b
                 JOIN account_move m ON m.id = b.move_id
                WHERE b.unit_id IN %s AND m.id <= %s
                  AND m.payment_state NOT IN ('paid', 'in_payment')""",
            [tuple(paid_units), before["account_move"]],
        )
        open_left = sorted(r[0] for r in cur.fetchall())
    out["receipts"] = {
        "issued": len(told["receipts"]),
        "in_db": len(receipts),
        "lost": sorted(set(told["receipts"]) - set(receipts)),
        "not_told": sorted(set(receipts) - set(told["receipts"])),
        "unit_differs": sorted(
            rid
            for rid, unit in told["receipts"].items()
            if rid in receipts and receipts[rid][1] != unit
        ),
        "duplicate_numbers": duplicates,
        "missing_numbers": missing[:20],
        "sequence_next_right": _receipt_next(cur, company_id)
        == before["receipt_next"] + len(receipts),
        "bills_paid_twice": len(paid_twice),
        "units_told_paid_with_bills_open": open_left,
        "amount": round(sum(float(r[2]) for r in receipts.values()), 2),
    }
    # The journal entries posted during the run (the payments'): numbered without gap.
    cur.execute(
        """SELECT journal_id, sequence_prefix, array_agg(sequence_number ORDER BY sequence_number),
                  count(*) - count(DISTINCT name)
             FROM account_move WHERE id > %s AND state = 'posted' GROUP BY 1, 2""",
        [before["account_move"]],
    )
    move_duplicates, move_gaps, moves = 0, [], 0
    for journal, prefix, numbers, dup in cur.fetchall():
        moves += len(numbers)
        move_duplicates += dup + len(numbers) - len(set(numbers))
        first = before["move_sequences"].get((journal, prefix), 0) + 1
        expected = set(range(first, first + len(numbers)))
        gap = sorted(expected - set(numbers))
        if gap:
            move_gaps.append(f"{prefix}: {gap[:5]}")
    cur.execute("SELECT count(*) FROM account_payment WHERE id > %s", [before["account_payment"]])
    out["journal_entries"] = {
        "posted": moves,
        "payments": cur.fetchone()[0],
        "duplicate_numbers": move_duplicates,
        "gaps": move_gaps,
    }
    out["lost_total"] = (
        len(out["work_orders"]["lost"])
        + len(out["work_orders"]["state_differs"])
        + len(out["callbacks"]["lost"])
        + len(out["complaints"]["lost"])
        + len(out["receipts"]["lost"])
        + len(out["receipts"]["units_told_paid_with_bills_open"])
    )
    out["numbering_faults"] = (
        out["work_orders"]["duplicate_numbers"]
        + len(out["work_orders"]["missing_numbers"])
        + (not out["work_orders"]["sequence_next_right"])
        + out["complaints"]["duplicate_numbers"]
        + out["receipts"]["duplicate_numbers"]
        + len(out["receipts"]["missing_numbers"])
        + (not out["receipts"]["sequence_next_right"])
        + out["journal_entries"]["duplicate_numbers"]
        + len(out["journal_entries"]["gaps"])
    )
    return out
