"""Every RPC path to confidential archive data, tried by employees outside the archive.

test_archive_access.py covers read, search, search_count, read_group and export on the archive
models; this file covers the other ways the web client and the RPC API reach data: name_search,
web_read/web_search_read with related fields from other models, file downloads (ir.binary, as
/web/content and /web/image use it), chatter (messages, followers, posting, subscribing) and
report rendering. Every refusal is written to the server log.
"""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ArchiveCase

DOSSIER_REPORT = "hanling_archive.report_archive_dossier"
CHATTER_MODELS = ["hanling.archive.dossier", "hanling.archive.resident", "hanling.archive.event"]
# Odoo writes one INFO line per refusal by an ACL ("Access Denied by ACLs"), a record rule
# ("Access Denied by record rules") or a field's groups; the archive logs its own refusals.
ODOO_LOGGER = "odoo"


@tagged("post_install", "-at_install")
class TestArchiveRpcPaths(ArchiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.event = cls.env["hanling.archive.event"].create(
            {"name": "漏水纠纷", "kind": "complaint", "dossier_id": cls.dossier.id}
        )
        cls.message = cls.dossier.message_post(body="资料已补齐", message_type="comment")
        cls.dossier.message_subscribe(partner_ids=cls.owner.ids)
        cls.attachment = (
            cls.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "hanling.archive.document"),
                    ("res_id", "=", cls.documents[0].id),
                    ("res_field", "=", "file"),
                ]
            )
        )
        cls.outsiders = [
            cls.plain_user,
            cls.users["t_duty"],
            cls.users["t_tech"],
            cls.users["t_engsup"],
        ]
        cls.records = {
            "hanling.archive.dossier": cls.dossier,
            "hanling.archive.document": cls.documents[0],
            "hanling.archive.resident": cls.resident,
            "hanling.archive.event": cls.event,
        }

    def _refused_and_logged(self, call, exception=AccessError):
        with self.assertLogs(ODOO_LOGGER, "DEBUG") as logs, self.assertRaises(exception):
            call()
        self.assertTrue(
            any(
                ("Access Denied" in line or "refused" in line) and "uid" in line
                for line in logs.output
            ),
            [line for line in logs.output if not line.startswith("DEBUG")],
        )

    def test_name_search_refused(self):
        for user in self.outsiders:
            for model in self.records:
                with self.subTest(user=user.login, model=model):
                    Model = self.env[model].with_user(user)
                    self._refused_and_logged(lambda M=Model: M.name_search(""))
                    self._refused_and_logged(lambda M=Model: M.name_search("王"))

    def test_web_read_and_web_search_read_refused(self):
        for user in self.outsiders:
            for model, record in self.records.items():
                with self.subTest(user=user.login, model=model):
                    rec = record.with_user(user)
                    self._refused_and_logged(lambda r=rec: r.web_read({"display_name": {}}))
                    Model = self.env[model].with_user(user)
                    self._refused_and_logged(
                        lambda M=Model: M.web_search_read([], {"display_name": {}})
                    )
        self.assertFalse(self.Log.search([("user_id", "in", [u.id for u in self.outsiders])]))

    def test_web_read_with_related_fields_refused(self):
        """The partner form, the community form: their archive fields stay closed."""
        for user in self.outsiders:
            with self.subTest(user=user.login):
                partner = self.owner.with_user(user)
                self.assertEqual(partner.web_read({"name": {}})[0]["name"], "王伟")
                self._refused_and_logged(
                    lambda p=partner: p.web_read(
                        {"hanling_archive_record_ids": {"fields": {"id_number": {}}}}
                    ),
                )
                self._refused_and_logged(
                    lambda p=partner: p.web_search_read(
                        [("id", "=", self.owner.id)],
                        {"hanling_archive_record_ids": {"fields": {"name": {}}}},
                    ),
                )
                community = self.community.with_user(user)
                self._refused_and_logged(
                    lambda c=community: c.web_read({"archive_next_inspection_date": {}}),
                )

    def test_file_download_refused(self):
        """/web/content and /web/image find the record with the user's rights (ir.binary)."""
        Binary = self.env["ir.binary"]
        document = self.documents[0]
        for user in self.outsiders:
            with self.subTest(user=user.login):
                self._refused_and_logged(
                    lambda u=user: Binary.with_user(u)._find_record(
                        res_model=document._name, res_id=document.id, field="file"
                    ),
                )
                # By attachment id, the way /web/content/<id> is called: found, then streamed
                # with the user's rights.
                self._refused_and_logged(
                    lambda u=user: Binary.with_user(u)._record_to_stream(
                        Binary.with_user(u)._find_record(res_id=self.attachment.id), "raw"
                    ),
                )
                self._refused_and_logged(
                    lambda u=user: self.attachment.with_user(u).read(["raw", "datas"]),
                )
                self._refused_and_logged(
                    lambda u=user: document.with_user(u).read(["file"]),
                )
        self.assertFalse(self.Log.search([("action", "=", "download")]))

    def test_chatter_refused(self):
        for user in self.outsiders:
            with self.subTest(user=user.login):
                message = self.message.with_user(user)
                self._refused_and_logged(lambda m=message: m.read(["body"]))
                self.assertFalse(
                    self.env["mail.message"]
                    .with_user(user)
                    .search([("model", "in", CHATTER_MODELS)])
                )
                self.assertFalse(
                    self.env["mail.followers"]
                    .with_user(user)
                    .search([("res_model", "in", CHATTER_MODELS)])
                )
                dossier = self.dossier.with_user(user)
                self._refused_and_logged(lambda d=dossier: d.message_post(body="偷看"))
                # Following it oneself is refused quietly (False), by the same logged check;
                # following it for someone else needs write access.
                with self.assertLogs(ODOO_LOGGER, "DEBUG") as logs:
                    self.assertFalse(dossier.message_subscribe(partner_ids=user.partner_id.ids))
                self.assertTrue(any("Access Denied" in line for line in logs.output))
                self._refused_and_logged(
                    lambda d=dossier: d.message_subscribe(partner_ids=self.owner.ids)
                )
                self._refused_and_logged(
                    lambda d=dossier: d.message_follower_ids.read(["partner_id"]),
                )
                # What the discuss client calls to load a chatter.
                self.assertFalse(
                    self.env["hanling.archive.dossier"]
                    .with_user(user)
                    ._get_thread_with_access(self.dossier.id, mode="read")
                )
                with self.assertRaises(AccessError):
                    self.env["mail.activity"].with_user(user).create(
                        {
                            "res_model_id": self.env["ir.model"]._get_id("hanling.archive.dossier"),
                            "res_id": self.dossier.id,
                            "summary": "x",
                        }
                    )
        self.assertEqual(
            self.dossier.message_follower_ids.partner_id.filtered(
                lambda p: (
                    p in self.env["res.users"].browse([u.id for u in self.outsiders]).partner_id
                )
            ),
            self.env["res.partner"],
        )
        # The archive's readers still see who follows a dossier.
        for reader in (self.users["t_staff"], self.keeper):
            self.assertIn(
                self.owner,
                self.env["mail.followers"]
                .with_user(reader)
                .search([("res_model", "=", self.dossier._name), ("res_id", "=", self.dossier.id)])
                .partner_id,
            )

    def test_report_rendering_refused(self):
        for user in self.outsiders:
            with self.subTest(user=user.login):
                Report = self.env["ir.actions.report"].with_user(user)
                with self.assertRaises(AccessError):
                    Report._render_qweb_html(DOSSIER_REPORT, self.dossier.ids)
        # Even the archive's own readers print only under an approved request; logged as such.
        staff = self.users["t_staff"]
        self._refused_and_logged(
            lambda: (
                self.env["ir.actions.report"]
                .with_user(staff)
                ._render_qweb_html(DOSSIER_REPORT, self.dossier.ids)
            ),
            exception=UserError,
        )
        staff.groups_id = [(4, self.env.ref("base.group_allow_export").id)]
        self._refused_and_logged(
            lambda: self.resident.with_user(staff).export_data(["name"]),
            exception=UserError,
        )
        self.assertFalse(self.Log.search([("action", "=", "print")]))
