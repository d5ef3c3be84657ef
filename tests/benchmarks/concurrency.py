"""A real server with worker processes and concurrent JSON-RPC clients on 127.0.0.1.

Each client is one front desk and one technician of a community: it creates a work order
(duty officer), assigns it (engineering supervisor), starts and finishes it (technician), again
and again until the time is up. Afterwards the database is checked: every order a client was
told was created exists, no number appears twice, and the numbers given during the run are
consecutive (the work-order sequence is "no gap").
"""

import http.cookiejar
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

import psycopg2

PASSWORD = "bench"  # what generate.py gives every generated user


class Client:
    """One web-client session per user: /web/session/authenticate once, then call_kw.

    This is what the browser does; it also avoids hashing the password on every call (which
    /jsonrpc's execute_kw does, by design slowly).
    """

    def __init__(self, base, db):
        self.base = base
        self.db = db
        self.openers = {}
        self.uids = {}

    def _post(self, opener, path, params):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": random.randint(1, 10**9),
            "params": params,
        }
        req = urllib.request.Request(
            self.base + path, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )
        with opener.open(req, timeout=300) as resp:
            body = json.loads(resp.read())
        if "error" in body:
            data = body["error"].get("data", {})
            raise RuntimeError(f"{data.get('name')}: {data.get('message')}")
        return body["result"]

    def login(self, login):
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        result = self._post(
            opener,
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": PASSWORD},
        )
        self.openers[login] = opener
        self.uids[login] = result["uid"]
        return result["uid"]

    def execute(self, login, model, method, *args, **kwargs):
        return self._post(
            self.openers[login],
            f"/web/dataset/call_kw/{model}/{method}",
            {
                "model": model,
                "method": method,
                "args": list(args),
                "kwargs": {"context": {"lang": "en_US", "tz": "Asia/Shanghai"}, **kwargs},
            },
        )


def _wait_port(port, timeout=120):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(1)
    return False


