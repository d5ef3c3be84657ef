"""The archive's procedures move through their buttons only (issue 14).

Borrowing requests, important events and inspections: no client can create one in a later
state, write its state, approver or dates, or unlock an edit with a context key; the approval
is the office manager's (or the keeper's) and never the requester's own; the access log cannot
be switched off from the client.
"""

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.hanling_property.tools.workflow import (
    EditLockError,
    WorkflowGuardError,
    workflow_grant,
)

from .common import ArchiveCase

DOSSIER_REPORT = "hanling_archive.action_report_archive_dossier"
# Every context key the archive ever read to grant or skip something.
OLD_KEYS = {"hanling_archive_transition": True, "_hanling_archive_no_log": True}


@tagged("post_install", "-at_install")
class TestArchiveWorkflowGuard(ArchiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = cls.users["t_staff"]
        cls.manager = cls.users["t_manager"]
        cls.supervisor = cls.users["t_cssup"]
        cls.Event = cls.env["hanling.archive.event"]
        cls.Inspection = cls.env["hanling.archive.inspection"]

    def _print(self, user):
        return (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(DOSSIER_REPORT, self.dossier.ids)
        )

    # -- borrowing requests ---------------------------------------------------------------

    def test_staff_cannot_approve_their_own_print_request(self):
        """The attack of issue 14: a print request approved by its own requester."""
        borrow = self._make_borrow(mode="print", borrower_user_id=self.staff.id)
        Borrow = borrow.with_user(self.staff)
        for context in ({}, OLD_KEYS):
            with self.subTest(context=context):
                with self.assertRaisesRegex(
                    WorkflowGuardError,
                    r"Approved By, State of Archive Borrowing Request change through",
                ):
                    Borrow.with_context(**context).write(
                        {"state": "approved", "approved_by_id": self.staff.id}
                    )
                for name in ("date_approved", "date_lent", "rejected_by_id", "date_returned"):
                    value = self.staff.id if name == "rejected_by_id" else fields.Datetime.now()
                    with self.assertRaisesRegex(WorkflowGuardError, "change through the document"):
                        Borrow.with_context(**context).write({name: value})
        borrow.invalidate_recordset()
        self.assertEqual(borrow.state, "requested")
        self.assertFalse(borrow.approved_by_id)
        with self.assertRaisesRegex(AccessError, "need the office manager's written approval"):
            Borrow.with_context(**OLD_KEYS).action_approve()
        with self.assertRaisesRegex(UserError, "cannot be printed without a borrowing request"):
            self._print(self.staff)
        self.assertFalse(self.Log.search([("action", "=", "print")]))

    def test_request_cannot_be_created_decided(self):
        now = fields.Datetime.now()
        for vals, label in [
            ({"state": "approved"}, "State"),
            ({"approved_by_id": self.manager.id}, "Approved By"),
            ({"date_approved": now}, "Approved On"),
            ({"date_lent": now}, "Lent On"),
            ({"rejected_by_id": self.manager.id}, "Rejected By"),
        ]:
            with self.subTest(vals=vals):
                with self.assertRaisesRegex(
                    WorkflowGuardError, f"{label} of Archive Borrowing Request"
                ):
                    self._make_borrow(mode="print", **vals)
                with self.assertRaisesRegex(WorkflowGuardError, label):
                    self.Borrow.with_user(self.staff).with_context(**OLD_KEYS).create(
                        {
                            "borrower_user_id": self.users["t_tech"].id,
                            "dossier_ids": [(6, 0, self.dossier.ids)],
                            "purpose": "x",
                            "mode": "print",
                            **vals,
                        }
                    )
        # A context default is the client's too: the request still starts as requested.
        borrow = (
            self.Borrow.with_user(self.staff)
            .with_context(default_state="approved", default_approved_by_id=self.manager.id)
            .create(
                {
                    "borrower_user_id": self.users["t_tech"].id,
                    "dossier_ids": [(6, 0, self.dossier.ids)],
                    "purpose": "x",
                    "mode": "print",
                }
            )
        )
        self.assertEqual(
            (borrow.state, borrow.approved_by_id), ("requested", self.manager.browse())
        )
        # Whether the manager must approve is the server's to say, whatever the client sends.
        unflagged = self._make_borrow(mode="print", needs_manager_approval=False)
        unflagged.invalidate_recordset()
        self.assertTrue(unflagged.needs_manager_approval)
        with self.assertRaisesRegex(WorkflowGuardError, "Needs Manager Approval of Archive"):
            unflagged.with_user(self.staff).write({"needs_manager_approval": False})
        self.assertTrue(borrow.name.startswith("JY"))

    def test_number_drawn_by_the_server(self):
        with self.assertRaisesRegex(WorkflowGuardError, "Number of Archive Borrowing Request"):
            self._make_borrow(name="JY-FORGED")
        borrow = self._make_borrow(name="New")
        self.assertTrue(borrow.name.startswith("JY"))
        with self.assertRaisesRegex(WorkflowGuardError, "Number of Archive Borrowing Request"):
            borrow.with_user(self.staff).write({"name": "JY-FORGED"})

    def test_requester_never_approves_their_own_request(self):
        # The office manager who registers a print request for themselves needs another one.
        own = self._make_borrow(user=self.manager, mode="print", companion_id=self.manager.id)
        with self.assertRaisesRegex(AccessError, "approved by someone other than"):
            own.with_user(self.manager).action_approve()
        # Nor may the keeper decide on a request they accompany.
        keeper_own = self._make_borrow(companion_id=self.keeper.id)
        with self.assertRaisesRegex(AccessError, "approved by someone other than"):
            keeper_own.with_user(self.keeper).action_approve()
        self.assertEqual((own | keeper_own).mapped("state"), ["requested", "requested"])
        other_manager = new_test_user(
            self.env,
            login="t_manager2",
            groups="base.group_user,hanling_property.group_manager",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        own.with_user(other_manager).action_approve()
        self.assertEqual(own.approved_by_id, other_manager)

    def test_manager_approval_lets_the_dossier_print(self):
        borrow = self._make_borrow(mode="print")
        borrow.with_user(self.manager).action_approve()
        self.assertEqual((borrow.state, borrow.approved_by_id), ("approved", self.manager))
        html, __ = self._print(self.staff)
        self.assertIn("3-301", html.decode())

    def test_approvals_written_before_the_guard_do_not_count(self):
        """A request "approved" by its requester (the old attack's data) releases nothing."""
        borrow = self._make_borrow(mode="print")
        # Set-up: the row as the context-key attack left it.
        with workflow_grant("hanling.archive.borrow"):
            borrow.write({"state": "approved", "approved_by_id": self.staff.id})
        with self.assertRaisesRegex(UserError, "cannot be printed without a borrowing request"):
            self._print(self.staff)
        # Approved by the keeper where the mode needs the manager: no release either.
        with workflow_grant("hanling.archive.borrow"):
            borrow.write({"approved_by_id": self.keeper.id})
        with self.assertRaisesRegex(UserError, "cannot be printed without a borrowing request"):
            self._print(self.staff)

    def test_decided_request_is_locked(self):
        borrow = self._make_borrow(mode="export")
        borrow.write({"approval_note": "同意导出，限当日"})
        borrow.with_user(self.manager).action_approve()
        Borrow = borrow.with_user(self.staff)
        for vals in (
            {"mode": "print"},
            {"dossier_ids": [(4, self.Dossier._for_units(self.unit2).id)]},
            {"companion_id": self.keeper.id},
            {"date_due": "2100-01-01"},
            {"purpose": "别的用途"},
        ):
            with self.subTest(vals=vals):
                with self.assertRaisesRegex(EditLockError, "is Approved: .* can no longer"):
                    Borrow.with_context(**OLD_KEYS).write(vals)
        # The written approval is completed while approved, and frozen once the files are out.
        Borrow.write({"approval_note": "同意导出，限当日，导出后删除"})
        Borrow.action_lend()
        with self.assertRaisesRegex(EditLockError, "is Lent: Written Approval can no longer"):
            Borrow.write({"approval_note": "x"})
        with self.assertRaisesRegex(WorkflowGuardError, "Requested On of .* change through"):
            Borrow.write({"date_request": "2000-01-01 00:00:00"})
        self.assertEqual(borrow.mode, "export")

    def test_borrow_actions_for_their_roles(self):
        borrow = self._make_borrow(mode="borrow")
        with self.assertRaisesRegex(UserError, "Only approved requests can be lent"):
            borrow.with_user(self.staff).action_lend()
        # 外借 is the office manager's (篇5 4.2.8).
        borrow.with_user(self.manager).action_approve()
        borrow.with_user(self.staff).action_lend()
        borrow.with_user(self.staff).action_return()
        self.assertEqual(borrow.state, "returned")
        self.assertTrue(borrow.date_lent and borrow.date_returned)
        rejected = self._make_borrow(mode="copy", reject_reason="用途不明")
        with self.assertRaisesRegex(AccessError, "need the office manager's written approval"):
            rejected.with_user(self.keeper).action_reject()
        rejected.with_user(self.manager).action_reject()
        self.assertEqual((rejected.state, rejected.rejected_by_id), ("rejected", self.manager))

    # -- important events -----------------------------------------------------------------

    def _event(self, **vals):
        return self.Event.with_user(self.staff).create(
            {"name": "漏水纠纷", "kind": "complaint", "dossier_id": self.dossier.id, **vals}
        )

    def _evidence(self, event):
        self.env["hanling.archive.document"].with_user(self.keeper).create(
            {
                "name": "现场照片",
                "dossier_id": self.dossier.id,
                "set_id": self.env.ref("hanling_archive.document_set_event").id,
                "type_id": self.env.ref("hanling_archive.document_type_event_evidence").id,
                "event_id": event.id,
            }
        )

    def test_event_cannot_be_created_or_written_reviewed(self):
        now = fields.Datetime.now()
        for vals, label in [
            ({"state": "filed"}, "State"),
            ({"reviewer_id": self.manager.id}, "Reviewed By"),
            ({"date_reviewed": now}, "Date Reviewed"),
            ({"filed_by_id": self.keeper.id}, "Filed By"),
        ]:
            with self.subTest(vals=vals):
                with self.assertRaisesRegex(
                    WorkflowGuardError, f"{label} of Important Event Record"
                ):
                    self.Event.with_user(self.staff).with_context(**OLD_KEYS).create(
                        {"name": "x", "kind": "complaint", "dossier_id": self.dossier.id, **vals}
                    )
        event = self._event()
        with self.assertRaisesRegex(WorkflowGuardError, "Reviewed By, State of Important Event"):
            event.with_user(self.staff).with_context(**OLD_KEYS).write(
                {"state": "reviewed", "reviewer_id": self.staff.id}
            )
        self.assertEqual(event.state, "draft")

    def test_event_review_is_the_managers_and_locks_the_record(self):
        event = self._event()
        self._evidence(event)
        event.with_user(self.staff).action_submit()
        with self.assertRaisesRegex(EditLockError, "Awaiting Review: Dossier can no longer"):
            event.with_user(self.staff).write(
                {"dossier_id": self.Dossier._for_units(self.unit2).id}
            )
        for user in (self.staff, self.keeper):
            with self.assertRaisesRegex(AccessError, "Only the office manager reviews"):
                event.with_user(user).with_context(**OLD_KEYS).action_review()
        event.with_user(self.manager).action_review()
        with self.assertRaisesRegex(EditLockError, "is Reviewed: Record can no longer"):
            event.with_user(self.staff).write({"description": "<p>改过的记录</p>"})
        with self.assertRaisesRegex(AccessError, "Only the archive keeper files"):
            event.with_user(self.staff).action_file()
        event.with_user(self.keeper).action_file()
        self.assertEqual((event.state, event.filed_by_id), ("filed", self.keeper))

    # -- inspections ----------------------------------------------------------------------

    def test_inspection_cannot_be_created_done(self):
        """The attack of issue 14: the supervisor created an inspection already done."""
        today = fields.Date.today()
        base = {"community_id": self.community.id, "kind": "full", "date_due": today}
        Inspection = self.Inspection.with_user(self.supervisor).with_context(**OLD_KEYS)
        for vals, label in [
            ({"state": "done"}, "State"),
            ({"state": "done", "date_done": today}, "Done On, State"),
            ({"population_count": 1}, "Dossiers in Community"),
            ({"date_start": fields.Datetime.now()}, "Started On"),
        ]:
            with self.subTest(vals=vals):
                with self.assertRaisesRegex(
                    WorkflowGuardError, f"{label} of Archive Inspection change through"
                ):
                    Inspection.create({**base, **vals})
        self.assertFalse(self.Inspection.search([("community_id", "=", self.community.id)]))
        inspection = Inspection.create(base)
        self.assertEqual(inspection.state, "planned")
        with self.assertRaisesRegex(WorkflowGuardError, "Done On, State of Archive Inspection"):
            inspection.write({"state": "done", "date_done": today})
        # Nor through the lines' copy of the state.
        inspection.action_start()
        with self.assertRaisesRegex(WorkflowGuardError, "State of Archive Inspection Line"):
            inspection.line_ids.write({"state": "done"})
        self.assertEqual(inspection.state, "in_progress")

    def test_inspection_actions_for_the_supervisor_only(self):
        inspection = self.Inspection.with_user(self.supervisor).create(
            {"community_id": self.community.id, "kind": "full", "date_due": fields.Date.today()}
        )
        with self.assertRaises(AccessError):
            inspection.with_user(self.staff).action_start()
        self.assertEqual(inspection.state, "planned")
        self.assertFalse(inspection.line_ids)
        with self.assertRaisesRegex(EditLockError, "is Planned: Checked Dossiers"):
            inspection.write({"line_ids": [(0, 0, {"dossier_id": self.dossier.id})]})
        inspection.action_start()
        inspection.line_ids.write({"result": "ok"})
        with self.assertRaises(AccessError):
            inspection.with_user(self.staff).action_done()
        inspection.write({"conclusion": "资料齐全"})
        inspection.action_done()
        self.assertEqual((inspection.state, inspection.date_done), ("done", fields.Date.today()))
        with self.assertRaisesRegex(EditLockError, "is Done: .*Conclusion"):
            inspection.write({"conclusion": "改了结论"})
        with self.assertRaisesRegex(EditLockError, "is Done: Result can no longer"):
            inspection.line_ids.write({"result": "missing"})

    # -- the access log -------------------------------------------------------------------

    def test_access_log_cannot_be_switched_off_by_the_client(self):
        """The old no-log context key no longer keeps a read out of the access log."""
        staff = self.staff
        self.resident.with_user(staff).with_context(**OLD_KEYS).web_read(
            {"name": {}, "id_number": {}}
        )
        log = self.Log.search([("user_id", "=", staff.id)])
        self.assertEqual((log.action, log.res_id), ("open", self.resident.id))
        self.dossier.with_user(staff).with_context(_hanling_archive_no_log=True).web_read(
            {"label": {}}
        )
        self.assertEqual(
            self.Log.search([("user_id", "=", staff.id)]).mapped("res_model"),
            ["hanling.archive.dossier", "hanling.archive.resident"],
        )
        # Lists are still not logged row by row, with or without the key.
        self.env["hanling.archive.resident"].with_user(staff).web_search_read([], {"name": {}})
        self.assertEqual(len(self.Log.search([("user_id", "=", staff.id)])), 2)

    def test_request_date_is_the_servers(self):
        """篇5 4.2: the 借阅登记 is audited by when the request was made: set by the server at
        the request, refused from the client when it creates the request and after."""
        with self.assertRaisesRegex(WorkflowGuardError, "Requested On of .* change through"):
            self._make_borrow(date_request="2000-01-01 00:00:00")
        borrow = self._make_borrow()
        self.assertEqual(borrow.state, "requested")
        made = borrow.date_request
        self.assertGreater(made, fields.Datetime.to_datetime("2026-01-01 00:00:00"))
        with self.assertRaisesRegex(WorkflowGuardError, "Requested On of .* change through"):
            borrow.with_user(self.users["t_staff"]).write({"date_request": "2000-01-01 00:00:00"})
        self.assertEqual(borrow.date_request, made)
