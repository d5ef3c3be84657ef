from unittest.mock import patch

from odoo.tests import tagged

from .common import ArchiveCase


@tagged("post_install", "-at_install")
class TestArchiveLog(ArchiveCase):
    def test_form_open_logged(self):
        staff = self.users["t_staff"]
        self.resident.with_user(staff).web_read({"name": {}, "id_number": {}})
        log = self.Log.search([("user_id", "=", staff.id)])
        self.assertEqual(len(log), 1)
        self.assertEqual(log.action, "open")
        self.assertEqual(log.res_model, "hanling.archive.resident")
        self.assertEqual(log.res_id, self.resident.id)
        self.assertEqual(log.dossier_id, self.dossier)
        self.assertEqual(log.record_name, "王伟")
        self.assertTrue(log.create_date)
        # Opening the dossier reads its resident list in the same call: one line, the dossier.
        self.dossier.with_user(staff).web_read(
            {"label": {}, "resident_ids": {"fields": {"name": {}}}}
        )
        self.assertEqual(
            self.Log.search([("user_id", "=", staff.id), ("id", "!=", log.id)]).mapped("res_id"),
            [self.dossier.id],
        )

    def test_lists_and_code_reads_not_logged(self):
        staff = self.users["t_staff"]
        self.env["hanling.archive.resident"].with_user(staff).web_search_read([], {"name": {}})
        self.resident.with_user(staff).read(["name"])
        self.assertFalse(self.Log.search([("user_id", "=", staff.id)]))

    def test_names_shown_elsewhere_not_logged(self):
        """A dossier shown as a tag on a borrowing request is not opened."""
        staff = self.users["t_staff"]
        borrow = self._make_borrow()
        borrow.with_user(staff).web_read(
            {"name": {}, "dossier_ids": {"fields": {"display_name": {}}}}
        )
        self.assertFalse(self.Log.search([("user_id", "=", staff.id)]))

    def test_download_logged(self):
        staff = self.users["t_staff"]
        document = self.documents[0]
        # Streaming a file needs an HTTP request; the log is written before that part.
        with patch.object(
            self.registry["ir.attachment"], "_to_http_stream", lambda attachment: attachment.raw
        ):
            stream = (
                self.env["ir.binary"]
                .with_user(staff)
                ._record_to_stream(document.with_user(staff), "file")
            )
            self.assertEqual(stream, b"%PDF-1.4 scan")
        log = self.Log.search([("user_id", "=", staff.id)])
        self.assertEqual(log.action, "download")
        self.assertEqual((log.res_model, log.res_id), ("hanling.archive.document", document.id))
        # The same file fetched through its attachment id is logged as well.
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", document._name),
                    ("res_id", "=", document.id),
                    ("res_field", "=", "file"),
                ]
            )
        )
        self.assertEqual(len(attachment), 1)
        with patch.object(
            self.registry["ir.attachment"], "_to_http_stream", lambda attachment: attachment.raw
        ):
            self.env["ir.binary"].with_user(staff)._record_to_stream(
                attachment.with_user(staff), "raw"
            )
        self.assertEqual(
            len(self.Log.search([("user_id", "=", staff.id), ("action", "=", "download")])), 2
        )

    def test_logging_does_not_open_the_log(self):
        staff = self.users["t_staff"]
        self.resident.with_user(staff).web_read({"name": {}})
        self.assertEqual(
            self.Log.with_user(self.users["t_manager"]).search_count([("user_id", "=", staff.id)]),
            1,
        )
