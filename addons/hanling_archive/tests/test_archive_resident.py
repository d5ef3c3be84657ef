from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from ..tools import check_cn_id_number
from .common import ID_FEMALE_1949, ID_MALE_1990, ArchiveCase


@tagged("post_install", "-at_install")
class TestArchiveResident(ArchiveCase):
    def test_check_digit_algorithm(self):
        self.assertEqual(
            check_cn_id_number(ID_FEMALE_1949), (ID_FEMALE_1949, date(1949, 12, 31), "female")
        )
        self.assertEqual(
            check_cn_id_number(" 11010519491231002x "),
            (ID_FEMALE_1949, date(1949, 12, 31), "female"),
        )
        self.assertEqual(check_cn_id_number(ID_MALE_1990)[2], "male")
        for bad, reason in [
            ("110105194912310021", "check_digit"),  # last digit should be X
            ("440305199003071234", "check_digit"),
            ("11010519491331002X", "birth_date"),  # month 13
            ("110105194902300027", "birth_date"),  # 30 February
            ("110105209912310027", "birth_date"),  # in the future
            ("11010519491231002", "format"),  # 17 characters
            ("1101051949123100X2", "format"),
            ("11010519491231002Y", "format"),
            ("", "format"),
        ]:
            with self.subTest(bad=bad), self.assertRaises(ValueError) as caught:
                check_cn_id_number(bad)
            self.assertEqual(str(caught.exception), reason)

    def test_id_number_valid_wrong_check_digit_wrong_birth_date(self):
        """The record refuses, with the reason, what python-stdnum's ric module finds wrong."""
        Resident = self.env["hanling.archive.resident"]
        record = Resident.create(
            {"dossier_id": self.dossier.id, "name": "王芳", "id_number": "440305198802291230"}
        )
        self.assertEqual(record.id_number, "440305198802291230", "29 February 1988 exists")
        # A region code missing from stdnum's table (the former 番禺市) is still a real card.
        record.id_number = "440181199503151246"
        self.assertEqual(record.id_number, "440181199503151246")
        count = Resident.search_count([])
        for number, reason in [
            # 440305198802291230 with one digit changed: the check digit no longer matches.
            ("440305198802291231", "its check digit is wrong"),
            ("440305198802191230", "its check digit is wrong"),
            # The check digit is right for these digits, but there is no 30 February, no month 13.
            ("110105194902300020", "its birth date is not a valid date"),
            ("110105194913310021", "its birth date is not a valid date"),
            ("44030519880229123", "it must have 17 digits followed by a digit or X"),
        ]:
            # assertRaises (not assertRaisesRegex) rolls the refused create back.
            with self.subTest(number=number), self.assertRaises(ValidationError) as caught:
                Resident.create(
                    {"dossier_id": self.dossier.id, "name": "李娜", "id_number": number}
                )
            self.assertEqual(
                str(caught.exception), f"The ID number “{number}” of 李娜 is not valid: {reason}."
            )
        self.assertEqual(Resident.search_count([]), count)

    def test_invalid_id_number_refused_and_nothing_changes(self):
        with self.assertRaises(ValidationError):
            self.resident.id_number = "440305199003071234"
        self.env.invalidate_all()
        self.assertEqual(self.resident.id_number, ID_MALE_1990)
        Resident = self.env["hanling.archive.resident"]
        count = Resident.search_count([])
        with self.assertRaises(ValidationError):
            Resident.create(
                {"dossier_id": self.dossier.id, "name": "李娜", "id_number": "11010519491331002X"}
            )
        self.assertEqual(Resident.search_count([]), count)

    def test_id_number_normalised(self):
        self.resident.id_number = "11010519491231002x"
        self.assertEqual(self.resident.id_number, ID_FEMALE_1949)

    def test_electronic_record_fields(self):
        self.assertEqual(self.resident.phone, "13812345678", "phone normalised")
        self.assertEqual(self.resident.floor_area, 89.5, "floor area from the unit")
        self.assertEqual(self.resident.unit_id, self.unit)
        self.assertEqual(self.owner.hanling_archive_record_ids, self.resident)
        with self.assertRaises(ValidationError):
            self.resident.phone = "12345"

    def test_form_fills_gender_and_birthday_from_id(self):
        with Form(self.env["hanling.archive.resident"].with_user(self.keeper)) as form:
            form.dossier_id = self.dossier
            form.partner_id = self.owner
            form.id_number = ID_FEMALE_1949
            form.is_vip = True
            form.preferences = "喜欢安静"
        record = form.record
        self.assertEqual(record.name, self.owner.name)
        self.assertEqual(record.phone, "13812345678")
        self.assertEqual(record.gender, "female")
        self.assertEqual(record.birthday, date(1949, 12, 31))
        self.assertTrue(record.is_vip)

    def test_vip_file_shows_the_residents_complaints(self):
        Complaint = self.env["hanling.complaint"]
        mine = Complaint.create(
            {"unit_id": self.unit.id, "partner_id": self.owner.id, "content": "楼道灯不亮"}
        )
        other = self.env["res.partner"].create({"name": "李娜"})
        Complaint.create({"unit_id": self.unit2.id, "partner_id": other.id, "content": "噪音"})
        record = self.resident.with_user(self.users["t_staff"])
        self.assertEqual(record.complaint_ids, mine)
        self.assertEqual(record.complaint_count, 1)
        self.assertEqual(record.complaint_ids.read(["content"])[0]["content"], "楼道灯不亮")
        self.resident.partner_id = False
        self.assertFalse(self.resident.complaint_ids)

    def test_vip_answer_reaches_procedures_without_the_file(self):
        # A duty officer can't read the archive, yet a birthday errand must know the resident
        # is a VIP: only that yes/no leaves the archive.
        duty = self.users["t_duty"]
        owner = self.owner.with_user(duty)
        self.assertFalse(owner._hanling_is_vip())
        self.resident.is_vip = True
        self.assertTrue(owner._hanling_is_vip())
        self.assertFalse(self.resident.with_user(duty).has_access("read"))
