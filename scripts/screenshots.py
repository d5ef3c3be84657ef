#!/usr/bin/env python3
"""Take the screenshots of the user guide (docs/guide/) from a running demo server.

The list of screenshots lives in docs/guide/shots.json (the test
tests/integration/test_guide_images.py reads the same file). Each shot logs in as a demo
user, opens a screen by its action's xmlid (or a portal path), waits until the screen has
rendered, and writes docs/guide/images/<name>.png, reduced to a small palette.

    python3 scripts/screenshots.py --url http://127.0.0.1:8069 --db hanling_demo [name ...]

Normally run through `make screenshots` (scripts/screenshots.sh), which starts the server
when none is running. A shot that fails (login refused, error dialog, login page, nothing
rendered in time) is reported by name; the script then exits non-zero.
"""

import argparse
import base64
import http.cookiejar
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(ROOT, "docs", "guide", "shots.json")
DEVICES = {
    "desktop": {"width": 1440, "height": 900, "mobile": False},
    "phone": {"width": 390, "height": 844, "mobile": True},
}

# What a screen must show before it is taken, and what means it went wrong.
READY_JS = r"""
(() => {
  if (window.__hanlingShot || document.readyState !== 'complete') return 'loading';
  if (location.pathname.startsWith('/web/login') || document.querySelector('form.oe_login_form'))
    return 'error: login page ' + location.href;
  const err = document.querySelector('.o_error_dialog, .o_dialog .modal-body .o_error_detail');
  if (err) return 'error: error dialog: ' + (document.querySelector('.o_dialog .modal-body') || err).innerText.slice(0, 300);
  const danger = document.querySelector('.o_notification.border-danger .o_notification_content');
  if (danger) return 'error: notification: ' + danger.innerText.slice(0, 300);
  if (document.querySelector('.o_loading_indicator, .o_blockUI, .o_portal_doc_spinner')) return 'loading';
  const want = __WANT__;
  if (want && !document.querySelector(want)) return 'loading';
  return 'ready';
})()
"""


def load_manifest():
    with open(MANIFEST, encoding="utf-8") as f:
        return json.load(f)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Odoo:
    """JSON-RPC as one demo user (the screenshots show what that user sees)."""

    def __init__(self, url, db, login, password):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        result = self.rpc(
            "/web/session/authenticate", {"db": db, "login": login, "password": password}
        )
        if not result or not result.get("uid"):
            raise RuntimeError(f"login {login!r} refused by {url} (database {db})")
        self.session_id = next(c.value for c in self.jar if c.name == "session_id")

    def rpc(self, path, params):
        req = urllib.request.Request(
            self.url + path,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(req, timeout=120) as resp:
            answer = json.load(resp)
        if answer.get("error"):
            data = answer["error"].get("data") or {}
            raise RuntimeError(data.get("message") or answer["error"].get("message"))
        return answer.get("result")

    def search_one(self, model, domain, order):
        ids = self.rpc(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": "search",
                "args": [domain],
                "kwargs": {"limit": 1, "order": order or "id desc"},
            },
        )
        return ids[0] if ids else None


