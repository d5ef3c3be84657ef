from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.hanling_property.tools.workflow import WorkflowGuardError

from .common import ArchiveCase

ARCHIVE_MODELS = [
    "hanling.archive.dossier",
    "hanling.archive.document",
    "hanling.archive.resident",
    "hanling.archive.event",
    "hanling.archive.borrow",
    "hanling.archive.inspection",
    "hanling.archive.inspection.line",
    "hanling.archive.cabinet",
    "hanling.archive.drawer",
    "hanling.archive.access.log",
]


@tagged("post_install", "-at_install")
class TestArchiveAccess(ArchiveCase):
    def _outsiders(self):
        # They may export other data: the archive is closed to them all the same.
        export = self.env.ref("base.group_allow_export")
        (
            self.plain_user | self.users["t_duty"] | self.users["t_tech"] | self.users["t_engsup"]
        ).write({"groups_id": [(4, export.id)]})
        return [
            self.plain_user,
            self.users["t_duty"],
            self.users["t_tech"],
            self.users["t_engsup"],
        ]

    def test_outsiders_read_nothing(self):
        """Other employees cannot read the archive at all: read, search, read_group, export."""
        self.env["hanling.archive.event"].create(
            {"name": "漏水纠纷", "kind": "complaint", "dossier_id": self.dossier.id}
        )
        records = {
            "hanling.archive.dossier": self.dossier,
            "hanling.archive.document": self.documents[:1],
            "hanling.archive.resident": self.resident,
        }
        for user in self._outsiders():
            for model in ARCHIVE_MODELS:
                Model = self.env[model].with_user(user)
                with self.subTest(user=user.login, model=model):
                    with self.assertRaises(AccessError):
                        Model.search([])
                    with self.assertRaises(AccessError):
                        Model.search_count([])
                    with self.assertRaises(AccessError):
                        Model.read_group([], ["id:count"], [])
                    record = records.get(model)
                    if record:
                        with self.assertRaises(AccessError):
                            record.with_user(user).read(["display_name"])
                        with self.assertRaises(AccessError):
                            record.with_user(user).export_data(["display_name"])
                        with self.assertRaises(AccessError):
                            record.with_user(user).create({})

    def test_outsiders_cannot_reach_records_through_the_partner(self):
        for user in self._outsiders():
            partner = self.owner.with_user(user)
            with self.subTest(user=user.login):
                self.assertEqual(partner.read(["name"])[0]["name"], "王伟")
                with self.assertRaises(AccessError):
                    partner.read(["hanling_archive_record_ids"])
                with self.assertRaises(AccessError):
                    partner.search([("hanling_archive_record_ids.id_number", "=", "x")])
                with self.assertRaises(AccessError):
                    self.community.with_user(user).read(["archive_next_inspection_date"])

    def test_outsiders_cannot_reach_scans_or_chatter(self):
        document = self.documents[0]
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
        self.dossier.message_post(body="资料已补齐")
        for user in self._outsiders():
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    attachment.with_user(user).read(["raw"])
                self.assertFalse(
                    self.env["ir.attachment"]
                    .with_user(user)
                    .search([("res_model", "=", document._name)])
                )
                self.assertFalse(
                    self.env["mail.message"]
                    .with_user(user)
                    .search([("model", "=", self.dossier._name), ("res_id", "=", self.dossier.id)])
                )
        staff_copy = attachment.with_user(self.users["t_staff"])
        self.assertEqual(staff_copy.read(["raw"])[0]["raw"], b"%PDF-1.4 scan")

    def test_record_rule_backs_the_acl(self):
        """Even with read rights granted by mistake, the rule hides the archive from outsiders."""
        self.env["ir.model.access"].create(
            {
                "name": "mistake",
                "model_id": self.env.ref("hanling_archive.model_hanling_archive_resident").id,
                "group_id": self.env.ref("base.group_user").id,
                "perm_read": True,
            }
        )
        Resident = self.env["hanling.archive.resident"]
        self.assertFalse(Resident.with_user(self.plain_user).search([]))
        with self.assertRaises(AccessError):
            self.resident.with_user(self.plain_user).read(["name"])
        self.assertIn(self.resident, Resident.with_user(self.users["t_staff"]).search([]))

    def test_cs_staff_read_but_do_not_edit(self):
        staff = self.users["t_staff"]
        self.assertEqual(
            self.resident.with_user(staff).read(["id_number"])[0]["id_number"], "440305199003071236"
        )
        self.assertEqual(self.dossier.with_user(staff).document_count, 10)
        self.assertTrue(self.env["hanling.archive.document"].with_user(staff).search_count([]))
        with self.assertRaises(AccessError):
            self.resident.with_user(staff).write({"native_place": "湖南"})
        with self.assertRaises(AccessError):
            self.dossier.with_user(staff).write({"note": "x"})
        with self.assertRaises(AccessError):
            self.Log.with_user(staff).search([])

    def test_keeper_manages_and_manager_reads_log(self):
        self.assertTrue(self.users["t_manager"].has_group("hanling_archive.group_archive_keeper"))
        self.assertFalse(self.users["t_cssup"].has_group("hanling_archive.group_archive_keeper"))
        self.resident.with_user(self.keeper).write({"native_place": "湖南长沙"})
        self.assertEqual(self.resident.native_place, "湖南长沙")
        with self.assertRaises(AccessError):
            self.Log.with_user(self.keeper).search([])
        self.assertIsInstance(
            self.Log.with_user(self.users["t_manager"]).search([]), type(self.Log)
        )
        with self.assertRaises(AccessError):
            self.Log.with_user(self.users["t_manager"]).create(
                {"user_id": self.keeper.id, "action": "open", "res_model": "x", "res_id": 1}
            )

    def test_other_company_dossiers_hidden(self):
        other = self.env["res.company"].create({"name": "另一管理处"})
        community = self.env["hanling.community"].create(
            {"name": "别处", "code": "OTH", "company_id": other.id}
        )
        building = self.env["hanling.building"].create(
            {"name": "A", "code": "A", "community_id": community.id}
        )
        unit = self.env["hanling.unit"].create(
            {"building_id": building.id, "floor": 1, "room": "101"}
        )
        foreign = self.Dossier._for_units(unit)
        visible = self.Dossier.with_user(self.users["t_staff"]).search([])
        self.assertIn(self.dossier, visible)
        self.assertNotIn(foreign, visible)

    def test_transition_fields_not_writable(self):
        borrow = self._make_borrow()
        with self.assertRaisesRegex(WorkflowGuardError, "State of Archive Borrowing Request"):
            borrow.with_user(self.users["t_staff"]).write({"state": "approved"})
        with self.assertRaisesRegex(WorkflowGuardError, "State of Archive Borrowing Request"):
            self._make_borrow(state="approved")
        self.assertEqual(borrow.state, "requested")
