from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.hanling_property.tools.workflow import EditLockError

from .common import ArchiveCase

DOSSIER_REPORT = "hanling_archive.action_report_archive_dossier"


@tagged("post_install", "-at_install")
class TestArchiveBorrow(ArchiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = cls.users["t_staff"]
        cls.manager = cls.users["t_manager"]
        cls.other_dossier = cls.Dossier._for_units(cls.unit2)
        # Exporting at all is a right Odoo grants separately; the archive adds its own check.
        export = cls.env.ref("base.group_allow_export")
        (cls.staff | cls.keeper).write({"groups_id": [(4, export.id)]})

    def test_internal_read_approved_by_keeper_lent_returned(self):
        borrow = self._make_borrow()
        self.assertTrue(borrow.name.startswith("JY"))
        self.assertFalse(borrow.needs_manager_approval)
        # Plain customer-service staff register requests but do not decide on them.
        with self.assertRaisesRegex(AccessError, "Only the archive keeper or the office manager"):
            borrow.with_user(self.staff).action_approve()
        borrow.with_user(self.keeper).action_approve()
        self.assertEqual(borrow.state, "approved")
        self.assertEqual(borrow.approved_by_id, self.keeper)
        self.assertTrue(borrow.date_approved)
        with self.assertRaisesRegex(UserError, "Only requested loans can be approved"):
            borrow.action_approve()
        with self.assertRaisesRegex(UserError, "Only lent files can be returned"):
            borrow.action_return()
        borrow.with_user(self.staff).action_lend()
        self.assertEqual(borrow.state, "lent")
        self.assertTrue(borrow.date_lent)
        with self.assertRaisesRegex(EditLockError, "is Lent: How can no longer be changed"):
            borrow.with_user(self.staff).write({"mode": "export"})
        borrow.with_user(self.staff).action_return()
        self.assertEqual(borrow.state, "returned")
        self.assertTrue(borrow.date_returned)
        with self.assertRaisesRegex(UserError, "Only approved requests can be lent"):
            borrow.action_lend()
        with self.assertRaisesRegex(
            UserError, "The borrowing register keeps every decided request"
        ):
            borrow.with_user(self.manager).unlink()  # may delete requests, not decided ones

    def test_outside_person_needs_proof_and_manager(self):
        with self.assertRaises(ValidationError):
            self._make_borrow(
                borrower_type="external", borrower_user_id=False, outside_name="张律师"
            )
        borrow = self._make_borrow(
            borrower_type="external",
            borrower_user_id=False,
            outside_name="张律师",
            outside_organisation="某律师事务所",
            proof="律师执业证及委托书",
        )
        self.assertTrue(borrow.needs_manager_approval)
        with self.assertRaisesRegex(AccessError, "need the office manager's written approval"):
            borrow.with_user(self.keeper).action_approve()
        self.assertEqual(borrow.state, "requested")
        borrow.with_user(self.staff).action_request_approval()
        self.assertEqual(len(borrow.activity_ids), 1)
        self.assertTrue(borrow.activity_ids.user_id.has_group("hanling_property.group_manager"))
        borrow.write({"approval_note": "同意查阅，限当日"})
        borrow.with_user(self.manager).action_approve()
        self.assertEqual(borrow.approved_by_id, self.manager)
        self.assertFalse(borrow.activity_ids, "the approval closes the manager's to-do")

    def test_approval_asked_of_the_community_manager(self):
        self.community.manager_id = self.users["t_rep"]
        borrow = self._make_borrow(mode="copy")
        borrow.action_request_approval()
        self.assertEqual(borrow.activity_ids.user_id, self.users["t_rep"])
        internal = self._make_borrow()
        internal.action_request_approval()
        self.assertFalse(internal.activity_ids, "reading needs no manager: nobody is asked")

    def test_copy_print_export_need_manager(self):
        for mode in ("copy", "print", "export"):
            borrow = self._make_borrow(mode=mode)
            with self.subTest(mode=mode):
                self.assertTrue(borrow.needs_manager_approval)
                with self.assertRaisesRegex(AccessError, "need the office manager's written"):
                    borrow.with_user(self.keeper).action_approve()
                borrow.with_user(self.manager).action_approve()
                self.assertEqual(borrow.state, "approved")

    def test_companion_must_be_cs_staff(self):
        with self.assertRaises(ValidationError):
            self._make_borrow(companion_id=self.users["t_tech"].id)

    def test_internal_needs_employee(self):
        with self.assertRaises(ValidationError):
            self._make_borrow(borrower_user_id=False)

    def test_reject_needs_reason(self):
        borrow = self._make_borrow(mode="export")
        with self.assertRaisesRegex(UserError, "Give the reason of the rejection"):
            borrow.with_user(self.manager).action_reject()
        borrow.reject_reason = "用途不明"
        with self.assertRaisesRegex(AccessError, "need the office manager's written approval"):
            borrow.with_user(self.keeper).action_reject()
        borrow.with_user(self.manager).action_reject()
        self.assertEqual(borrow.state, "rejected")
        self.assertEqual(borrow.rejected_by_id, self.manager)
        with self.assertRaisesRegex(UserError, "Only requested loans can be approved"):
            borrow.action_approve()
        with self.assertRaisesRegex(UserError, "Only approved requests can be lent"):
            borrow.action_lend()

    def test_overdue_flagged_and_reminded(self):
        borrow = self._make_borrow(mode="borrow", date_due=fields.Date.today() + timedelta(days=1))
        borrow.with_user(self.keeper).action_approve()
        borrow.action_lend()
        self.assertFalse(borrow.is_overdue)
        mine = [("id", "=", borrow.id)]
        self.assertFalse(self.Borrow.search([("is_overdue", "=", True)] + mine))
        later = fields.Date.today() + timedelta(days=3)
        Deadlines = self.env["hanling.deadline.mixin"]
        with patch("odoo.fields.Date.context_today", return_value=later):
            # Time passed: the stored flag is brought up to date by the deadline check.
            self.assertIn(borrow, Deadlines._cron_check_deadlines()[self.Borrow._name])
            Deadlines._cron_check_deadlines()
            self.assertTrue(borrow.is_overdue)
            self.assertEqual(self.Borrow.search([("is_overdue", "=", True)] + mine), borrow)
            self.assertNotIn(borrow, self.Borrow.search([("is_overdue", "=", False)]))
        warning = self.env.ref("mail.mail_activity_data_warning")
        reminders = borrow.activity_ids.filtered(lambda a: a.activity_type_id == warning)
        self.assertEqual(len(reminders), 1, "one reminder, not one per cron run")
        self.assertEqual(reminders.user_id, self.staff)
        borrow.action_return()
        self.assertFalse(borrow.activity_ids)

    # -- export and print are refused without an approved request -----------------------

    def test_export_refused_without_approved_request(self):
        residents = self.resident.with_user(self.staff)
        with self.assertRaisesRegex(UserError, "cannot be exported without a borrowing request"):
            residents.export_data(["name", "id_number"])
        borrow = self._make_borrow(mode="export")
        with self.assertRaisesRegex(UserError, "cannot be exported without a borrowing request"):
            residents.export_data(["name"])  # still only requested
        borrow.with_user(self.manager).action_approve()
        rows = residents.export_data(["name", "id_number"])["datas"]
        self.assertEqual(rows, [["王伟", "440305199003071236"]])
        log = self.Log.search([("action", "=", "export"), ("user_id", "=", self.staff.id)])
        self.assertEqual(len(log), 1)
        self.assertEqual(log.borrow_id, borrow)
        self.assertEqual(log.dossier_id, self.dossier)
        self.assertEqual(
            (log.res_model, log.res_id), ("hanling.archive.resident", self.resident.id)
        )

    def test_export_limited_to_covered_dossiers_mode_and_term(self):
        borrow = self._make_borrow(mode="export")
        borrow.with_user(self.manager).action_approve()
        both = self.dossier | self.other_dossier
        with self.assertRaisesRegex(UserError, "cannot be exported without a borrowing request"):
            both.with_user(self.staff).export_data(["label"])
        self.assertTrue(self.dossier.with_user(self.staff).export_data(["label"])["datas"])
        # The request is personal: another reader cannot use it.
        with self.assertRaisesRegex(UserError, "cannot be exported without a borrowing request"):
            self.dossier.with_user(self.keeper).export_data(["label"])
        # A print permission does not allow an export.
        printing = self._make_borrow(mode="print", dossier_ids=[(6, 0, both.ids)])
        printing.with_user(self.manager).action_approve()
        with self.assertRaisesRegex(UserError, "cannot be exported without a borrowing request"):
            self.other_dossier.with_user(self.staff).export_data(["label"])
        # An expired permission no longer counts.
        with patch(
            "odoo.fields.Date.context_today", return_value=fields.Date.to_date("2100-01-01")
        ):
            with self.assertRaisesRegex(
                UserError, "cannot be exported without a borrowing request"
            ):
                self.dossier.with_user(self.staff).export_data(["label"])
        borrow.action_lend()
        borrow.action_return()
        with self.assertRaisesRegex(UserError, "cannot be exported without a borrowing request"):
            self.dossier.with_user(self.staff).export_data(["label"])

    def test_export_refused_for_documents_and_events_too(self):
        with self.assertRaisesRegex(UserError, "cannot be exported without a borrowing request"):
            self.documents.with_user(self.staff).export_data(["name"])
        event = self.env["hanling.archive.event"].create(
            {"name": "漏水纠纷", "kind": "complaint", "dossier_id": self.dossier.id}
        )
        with self.assertRaisesRegex(UserError, "cannot be exported without a borrowing request"):
            event.with_user(self.staff).export_data(["name"])

    def test_export_through_relations_refused(self):
        """Exporting a partner, a community or a register cannot reach into the archive."""
        staff = self.staff
        with self.assertRaisesRegex(UserError, "cannot be exported without a borrowing request"):
            self.owner.with_user(staff).export_data(
                ["name", "hanling_archive_record_ids/id_number"]
            )
        borrow = self._make_borrow().with_context(import_compat=False)
        with self.assertRaisesRegex(UserError, "cannot be exported without a borrowing request"):
            borrow.with_user(staff).export_data(["name", "dossier_ids/document_ids/name"])
        # The names of the dossiers a request covers are part of the register itself.
        rows = borrow.with_user(staff).export_data(["name", "dossier_ids/display_name"])["datas"]
        self.assertEqual(rows, [[borrow.name, self.dossier.display_name]])
        self.assertEqual(self.owner.with_user(staff).export_data(["name"])["datas"], [["王伟"]])
        self.assertFalse(self.Log.search([("user_id", "=", staff.id)]))

    def test_print_refused_without_approved_request(self):
        Report = self.env["ir.actions.report"].with_user(self.staff)
        with self.assertRaisesRegex(UserError, "cannot be printed without a borrowing request"):
            Report._render_qweb_html(DOSSIER_REPORT, self.dossier.ids)
        with self.assertRaisesRegex(UserError, "cannot be printed without a borrowing request"):
            Report._render_qweb_pdf(DOSSIER_REPORT, self.dossier.ids)
        printed = [("action", "=", "print"), ("user_id", "=", self.staff.id)]
        self.assertFalse(self.Log.search(printed))
        borrow = self._make_borrow(mode="print")
        borrow.with_user(self.manager).action_approve()
        html, __ = Report._render_qweb_html(DOSSIER_REPORT, self.dossier.ids)
        self.assertIn("3-301", html.decode())
        log = self.Log.search(printed)
        self.assertEqual(log.user_id, self.staff)
        self.assertEqual(log.borrow_id, borrow)

    def test_registers_print_without_request(self):
        """The borrowing register and the inspection record are quality records, not resident data."""
        borrow = self._make_borrow()
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(self.staff)
            ._render_qweb_html("hanling_archive.action_report_archive_borrow", borrow.ids)
        )
        self.assertIn(borrow.name, html.decode())
