"""The archive attacks of issue 14, replayed over JSON-RPC as the web client would send them."""

import json

from odoo import fields
from odoo.tests import HttpCase, tagged

DOSSIER_REPORT = "hanling_archive.report_archive_dossier"


@tagged("post_install", "-at_install")
class TestArchiveRpcAttacks(HttpCase):
    """Demo users: 客服员 (staff), 客服主管 (cssup), 管理处主任 (manager)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = cls.env.ref("hanling_property.user_staff_demo")
        cls.manager = cls.env.ref("hanling_property.user_manager_demo")
        cls.cssup = cls.env.ref("hanling_property.user_cssup_demo")
        # The demo office reads Chinese; the tests read the source messages.
        (cls.staff | cls.manager | cls.cssup).write({"lang": "en_US"})
        cls.dossier = cls.env.ref("hanling_archive.dossier_1_201_demo")
        cls.Log = cls.env["hanling.archive.access.log"]
        # The office's today, as the server reads it for the staff (their time zone): at night
        # in UTC it is already tomorrow in Shanghai.
        cls.today = fields.Date.to_string(
            fields.Date.context_today(cls.env["hanling.archive.borrow"].with_user(cls.staff))
        )

    def _call(self, model, method, args, kwargs=None, context=None):
        """call_kw as the web client sends it; returns (result, error message)."""
        kwargs = dict(kwargs or {})
        kwargs["context"] = {"lang": "en_US", **(context or {})}
        payload = {
            "id": 0,
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs},
        }
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        body = response.json()
        if "error" in body:
            return None, body["error"]["data"]["message"]
        return body["result"], None

    def _print_response(self):
        return self.url_open(f"/report/pdf/{DOSSIER_REPORT}/{self.dossier.id}", timeout=60)

    def test_staff_cannot_approve_their_own_print_request(self):
        self.authenticate("staff", "staff")
        borrow_id, error = self._call(
            "hanling.archive.borrow",
            "create",
            [
                {
                    "borrower_type": "internal",
                    "borrower_user_id": self.staff.id,
                    "dossier_ids": [[6, 0, self.dossier.ids]],
                    "purpose": "打印房屋资料",
                    "mode": "print",
                    "companion_id": self.staff.id,
                    "date_due": self.today,
                }
            ],
        )
        self.assertFalse(error)
        for context in ({"hanling_archive_transition": True}, {}):
            with self.subTest(context=context):
                __, error = self._call(
                    "hanling.archive.borrow",
                    "write",
                    [[borrow_id], {"state": "approved", "approved_by_id": self.staff.id}],
                    context=context,
                )
                self.assertRegex(
                    error or "", "Approved By, State of Archive Borrowing Request change through"
                )
        __, error = self._call(
            "hanling.archive.borrow",
            "action_approve",
            [[borrow_id]],
            context={"hanling_archive_transition": True},
        )
        self.assertRegex(error or "", "need the office manager's written approval")
        borrow = self.env["hanling.archive.borrow"].browse(borrow_id)
        self.assertEqual((borrow.state, borrow.approved_by_id.id), ("requested", False))
        # And the dossier does not print.
        response = self._print_response()
        self.assertNotEqual(response.headers.get("Content-Type"), "application/pdf")
        self.assertIn("cannot be printed without a borrowing request", response.text)
        self.assertFalse(
            self.Log.search([("action", "=", "print"), ("user_id", "=", self.staff.id)])
        )

        # The office manager approves it (another person): now it prints, and is logged.
        self.authenticate("manager", "manager")
        __, error = self._call("hanling.archive.borrow", "action_approve", [[borrow_id]])
        self.assertRegex(error or "", "needs the office manager's written approval")
        __, error = self._call(
            "hanling.archive.borrow", "write", [[borrow_id], {"approval_note": "同意打印"}]
        )
        self.assertFalse(error)
        __, error = self._call("hanling.archive.borrow", "action_approve", [[borrow_id]])
        self.assertFalse(error)
        self.authenticate("staff", "staff")
        response = self._print_response()
        self.assertEqual(response.headers.get("Content-Type"), "application/pdf")
        log = self.Log.search([("action", "=", "print"), ("user_id", "=", self.staff.id)])
        self.assertEqual(log.borrow_id.id, borrow_id)

    def test_supervisor_cannot_create_a_done_inspection(self):
        self.authenticate("cssup", "cssup")
        values = {
            "community_id": self.dossier.community_id.id,
            "kind": "spot",
            "date_due": self.today,
        }
        for context in ({"hanling_archive_transition": True}, {"default_state": "done"}, {}):
            with self.subTest(context=context):
                __, error = self._call(
                    "hanling.archive.inspection",
                    "create",
                    [{**values, "state": "done", "date_done": values["date_due"]}],
                    context=context,
                )
                self.assertRegex(error or "", "Done On, State of Archive Inspection change")
        inspection_id, error = self._call(
            "hanling.archive.inspection",
            "create",
            [values],
            context={"default_state": "done", "default_date_done": values["date_due"]},
        )
        self.assertFalse(error)
        inspection = self.env["hanling.archive.inspection"].browse(inspection_id)
        self.assertEqual((inspection.state, inspection.date_done), ("planned", False))

    def test_no_log_context_key_does_not_hide_a_read(self):
        self.authenticate("staff", "staff")
        resident = self.env["hanling.archive.resident"].search(
            [("dossier_id", "=", self.dossier.id)], limit=1
        )
        self.assertTrue(resident, "the demo dossier has a resident record")
        result, error = self._call(
            "hanling.archive.resident",
            "web_read",
            [resident.ids],
            {"specification": {"name": {}, "id_number": {}}},
            context={"_hanling_archive_no_log": True},
        )
        self.assertFalse(error)
        self.assertEqual(result[0]["id"], resident.id)
        log = self.Log.search([("user_id", "=", self.staff.id), ("res_id", "=", resident.id)])
        self.assertEqual(
            (log.action, log.res_model), ("open", "hanling.archive.resident"), "the read is logged"
        )
