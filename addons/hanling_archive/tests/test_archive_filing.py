from datetime import timedelta

from odoo.tests import tagged

from odoo.addons.hanling_property.tests.decoration_common import DecorationCase


@tagged("post_install", "-at_install")
class TestArchiveFiling(DecorationCase):
    """Documents collected at move-in, decoration and transfer land in the unit's dossier."""

    def _filed(self, set_code):
        dossier = self.env["hanling.archive.dossier"].search([("unit_id", "=", self.unit.id)])
        return dossier.document_ids.filtered(lambda d: d.set_id.code == set_code)

    def test_move_in_files_its_documents(self):
        staff = self.users["t_staff"]
        move_in = (
            self.env["hanling.move.in"]
            .with_user(staff)
            .create(
                {
                    "unit_id": self.unit.id,
                    "partner_id": self.owner.id,
                    "identity_checked": True,
                    "cleaning_answer": "declined",
                }
            )
        )
        move_in.key_ids = [(0, 0, {"key_type": "unit_door", "quantity": 2})]
        received = self.receive(move_in.document_line_ids)
        move_in.action_start()
        move_in.action_done()
        filed = self._filed("move_in")
        self.assertEqual(set(filed.type_id.mapped("code")), set(received.mapped("code")))
        self.assertEqual(set(filed.mapped("source_model")), {"hanling.move.in"})
        self.assertTrue(all(filed.mapped("file")))

    def test_decoration_and_transfer_file_theirs(self):
        permit = self.completed_permit()
        self.settle(permit)
        self.assertEqual(
            set(self._filed("decoration").type_id.mapped("code")),
            {
                "decoration_application",
                "contractor_licence",
                "decoration_drawings",
                "decoration_agreement",
                "decoration_undertaking",
                "decoration_permit",
            },
        )
        self.env["hanling.occupancy"].create(
            {
                "unit_id": self.unit.id,
                "partner_id": self.owner.id,
                "date_start": self.today - timedelta(days=30),
            }
        )
        buyer = self.env["res.partner"].create({"name": "周强"})
        transfer = self.env["hanling.ownership.transfer"].create(
            {"unit_id": self.unit.id, "partner_id": buyer.id}
        )
        self.receive(transfer.document_line_ids)
        transfer.with_user(self.users["t_staff"]).action_done()
        self.assertIn("property_certificate", self._filed("transfer").type_id.mapped("code"))

    def test_office_document_unknown_to_the_archive_is_skipped(self):
        self.env["hanling.document.type"].create(
            {"name": "车位租赁合同", "code": "parking_contract", "document_set": "move_in"}
        )
        move_in = self.env["hanling.move.in"].create(
            {
                "unit_id": self.unit.id,
                "partner_id": self.owner.id,
                "identity_checked": True,
                "cleaning_answer": "declined",
            }
        )
        move_in.key_ids = [(0, 0, {"key_type": "unit_door", "quantity": 1})]
        self.receive(move_in.document_line_ids)
        self.receive(move_in.document_line_ids, codes={"parking_contract"})
        move_in.action_start()
        move_in.action_done()
        self.assertEqual(move_in.state, "done")
        self.assertNotIn("parking_contract", self._filed("move_in").type_id.mapped("code"))
