"""The two attacks of issue 14, replayed over JSON-RPC as the web client sends them.

Customer-service staff (demo user ``staff``) used to approve their own request to print a
confidential dossier by writing its state with ``hanling_archive_transition`` in the context,
then printed it; and to create a nonconformity report already approved at company level with a
compensation of 9,000 yuan, which the office manager's button would pay. Both calls go through
``/web/dataset/call_kw`` with the context a browser sends; each refusal is the workflow guard's
(its exception class and the fields it names), and nothing reached the database.
"""

import json
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

GUARD_ERROR = "odoo.addons.hanling_property.tools.workflow.WorkflowGuardError"
DOSSIER_REPORT = "hanling_archive.report_archive_dossier"


@tagged("post_install", "-at_install")
class TestWorkflowRpc(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = cls.env.ref("hanling_property.user_staff_demo")
        cls.manager = cls.env.ref("hanling_property.user_manager_demo")
        cls.company = cls.staff.company_id
        cls.dossier = cls.env.ref("hanling_archive.dossier_1_101_demo")
        cls.complaint = cls.env["hanling.complaint"].search(
            [("state", "not in", ("closed", "cancel")), ("partner_id", "!=", False)], limit=1
        )
        cls.payments = cls.env["account.payment"].search([])
        cls.moves = cls.env["account.move"].search([])

    # ------------------------------------------------------------------ the client

    def _login(self, user):
        self.authenticate(user.login, user.login)
        self.rpc_uid = user.id

    def _call(self, model, method, args, kwargs=None, context=None):
        """One ``call_kw`` as the web client makes it; returns the decoded JSON-RPC answer."""
        client_context = {
            "lang": "en_US",
            "tz": "Asia/Shanghai",
            "uid": self.rpc_uid,
            "allowed_company_ids": [self.company.id],
            **(context or {}),
        }
        payload = {
            "id": 1,
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": {**(kwargs or {}), "context": client_context},
            },
        }
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        return response.json()

    def _result(self, answer):
        self.assertNotIn("error", answer, answer.get("error"))
        return answer["result"]

    def assertGuardRefused(self, answer, model, *names):
        """The guard refused the call, naming each of ``names`` (in the client's language)."""
        self.assertIn("error", answer, f"accepted: {answer.get('result')!r}")
        data = answer["error"]["data"]
        self.assertEqual(data["name"], GUARD_ERROR, data["message"])
        en = self.env(context={"lang": "en_US"})
        for name in names:
            self.assertIn(en[model]._fields[name]._description_string(en), data["message"])

    # ------------------------------------------------------------------ issue 14, attack 1

    def test_staff_cannot_approve_their_own_print_request(self):
        self._login(self.staff)
        borrow_id = self._result(
            self._call(
                "hanling.archive.borrow",
                "create",
                [
                    {
                        "borrower_type": "internal",
                        "borrower_user_id": self.staff.id,
                        "department": "客服部",
                        "dossier_ids": [[6, 0, self.dossier.ids]],
                        "purpose": "打印业主资料",
                        "mode": "print",
                        "companion_id": self.staff.id,
                        "date_due": fields.Date.to_string(fields.Date.today() + timedelta(days=7)),
                    }
                ],
            )
        )
        borrow = self.env["hanling.archive.borrow"].browse(borrow_id)
        self.assertEqual(borrow.state, "requested")
        answer = self._call(
            "hanling.archive.borrow",
            "write",
            [[borrow_id], {"state": "approved"}],
            context={"hanling_archive_transition": True},
        )
        self.assertGuardRefused(answer, "hanling.archive.borrow", "state")
        # The same with the approver and the date, and through the form's save.
        answer = self._call(
            "hanling.archive.borrow",
            "web_save",
            [
                [borrow_id],
                {
                    "state": "approved",
                    "approved_by_id": self.staff.id,
                    "date_approved": fields.Datetime.to_string(fields.Datetime.now()),
                },
            ],
            {"specification": {"state": {}}},
            context={"hanling_archive_transition": True},
        )
        self.assertGuardRefused(
            answer, "hanling.archive.borrow", "state", "approved_by_id", "date_approved"
        )
        borrow.invalidate_recordset()
        self.assertEqual(borrow.state, "requested")
        self.assertFalse(borrow.approved_by_id)
        self.assertFalse(borrow.date_approved)
        # And the dossier does not print.
        response = self.url_open(f"/report/pdf/{DOSSIER_REPORT}/{self.dossier.id}")
        self.assertEqual(response.status_code, 400, response.text[:500])
        self.assertNotIn(b"%PDF", response.content)
        # The archive's refusal (in the user's language): no approved request for printing.
        self.assertIn("4.2.8", response.text)

    # ------------------------------------------------------------------ issue 14, attack 2

    def test_staff_cannot_create_an_approved_compensation(self):
        self.assertTrue(self.complaint, "the demo data has an open complaint with a resident")
        self._login(self.staff)
        description = "RPC 攻击:伪造已批准的赔偿"
        answer = self._call(
            "hanling.nonconformity",
            "create",
            [
                {
                    "complaint_id": self.complaint.id,
                    "description": description,
                    "state": "approved",
                    "approved_level": "company",
                    "compensation_method": "payment",
                    "compensation_amount": 9000.0,
                }
            ],
        )
        self.assertGuardRefused(answer, "hanling.nonconformity", "state", "approved_level")
        Report = self.env["hanling.nonconformity"].with_context(active_test=False)
        self.assertFalse(Report.search([("description", "=", description)]))
        # A draft with the compensation the staff propose is theirs to write; its approval is not.
        report_id = self._result(
            self._call(
                "hanling.nonconformity",
                "create",
                [
                    {
                        "complaint_id": self.complaint.id,
                        "description": description,
                        "compensation_method": "payment",
                        "compensation_amount": 9000.0,
                    }
                ],
            )
        )
        for vals in (
            {"state": "approved"},
            {"approved_level": "company"},
            {"approved_by_id": self.manager.id},
        ):
            with self.subTest(vals=vals):
                answer = self._call("hanling.nonconformity", "write", [[report_id], vals])
                self.assertGuardRefused(answer, "hanling.nonconformity", *vals)
        report = Report.browse(report_id)
        self.assertEqual(report.state, "draft")
        self.assertFalse(report.approved_level)
        self.assertFalse(report.approved_by_id)
        # The office manager's button pays nothing: the report was never approved.
        self._login(self.manager)
        answer = self._call("hanling.nonconformity", "action_compensate", [[report_id]])
        self.assertIn("error", answer)
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.UserError")
        self.assertIn(
            "can only be paid after the nonconformity report is approved",
            answer["error"]["data"]["message"],
        )
        self.assertEqual(self.env["account.payment"].search([]), self.payments)
        self.assertEqual(self.env["account.move"].search([]), self.moves)
        self.assertFalse(report.compensation_payment_ids)
        self.assertFalse(report.compensation_move_ids)

    # ------------------------------------------------------------------ the other doors

    def test_form_save_copy_and_context_defaults_are_refused(self):
        self._login(self.staff)
        order = self.env.ref("hanling_property.work_order_leak_demo")
        self.assertEqual(order.state, "draft")
        # The form's save of an existing document, and of a new one.
        answer = self._call(
            "hanling.work.order",
            "web_save",
            [[order.id], {"state": "closed"}],
            {"specification": {"state": {}}},
        )
        self.assertGuardRefused(answer, "hanling.work.order", "state")
        new_vals = {
            "unit_id": order.unit_id.id,
            "service_id": order.service_id.id,
            "description": "RPC 攻击:新建即关闭",
            "state": "closed",
        }
        answer = self._call(
            "hanling.work.order", "web_save", [[], new_vals], {"specification": {"state": {}}}
        )
        self.assertGuardRefused(answer, "hanling.work.order", "state")
        # A copy with a forged default.
        answer = self._call(
            "hanling.work.order", "copy", [[order.id]], {"default": {"state": "closed"}}
        )
        self.assertGuardRefused(answer, "hanling.work.order", "state")
        Order = self.env["hanling.work.order"]
        self.assertFalse(Order.search([("description", "=", new_vals["description"])]))
        self.assertEqual(Order.search_count([("description", "=", order.description)]), 1)
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")
        # A create with the state as a context default starts in the first state.
        errand = self.env.ref("hanling_errands.errand_cake_demo")
        errand_id = self._result(
            self._call(
                "hanling.errand",
                "create",
                [
                    {
                        "unit_id": errand.unit_id.id,
                        "description": "RPC 攻击:新建即完成",
                        "kind": errand.kind,
                        "estimated_amount": 100.0,
                    }
                ],
                context={"default_state": "done", "default_payment_status": "paid"},
            )
        )
        created = self.env["hanling.errand"].browse(errand_id)
        self.assertEqual(created.state, "draft")
        self.assertNotEqual(created.payment_status, "paid")