class Browser:
    """One headless Chromium driven over the DevTools protocol."""

    def __init__(self):
        exe = next(
            (
                shutil.which(n)
                for n in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(n)
            ),
            None,
        )
        if not exe:
            raise SystemExit("screenshots: no Chromium found (scripts/setup.sh installs it)")
        self.profile = tempfile.mkdtemp(prefix="hanling-shots-")
        port = free_port()
        self.proc = subprocess.Popen(
            [
                exe,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--lang=zh-CN",
                "--force-device-scale-factor=1",
                f"--user-data-dir={self.profile}",
                f"--remote-debugging-port={port}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 30
        while True:
            try:
                info = json.load(
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=2)
                )
                break
            except Exception:  # noqa: BLE001 -- not listening yet
                if time.time() > deadline:
                    self.close()
                    raise SystemExit("screenshots: Chromium did not start") from None
                time.sleep(0.5)
        self.ws = websocket.create_connection(info["webSocketDebuggerUrl"], timeout=180)
        self.seq = 0
        self.session = self.context = None

    def call(self, method, **params):
        """A command to the current page (or to the browser when no page is open)."""
        self.seq += 1
        message = {"id": self.seq, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.seq:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error'].get('message')}")
                return msg.get("result", {})

    def new_page(self):
        """A page in a fresh browser context: its own cookies, cache and shared workers, so
        that one user's session (and Odoo's bus worker) never leaks into the next shot."""
        self.close_page()
        self.context = self.call("Target.createBrowserContext")["browserContextId"]
        target = self.call("Target.createTarget", url="about:blank", browserContextId=self.context)
        self.session = self.call(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True
        )["sessionId"]
        self.call("Page.enable")
        self.call("Network.enable")

    def close_page(self):
        if self.context:
            context, self.context, self.session = self.context, None, None
            self.call("Target.disposeBrowserContext", browserContextId=context)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def close(self):
        try:
            try:
                self.close_page()
            except Exception:  # noqa: BLE001 -- the browser may be gone already
                pass
            self.proc.kill()
            self.proc.wait(10)
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


def find_record(odoo, record):
    """The first record of ``record["model"]`` matching one of its domains, in order."""
    domains = record.get("domains") or [record.get("domain", [])]
    return next(
        (
            found
            for domain in domains
            if (found := odoo.search_one(record["model"], domain, record.get("order")))
        ),
        None,
    )


def shot_url(shot, odoo):
    if shot.get("path"):
        if "{id}" not in shot["path"]:
            return shot["path"]
        # A page of one record (a printed report): {id} is the record the shot finds.
        res_id = find_record(odoo, shot["record"])
        if not res_id:
            raise RuntimeError(f"no {shot['record']['model']} record for {shot['path']}")
        return shot["path"].replace("{id}", str(res_id))
    url = "/odoo/action-" + shot["action"]
    record = shot.get("record")
    if record:
        # The first domain that finds a record wins (a richer demo office may hold better ones).
        res_id = find_record(odoo, record)
        if not res_id and not record.get("or_new"):
            domains = record.get("domains") or [record.get("domain", [])]
            raise RuntimeError(f"no {record['model']} record matches any of {domains}")
        url += f"/{res_id or 'new'}"
    if shot.get("view_type"):
        url += "?view_type=" + shot["view_type"]
    return url


def wait_ready(browser, selector, timeout):
    js = READY_JS.replace("__WANT__", json.dumps(selector or ""))
    deadline = time.time() + timeout
    state = "loading"
    while time.time() < deadline:
        state = browser.evaluate(js) or "loading"
        if state != "loading":
            break
        time.sleep(0.5)
    return state


def optimise(png_bytes, colours):
    """A palette PNG: screenshots of forms and lists need few colours."""
    img = Image.open(io.BytesIO(png_bytes)).convert("RGB")
    img = img.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def take_pdf(odoo, url, shot, out_dir, colours):
    """The first page of a printed report (a ``/report/pdf/...`` path), as the office prints
    it (wkhtmltopdf), rasterised with pdftoppm and laid on a grey desk of the device's size."""
    device = DEVICES[shot.get("device", "desktop")]
    with odoo.opener.open(url + shot_url(shot, odoo), timeout=300) as resp:
        data = resp.read()
    if not data.startswith(b"%PDF"):
        raise RuntimeError("the report gave no PDF (is wkhtmltopdf installed on the server?)")
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        raise RuntimeError("pdftoppm (poppler-utils) is needed for a report's shot")
    margin = 24
    height = device["height"] - 2 * margin
    with tempfile.TemporaryDirectory(prefix="hanling-shot-pdf-") as tmpdir:
        pdf = os.path.join(tmpdir, "report.pdf")
        with open(pdf, "wb") as f:
            f.write(data)
        subprocess.run(
            [
                pdftoppm,
                "-png",
                "-singlefile",
                "-f",
                "1",
                "-l",
                "1",
                "-scale-to-y",
                str(height),
                "-scale-to-x",
                "-1",
                pdf,
                os.path.join(tmpdir, "page"),
            ],
            capture_output=True,
            check=True,
            timeout=120,
        )
        sheet = Image.open(os.path.join(tmpdir, "page.png")).convert("RGB")
    desk = Image.new("RGB", (device["width"], device["height"]), (82, 86, 89))
    desk.paste(sheet, ((device["width"] - sheet.width) // 2, margin))
    out = io.BytesIO()
    desk.save(out, format="PNG")
    path = os.path.join(out_dir, shot["name"] + ".png")
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(optimise(out.getvalue(), colours))
    os.replace(tmp, path)
    return path


def take(browser, odoo, url, shot, out_dir, colours):
    if shot.get("pdf"):
        return take_pdf(odoo, url, shot, out_dir, colours)
    device = DEVICES[shot.get("device", "desktop")]
    browser.new_page()
    host = url.split("://", 1)[1].split("/")[0].split(":")[0]
    browser.call(
        "Network.setCookie", name="session_id", value=odoo.session_id, domain=host, path="/"
    )
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        width=device["width"],
        height=device["height"],
        deviceScaleFactor=1,
        mobile=device["mobile"],
    )
    browser.call("Emulation.setTouchEmulationEnabled", enabled=device["mobile"])
    # The blank page carries a mark: the screen is ready only once it has replaced it.
    browser.evaluate("window.__hanlingShot = true")
    browser.call("Page.navigate", url=url + shot_url(shot, odoo))
    default_selector = (
        ".o_action_manager .o_view_controller, .o_action_manager .o_action"
        if not shot.get("path")
        else "#wrap, main"
    )
    state = wait_ready(browser, shot.get("wait", default_selector), shot.get("timeout", 180))
    if state != "ready":
        raise RuntimeError(
            state if state.startswith("error") else "the screen did not render in time"
        )
    for step in shot.get("click", []):
        found = browser.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(step)});"
            " if (!e) return false; e.click(); return true; })()"
        )
        if not found:
            raise RuntimeError(f"nothing to click at {step!r}")
        time.sleep(1)
        state = wait_ready(browser, None, 30)
        if state != "ready":
            raise RuntimeError(state)
    # fonts, images and animations settle
    time.sleep(shot.get("settle", 1.5))
    state = wait_ready(browser, None, 10)
    if state.startswith("error"):
        raise RuntimeError(state)
    data = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
    path = os.path.join(out_dir, shot["name"] + ".png")
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(optimise(data, colours))
    os.replace(tmp, path)
    return path


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default=os.environ.get("HANLING_URL", "http://127.0.0.1:8069"))
    parser.add_argument("--db", default=os.environ.get("HANLING_DB", "hanling_demo"))
    parser.add_argument("--colours", type=int, default=96)
    parser.add_argument("names", nargs="*", help="only these shots (default: all)")
    args = parser.parse_args()

    manifest = load_manifest()
    shots = manifest["shots"]
    unknown = set(args.names) - {s["name"] for s in shots}
    if unknown:
        raise SystemExit("screenshots: not in docs/guide/shots.json: " + ", ".join(sorted(unknown)))
    if args.names:
        shots = [s for s in shots if s["name"] in args.names]
    out_dir = os.path.join(ROOT, "docs", "guide", "images")
    os.makedirs(out_dir, exist_ok=True)
    if not args.names:
        # A full run leaves exactly the shots of the list: a shot removed from it goes too.
        keep = {s["name"] + ".png" for s in shots}
        for stale in sorted(set(os.listdir(out_dir)) - keep):
            if stale.endswith(".png"):
                os.remove(os.path.join(out_dir, stale))
                print(f"  removed {stale} (not in docs/guide/shots.json)")

    sessions, failed = {}, []
    browser = Browser()
    try:
        for shot in shots:
            login = shot["login"]
            try:
                if login not in sessions:
                    password = manifest.get("passwords", {}).get(login, login)
                    sessions[login] = Odoo(args.url, args.db, login, password)
                path = take(browser, sessions[login], args.url, shot, out_dir, args.colours)
                print(
                    f"  ok   {shot['name']:<32} {login:<9} {os.path.getsize(path) // 1024:>4} KB",
                    flush=True,
                )
            except Exception as e:  # noqa: BLE001 -- every failure is reported by the shot's name
                failed.append(shot["name"])
                print(f"  FAIL {shot['name']:<32} {login:<9} {e}", flush=True)
    finally:
        browser.close()
    total = sum(
        os.path.getsize(os.path.join(out_dir, f)) for f in os.listdir(out_dir) if f.endswith(".png")
    )
    print(
        f"screenshots: {len(shots) - len(failed)} of {len(shots)} taken into docs/guide/images "
        f"({total / 1e6:.1f} MB in all)"
    )
    if failed:
        print("screenshots: FAILED: " + " ".join(failed), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