def run(db, *, clients=20, seconds=60, port=8079, workers=4, log=print, root="."):
    dsn = f"dbname={db} host={os.environ.get('PGHOST', '/var/run/postgresql')}"
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    cur = conn.cursor()
    # Per client: a unit of a community, its duty officer and one of its technicians.
    cur.execute("SELECT id, code FROM hanling_community WHERE code LIKE 'GEN%%' ORDER BY code")
    communities = cur.fetchall()
    plan = []
    for i in range(clients):
        community_id, _code = communities[i % len(communities)]
        cur.execute(
            "SELECT id FROM hanling_unit WHERE community_id = %s ORDER BY id LIMIT 1 OFFSET %s",
            [community_id, i],
        )
        unit_id = cur.fetchone()[0]
        ci = i % len(communities)
        plan.append(
            {
                "unit_id": unit_id,
                "duty": f"gen_duty{ci:03d}",
                "tech": f"gen_tech{ci * 5 + (i // len(communities)) % 5:03d}",
            }
        )
    cur.execute("SELECT id FROM hanling_service WHERE fee_type = 'free' AND active LIMIT 1")
    service_id = cur.fetchone()[0]
    cur.execute("SELECT number_next FROM ir_sequence WHERE code = 'hanling.work.order'")
    number_before = cur.fetchone()[0]
    cur.execute("SELECT coalesce(max(id), 0) FROM hanling_work_order")
    max_id_before = cur.fetchone()[0]

    logfile = open(os.path.join("/tmp", f"{db}_server.log"), "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            os.path.join(root, "odoo.conf"),
            "-d",
            db,
            f"--db-filter=^{db}$",
            f"--workers={workers}",
            f"--http-port={port}",
            "--max-cron-threads=0",
            "--log-level=warn",
            "--limit-time-real=600",
            "--limit-time-cpu=600",
            "--limit-memory-soft=4294967296",
            "--limit-memory-hard=5368709120",
            "--gevent-port",
            str(port + 1000),
        ],
        cwd=root,
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        if not _wait_port(port):
            raise RuntimeError("the server did not start")
        url = f"http://127.0.0.1:{port}"
        lock = threading.Lock()
        created, latencies, cycles, errors = (
            [],
            {"create": [], "assign": [], "start": [], "finish": []},
            [],
            [],
        )
        deadline = [0.0]

        sessions = []

        def connect(i):
            c = Client(url, db)
            p = plan[i]
            try:
                for login in (p["duty"], p["tech"], "gen_engsup000"):
                    c.login(login)
                    # Warm-up: every worker loads its registry before the clock starts.
                    c.execute(login, "hanling.work.order", "search_count", [])
                sessions.append((i, c))
            except Exception as e:  # noqa: BLE001
                with lock:
                    errors.append(f"login {i}: {e}")

        def worker(i, c):
            p = plan[i]
            tech_uid = c.uids[p["tech"]]
            while time.time() < deadline[0]:
                t_cycle = time.perf_counter()
                try:
                    t0 = time.perf_counter()
                    oid = c.execute(
                        p["duty"],
                        "hanling.work.order",
                        "create",
                        {
                            "unit_id": p["unit_id"],
                            "description": f"并发 {i}",
                            "service_id": service_id,
                        },
                    )
                    t1 = time.perf_counter()
                    with lock:
                        created.append(oid)
                        latencies["create"].append(t1 - t0)
                    c.execute(
                        "gen_engsup000",
                        "hanling.work.order",
                        "write",
                        [oid],
                        {"technician_id": tech_uid},
                    )
                    c.execute("gen_engsup000", "hanling.work.order", "action_assign", [oid])
                    t2 = time.perf_counter()
                    c.execute(
                        p["tech"],
                        "hanling.work.order",
                        "action_arrive_scan",
                        [oid],
                        f"/my/units/{p['unit_id']}/request",
                    )
                    t3 = time.perf_counter()
                    c.execute(
                        p["tech"],
                        "hanling.work.order",
                        "write",
                        [oid],
                        {"inspection_note": "已检查"},
                    )
                    c.execute(p["tech"], "hanling.work.order", "action_finish", [oid])
                    t4 = time.perf_counter()
                    with lock:
                        latencies["assign"].append(t2 - t1)
                        latencies["start"].append(t3 - t2)
                        latencies["finish"].append(t4 - t3)
                        cycles.append(t4 - t_cycle)
                except Exception as e:  # noqa: BLE001
                    with lock:
                        errors.append(str(e)[:300])

        threads = [threading.Thread(target=connect, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        log(f"{len(sessions)} clients connected")
        deadline[0] = time.time() + seconds
        t_start = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(i, c)) for i, c in sessions]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t_start
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        logfile.close()

    # ------------------------------------------------------------------ proof
    cur.execute(
        "SELECT id, name, state FROM hanling_work_order WHERE id > %s ORDER BY id",
        [max_id_before],
    )
    rows = cur.fetchall()
    ids = {r[0] for r in rows}
    lost = sorted(set(created) - ids)
    names = [r[1] for r in rows]
    duplicates = len(names) - len(set(names))
    numbers = sorted(int(n.rsplit("-", 1)[1]) for n in names)
    expected = list(range(number_before, number_before + len(numbers)))
    gaps = numbers != expected
    cur.execute("SELECT number_next FROM ir_sequence WHERE code = 'hanling.work.order'")
    number_after = cur.fetchone()[0]
    not_finished = sum(1 for r in rows if r[2] != "done")
    with open(os.path.join("/tmp", f"{db}_server.log")) as f:
        server_log = f.read()

    def pct(values, q):
        if not values:
            return None
        values = sorted(values)
        return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] * 1000

    conn.close()
    return {
        "clients": clients,
        "workers": workers,
        "seconds": round(elapsed, 1),
        "orders_created": len(created),
        "cycles_completed": len(cycles),
        "throughput_orders_per_s": round(len(cycles) / elapsed, 2),
        "latency_ms": {
            step: {
                "p50": pct(v, 50),
                "p90": pct(v, 90),
                "p99": pct(v, 99),
                "mean": statistics.mean(v) * 1000 if v else None,
            }
            for step, v in {**latencies, "full cycle": cycles}.items()
        },
        "lost": lost,
        "duplicate_numbers": duplicates,
        "gap_in_numbers": gaps,
        "sequence_next_matches": number_after == number_before + len(numbers),
        "orders_left_unfinished": not_finished,
        "client_errors": len(errors),
        "errors": errors[:20],
        "deadlocks_in_server_log": server_log.lower().count("deadlock"),
        # Retried by the server (the client does not see them): the "no gap" sequence locks its
        # row with NOWAIT, a concurrent creation gets LockNotAvailable and Odoo retries it.
        "serialization_failures_retried": server_log.count("could not serialize"),
        "lock_not_available_retried": server_log.count("could not obtain lock"),
        "server_errors_logged": server_log.count(" ERROR "),
        "server_errors_other_than_retried": server_log.count(" ERROR ")
        - server_log.count("could not serialize")
        - server_log.count("could not obtain lock"),
    }
