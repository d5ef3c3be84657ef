from unittest.mock import patch

from odoo.tests import tagged

from .decoration_common import DecorationCase


@tagged("post_install", "-at_install")
class TestDocumentHooks(DecorationCase):
    """The archive addon files the documents when each procedure ends: the call points hold."""

    def _collected(self, model):
        return patch.object(self.env.registry[model], "_hanling_documents_collected", autospec=True)

    def test_move_in_files_documents_when_done(self):
        move_in = self.env["hanling.move.in"].create(
            {
                "unit_id": self.unit.id,
                "partner_id": self.owner.id,
                "identity_checked": True,
                "cleaning_answer": "declined",
            }
        )
        move_in.key_ids = [(0, 0, {"key_type": "unit_door", "quantity": 2})]
        self.receive(move_in.document_line_ids)
        move_in.action_start()
        with self._collected("hanling.move.in") as hook:
            move_in.action_done()
        hook.assert_called_once()
        self.assertEqual(hook.call_args.args[0], move_in)

    def test_permit_files_documents_when_closed(self):
        permit = self.completed_permit()
        with self._collected("hanling.decoration.permit") as hook:
            self.settle(permit)
        hook.assert_called_once()
        self.assertEqual(hook.call_args.args[0].ids, permit.ids)

    def test_transfer_files_documents_when_done(self):
        self.env["hanling.occupancy"].create({"unit_id": self.unit.id, "partner_id": self.owner.id})
        buyer = self.env["res.partner"].create({"name": "周强"})
        transfer = self.env["hanling.ownership.transfer"].create(
            {"unit_id": self.unit.id, "partner_id": buyer.id}
        )
        self.receive(transfer.document_line_ids)
        with self._collected("hanling.ownership.transfer") as hook:
            transfer.action_done()
        hook.assert_called_once()
        self.assertEqual(hook.call_args.args[0], transfer)

    def test_document_codes_are_stable(self):
        """The archive relies on these xml ids and codes; renaming one breaks its filing."""
        expected = {
            "move_in": [
                "property_agreement", "move_in_notice", "id_copy", "owner_covenant",
                "fire_responsibility", "handover_confirmation", "key_receipt", "defect_rectification",
                "bank_collection", "resident_register",
            ],
            "decoration": [
                "decoration_application", "contractor_licence", "decoration_drawings", "decoration_permit", "decoration_agreement",
                "decoration_undertaking", "worker_register", "completion_application", "extension_application",
                "hot_work_application", "worker_passes", "violation_record",
            ],
            "transfer": [
                "transfer_confirmation", "property_certificate", "sale_contract",
                "fire_responsibility", "bank_collection", "resident_register",
            ],
        }  # fmt: skip
        for document_set, codes in expected.items():
            for code in codes:
                doc_type = self.env.ref(f"hanling_property.document_type_{document_set}_{code}")
                self.assertEqual((doc_type.code, doc_type.document_set), (code, document_set))
