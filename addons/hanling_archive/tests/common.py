import base64

from odoo.tests import new_test_user

from odoo.addons.hanling_property.tests.common import HanlingCase

# Valid 18-digit resident ID numbers (check digit per ISO 7064 MOD 11-2).
ID_FEMALE_1949 = "11010519491231002X"
ID_MALE_1990 = "440305199003071236"


class ArchiveCase(HanlingCase):
    """HanlingCase plus an archive keeper, a dossier for ``cls.unit`` and its move-in set."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.keeper = new_test_user(
            cls.env,
            login="t_keeper",
            groups="base.group_user,hanling_archive.group_archive_keeper",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.Dossier = cls.env["hanling.archive.dossier"]
        cls.Borrow = cls.env["hanling.archive.borrow"]
        cls.Log = cls.env["hanling.archive.access.log"]
        cls.move_in_codes = [
            "property_agreement",
            "move_in_notice",
            "id_copy",
            "owner_covenant",
            "fire_responsibility",
            "handover_confirmation",
            "key_receipt",
            "defect_rectification",
            "bank_collection",
            "resident_register",
        ]
        cls.scan = cls.env["ir.attachment"].create(
            {"name": "scan.pdf", "raw": b"%PDF-1.4 scan", "mimetype": "application/pdf"}
        )
        cls.dossier = cls.Dossier._for_units(cls.unit)
        cls.documents = cls.Dossier._file_documents(
            cls.unit, "move_in", [(code, cls.scan, False) for code in cls.move_in_codes]
        )
        cls.resident = cls.env["hanling.archive.resident"].create(
            {
                "dossier_id": cls.dossier.id,
                "partner_id": cls.owner.id,
                "name": "王伟",
                "gender": "male",
                "id_number": ID_MALE_1990,
                "phone": "138 1234 5678",
                "native_place": "广东深圳",
                "household_registration": "深圳市南山区",
            }
        )

    @classmethod
    def _make_borrow(cls, user=None, **vals):
        values = {
            "borrower_type": "internal",
            "borrower_user_id": cls.users["t_tech"].id,
            "department": "工程部",
            "dossier_ids": [(6, 0, cls.dossier.ids)],
            "purpose": "维修核对房屋资料",
            "mode": "read",
            "companion_id": cls.users["t_staff"].id,
            "date_due": "2099-12-31",
            # The office manager's written approval (篇5 4.2.8); the borrow tests take it away.
            "approval_note": "同意",
        }
        values.update(vals)
        return cls.Borrow.with_user(user or cls.users["t_staff"]).create(values)

    @staticmethod
    def _b64(data):
        return base64.b64encode(data)
