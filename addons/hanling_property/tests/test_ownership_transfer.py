from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .decoration_common import DecorationCase

TRANSFER_CODES = {
    "transfer_confirmation",
    "property_certificate",
    "sale_contract",
    "fire_responsibility",
    "bank_collection",
    "resident_register",
}


@tagged("post_install", "-at_install")
class TestOwnershipTransfer(DecorationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls.env["res.partner"].create({"name": "陈静", "mobile": "13698765432"})
        cls.spouse = cls.env["res.partner"].create({"name": "刘芳"})
        cls.start = cls.today - timedelta(days=400)
        cls.owner_occupancy, cls.family_occupancy = cls.env["hanling.occupancy"].create(
            [
                {
                    "unit_id": cls.unit.id,
                    "partner_id": cls.owner.id,
                    "role": "owner",
                    "date_start": cls.start,
                },
                {
                    "unit_id": cls.unit.id,
                    "partner_id": cls.spouse.id,
                    "role": "family",
                    "date_start": cls.start,
                },
            ]
        )

    def _new_transfer(self, **vals):
        with Form(self.env["hanling.ownership.transfer"].with_user(self.users["t_staff"])) as form:
            form.unit_id = self.unit
            form.partner_id = self.buyer
            for name, value in vals.items():
                setattr(form, name, value)
        return form.record

    def _receive_all_but_alternatives(self, transfer):
        self.receive(
            transfer.document_line_ids,
            codes={"transfer_confirmation", "fire_responsibility", "resident_register"},
        )

    def test_transfer_ends_old_and_starts_new_occupancy(self):
        transfer = self._new_transfer()
        self.assertTrue(transfer.name.startswith("GH"))
        self.assertEqual(transfer.previous_owner_ids, self.owner)
        self.assertEqual(set(transfer.document_line_ids.mapped("code")), TRANSFER_CODES)
        self._receive_all_but_alternatives(transfer)
        # Either the title deed or the sale contract is enough.
        self.receive(transfer.document_line_ids, codes={"sale_contract"})
        transfer.action_done()

        self.assertEqual(transfer.state, "done")
        day = transfer.date_transfer
        self.assertEqual(self.owner_occupancy.date_end, day - timedelta(days=1))
        self.assertEqual(self.family_occupancy.date_end, day - timedelta(days=1))
        self.assertEqual(transfer.ended_occupancy_ids, self.owner_occupancy | self.family_occupancy)
        new = transfer.occupancy_id
        self.assertEqual(
            (new.partner_id, new.role, new.date_start, new.date_end),
            (self.buyer, "owner", day, False),
        )
        # History kept on the unit: three occupancies, only the buyer is current.
        self.assertEqual(len(self.unit.occupancy_ids), 3)
        self.assertEqual(self.unit.current_occupancy_ids, new)
        self.assertEqual(self.unit.owner_names, "陈静")
        self.assertEqual(self.unit.state, "occupied")
        self.assertIn(transfer, self.unit.ownership_transfer_ids)
        self.assertNotIn(self.unit, self.owner.hanling_unit_ids)
        filed = transfer._hanling_documents_to_file()
        self.assertEqual(
            {code for code, _a, _s in filed},
            {"transfer_confirmation", "fire_responsibility", "resident_register", "sale_contract"},
        )
        self.assertEqual({s for _c, _a, s in filed}, {"transfer"})
        with self.assertRaises(UserError):
            transfer.action_done()
        with self.assertRaises(UserError):
            transfer.action_cancel()
        with self.assertRaises(UserError):
            transfer.with_user(self.users["t_manager"]).unlink()

    def test_family_kept_when_asked(self):
        transfer = self._new_transfer(end_other_occupants=False)
        self.receive(transfer.document_line_ids)
        transfer.action_done()
        self.assertFalse(self.family_occupancy.date_end)
        self.assertEqual(transfer.ended_occupancy_ids, self.owner_occupancy)

    def test_future_transfer_date(self):
        day = self.today + timedelta(days=10)
        transfer = self._new_transfer(date_transfer=day)
        self.receive(transfer.document_line_ids)
        transfer.action_done()
        self.assertEqual(self.owner_occupancy.date_end, day - timedelta(days=1))
        # Until the transfer date the seller still owns the unit.
        self.assertEqual(self.unit.owner_names, self.owner.name)

    def test_missing_documents_refused(self):
        transfer = self._new_transfer()
        self._receive_all_but_alternatives(transfer)
        with self.assertRaisesRegex(
            UserError, "Copy of the Title Deed or Copy of the Sale Contract"
        ):
            transfer.action_done()
        self.assertEqual(transfer.state, "draft")
        self.assertFalse(self.owner_occupancy.date_end)
        self.receive(transfer.document_line_ids, codes={"property_certificate"})
        transfer.document_line_ids.filtered(
            lambda line: line.code == "resident_register"
        ).received = False
        with self.assertRaisesRegex(UserError, "Owner/Resident Registration Form"):
            transfer.action_done()

    def test_refusals_on_owners(self):
        with self.assertRaises(ValidationError):
            self.env["hanling.ownership.transfer"].create(
                {"unit_id": self.unit.id, "partner_id": self.owner.id}
            )
        transfer = self.env["hanling.ownership.transfer"].create(
            {"unit_id": self.unit2.id, "partner_id": self.buyer.id}
        )
        self.receive(transfer.document_line_ids)
        with self.assertRaisesRegex(UserError, "no current owner"):
            transfer.action_done()

    def test_buyer_living_there_as_tenant(self):
        tenancy = self.env["hanling.occupancy"].create(
            {
                "unit_id": self.unit.id,
                "partner_id": self.buyer.id,
                "role": "tenant",
                "date_start": self.start,
            }
        )
        transfer = self._new_transfer(end_other_occupants=False)
        self.receive(transfer.document_line_ids)
        transfer.action_done()
        self.assertEqual(tenancy.date_end, transfer.date_transfer - timedelta(days=1))
        self.assertEqual(transfer.occupancy_id.role, "owner")

    def test_access(self):
        transfer = self._new_transfer()
        self.assertEqual(transfer.with_user(self.users["t_duty"]).state, "draft")
        with self.assertRaises(AccessError):
            self.env["hanling.ownership.transfer"].with_user(self.users["t_duty"]).create(
                {"unit_id": self.unit.id, "partner_id": self.buyer.id}
            )
        with self.assertRaises(AccessError):
            transfer.with_user(self.users["t_tech"]).read(["name"])
        self.receive(transfer.document_line_ids)
        with self.assertRaises(AccessError):
            transfer.with_user(self.users["t_duty"]).action_done()
        transfer.with_user(self.users["t_staff"]).action_cancel()
        self.assertEqual(transfer.state, "cancel")
