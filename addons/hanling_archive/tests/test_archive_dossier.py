from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ArchiveCase


@tagged("post_install", "-at_install")
class TestArchiveDossier(ArchiveCase):
    def test_label_and_unique_dossier(self):
        self.assertEqual(self.dossier.label, "3-301")
        self.assertEqual(self.Dossier._for_units(self.unit), self.dossier, "one dossier per unit")
        self.assertIn("3-301", self.dossier.display_name)

    def test_move_in_set_complete(self):
        self.assertEqual(len(self.documents), 10)
        self.assertTrue(self.dossier.is_complete)
        self.assertFalse(self.dossier.missing_summary)
        self.assertEqual(self.dossier.missing_count, 0)
        notice = self.documents.filtered(lambda d: d.type_id.code == "move_in_notice")
        self.assertEqual(notice.form, "original")
        self.assertEqual(
            self.documents.filtered(lambda d: d.type_id.code == "id_copy").form, "copy"
        )
        self.assertEqual(notice.file, self._b64(b"%PDF-1.4 scan"), "the scan is filed with it")
        self.assertEqual(notice.clerk_id, self.env.user)

    def test_empty_dossier_misses_move_in_set(self):
        dossier = self.Dossier._for_units(self.unit2)
        self.assertFalse(dossier.is_complete)
        self.assertEqual(dossier.missing_count, 10)
        self.assertIn(
            self.env.ref("hanling_archive.document_set_move_in").name, dossier.missing_summary
        )
        # Sets not started are not reported: a unit need not have been decorated or transferred.
        self.assertNotIn(
            self.env.ref("hanling_archive.document_set_decoration").name, dossier.missing_summary
        )

    def test_started_decoration_set_shows_its_missing_documents(self):
        self.Dossier._file_documents(
            self.unit, "decoration", [("decoration_application", False, "装修申请表")]
        )
        self.assertFalse(self.dossier.is_complete)
        self.assertEqual(self.dossier.missing_count, 8)
        missing = self.dossier._missing_by_set()[self.dossier.id]
        decoration = self.env.ref("hanling_archive.document_set_decoration")
        self.assertEqual(list(missing), [decoration])
        self.assertIn(
            self.env.ref("hanling_archive.document_type_decoration_permit"), missing[decoration]
        )
        self.assertNotIn(
            self.env.ref("hanling_archive.document_type_decoration_application"),
            missing[decoration],
        )
        # Optional documents (extension, hot work, violations) are never "missing".
        self.assertNotIn(
            self.env.ref("hanling_archive.document_type_extension_application"), missing[decoration]
        )

    def test_transfer_set_accepts_sale_contract_for_certificate(self):
        codes = [
            "transfer_confirmation",
            "fire_responsibility",
            "bank_collection",
            "resident_register",
        ]
        self.Dossier._file_documents(self.unit, "transfer", [(c, False, False) for c in codes])
        missing = self.dossier._missing_by_set()[self.dossier.id]
        transfer = self.env.ref("hanling_archive.document_set_transfer")
        self.assertEqual(
            missing[transfer], self.env.ref("hanling_archive.document_type_property_certificate")
        )
        self.Dossier._file_documents(self.unit, "transfer", [("sale_contract", False, False)])
        self.assertTrue(self.dossier.is_complete)

    def test_reconfigured_requirements_recompute_completeness(self):
        self.assertTrue(self.dossier.is_complete)
        move_in = self.env.ref("hanling_archive.document_set_move_in")
        extra = self.env["hanling.archive.document.type"].create(
            {"name": "车位租赁合同", "code": "parking_contract", "set_ids": [(4, move_in.id)]}
        )
        self.assertFalse(self.dossier.is_complete)
        self.assertEqual(
            self.Dossier.search([("id", "=", self.dossier.id), ("is_complete", "=", True)]),
            self.Dossier,
        )
        move_in.write({"required_type_ids": [(3, extra.id)]})
        self.assertTrue(self.dossier.is_complete)

    def test_original_required_not_satisfied_by_copy(self):
        notice = self.documents.filtered(lambda d: d.type_id.code == "move_in_notice")
        notice.form = "copy"
        self.assertFalse(self.dossier.is_complete)
        self.assertIn(notice.type_id.name, self.dossier.missing_summary)

    def test_file_documents_is_idempotent_per_source(self):
        source = self.unit2
        first = self.Dossier._file_documents(
            self.unit2, "move_in", [("id_copy", False, False)], source=source
        )
        again = self.Dossier._file_documents(
            self.unit2,
            "move_in",
            [("id_copy", False, False), ("key_receipt", False, False)],
            source=source,
        )
        self.assertEqual(len(first), 1)
        self.assertEqual(again.type_id.code, "key_receipt")
        self.assertEqual(first.source_model, "hanling.unit")
        self.assertEqual(first.source_id, self.unit2.id)

    def test_file_documents_refuses_unknown_codes(self):
        count = self.env["hanling.archive.document"].search_count([])
        with self.assertRaisesRegex(UserError, "Unknown archive document types"):
            self.Dossier._file_documents(self.unit2, "move_in", [("no_such_type", False, False)])
        with self.assertRaisesRegex(UserError, "Unknown archive document set"):
            self.Dossier._file_documents(self.unit2, "no_such_set", [("id_copy", False, False)])
        self.assertEqual(self.env["hanling.archive.document"].search_count([]), count)

    def test_front_desk_files_without_reading(self):
        """A duty officer files the documents they collected but cannot read them back."""
        duty = self.users["t_duty"]
        documents = self.Dossier.with_user(duty)._file_documents(
            self.unit2, "move_in", [("id_copy", self.scan, "身份证复印件")]
        )
        self.assertEqual(documents.sudo().dossier_id.unit_id, self.unit2)
        self.assertEqual(documents.sudo().clerk_id, duty)
        self.assertFalse(documents.has_access("read"))

    def test_drawer_assigned_from_floors(self):
        cabinet = self.env["hanling.archive.cabinet"].create(
            {"name": "档案柜A", "community_id": self.community.id}
        )
        low, high = self.env["hanling.archive.drawer"].create(
            [
                {
                    "name": "抽屉1",
                    "cabinet_id": cabinet.id,
                    "building_id": self.building.id,
                    "floor_from": 1,
                    "floor_to": 2,
                },
                {
                    "name": "抽屉2",
                    "cabinet_id": cabinet.id,
                    "building_id": self.building.id,
                    "floor_from": 3,
                    "floor_to": 5,
                },
            ]
        )
        self.assertEqual(high.content_label, "1栋 3-5")
        dossier = self.Dossier._for_units(self.unit2)
        self.assertEqual(dossier.drawer_id, high)
        self.assertEqual(dossier.cabinet_id, cabinet)
        self.assertEqual(cabinet.dossier_count, 1)
        self.assertNotEqual(dossier.drawer_id, low)


@tagged("post_install", "-at_install")
class TestArchiveDossierPerformance(ArchiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        building = cls.env["hanling.building"].create(
            {"name": "9栋", "code": "T9", "community_id": cls.community.id}
        )
        cls.many_units = cls.env["hanling.unit"].create(
            [
                {"building_id": building.id, "floor": 1 + i // 4, "room": f"9{i:02d}"}
                for i in range(20)
            ]
        )
        for unit in cls.many_units[:12]:
            cls.Dossier._file_documents(
                unit, "move_in", [(c, False, False) for c in cls.move_in_codes[:6]]
            )
        cls.many = cls.Dossier._for_units(cls.many_units)

    def _list_queries(self, dossiers):
        spec = {
            "label": {},
            "building_id": {"fields": {"display_name": {}}},
            "drawer_id": {"fields": {}},
            "document_count": {},
            "missing_count": {},
            "is_complete": {},
        }
        Dossier = self.Dossier.with_user(self.users["t_staff"])
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        result = Dossier.web_search_read([("id", "in", dossiers.ids)], spec)
        self.assertEqual(result["length"], len(dossiers))
        return self.cr.sql_log_count - before

    def test_dossier_list_queries_do_not_grow_with_rows(self):
        self._list_queries(self.many[:1])  # warm the access-rule caches
        self.assertEqual(self._list_queries(self.many[:4]), self._list_queries(self.many))

    def test_filing_query_budget(self):
        unit = self.many_units[-1]
        self.Dossier._for_units(unit)
        self.env.invalidate_all()
        # The ten documents of the move-in set are created in one batch.
        with self.assertQueryCount(__system__=15):
            self.Dossier._file_documents(
                unit, "move_in", [(c, False, False) for c in self.move_in_codes]
            )
