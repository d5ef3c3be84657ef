from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..tools import normalize_cn_phone
from .common import HanlingCase


@tagged("post_install", "-at_install")
class TestCoreRecords(HanlingCase):
    def test_unit_label_and_code(self):
        self.assertEqual(self.unit.label, "3-301")
        self.assertEqual(self.unit.code, "T1-301")
        self.assertEqual(self.unit.community_id, self.community)
        self.assertEqual(self.unit.company_id, self.company)
        self.assertEqual(self.unit.display_name, "1栋 3-301")

    def test_unit_code_unique_per_community(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["hanling.unit"].create(
                {"building_id": self.building.id, "floor": 3, "room": "301"}
            )
        # The same code in another community is fine.
        other = self.env["hanling.community"].create({"name": "别的小区", "code": "OTH"})
        building = self.env["hanling.building"].create(
            {"name": "1栋", "code": "T1", "community_id": other.id}
        )
        unit = self.env["hanling.unit"].create(
            {"building_id": building.id, "floor": 3, "room": "301"}
        )
        self.assertEqual(unit.code, "T1-301")

    def test_codes_unique(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["hanling.community"].create({"name": "重复", "code": "TST"})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["hanling.building"].create(
                {"name": "重复", "code": "T1", "community_id": self.community.id}
            )

    def test_negative_floor_area_refused(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.unit.floor_area = -1
            self.unit.flush_recordset()

    def test_occupancy_makes_unit_occupied(self):
        self.assertEqual(self.unit.state, "vacant")
        occupancy = self.env["hanling.occupancy"].create(
            {"unit_id": self.unit.id, "partner_id": self.owner.id, "role": "owner"}
        )
        self.assertEqual(self.unit.state, "occupied")
        self.assertEqual(self.unit.current_occupancy_ids, occupancy)
        self.assertEqual(self.unit.owner_names, "王伟")
        self.assertEqual(self.owner.hanling_unit_ids, self.unit)
        self.assertTrue(self.owner.is_hanling_resident)
        self.assertEqual(
            self.env["res.partner"].search([("hanling_unit_ids", "in", self.unit.ids)]), self.owner
        )
        occupancy.date_start = fields.Date.today() - timedelta(days=10)
        occupancy.action_end()
        self.assertEqual(occupancy.date_end, fields.Date.today())
        # Ended today still counts today; from tomorrow the unit is vacant again.
        occupancy.date_end = fields.Date.today() - timedelta(days=1)
        self.assertEqual(self.unit.state, "vacant")
        self.assertFalse(self.owner.hanling_unit_ids)
        self.assertFalse(occupancy.is_current)
        self.assertIn(occupancy, self.env["hanling.occupancy"].search([("is_current", "=", False)]))

    def test_cron_refreshes_stale_state(self):
        occupancy = self.env["hanling.occupancy"].create(
            {
                "unit_id": self.unit.id,
                "partner_id": self.owner.id,
                "date_start": fields.Date.today() - timedelta(days=100),
                "date_end": fields.Date.today() + timedelta(days=5),
            }
        )
        self.assertEqual(self.unit.state, "occupied")
        # Simulate the calendar passing the end date without any write.
        self.env.cr.execute(
            "UPDATE hanling_occupancy SET date_end = %s WHERE id = %s",
            (fields.Date.today() - timedelta(days=2), occupancy.id),
        )
        self.env.invalidate_all()
        self.assertEqual(self.unit.state, "occupied")  # stale until the cron runs
        refreshed = self.env["hanling.unit"]._cron_refresh_state()
        self.assertIn(self.unit, refreshed)
        self.assertEqual(self.unit.state, "vacant")
        # Running it twice is harmless.
        self.env["hanling.unit"]._cron_refresh_state()
        self.assertEqual(self.unit.state, "vacant")

    def test_occupancy_dates_validated(self):
        with self.assertRaises(ValidationError):
            self.env["hanling.occupancy"].create(
                {
                    "unit_id": self.unit.id,
                    "partner_id": self.owner.id,
                    "date_start": "2024-05-01",
                    "date_end": "2024-04-01",
                }
            )

    def test_occupancy_overlap_refused(self):
        self.env["hanling.occupancy"].create(
            {"unit_id": self.unit.id, "partner_id": self.owner.id, "date_start": "2024-01-01"}
        )
        with self.assertRaises(ValidationError):
            self.env["hanling.occupancy"].create(
                {"unit_id": self.unit.id, "partner_id": self.owner.id, "date_start": "2025-01-01"}
            )
        # Another unit, or a later period after the first ended, is fine.
        self.env["hanling.occupancy"].create(
            {"unit_id": self.unit2.id, "partner_id": self.owner.id, "date_start": "2025-01-01"}
        )

    def test_phone_validation(self):
        """Numbers as staff type them, read by phone_validation, stored in one form."""
        for typed, stored in [
            ("13812345678", "13812345678"),
            ("138 1234 5678", "13812345678"),
            ("138-1234-5678", "13812345678"),
            ("+86 13812345678", "13812345678"),
            ("+86-138-1234-5678", "13812345678"),
            ("8613812345678", "13812345678"),
            ("0086 138 1234 5678", "13812345678"),
            ("020-12345678", "020-12345678"),
            ("02012345678", "020-12345678"),
            ("(020) 1234 5678", "020-12345678"),
            ("+86 20 1234 5678", "020-12345678"),
            ("0755 88886666", "0755-88886666"),
            ("0891 6331234", "0891-6331234"),  # Lhasa numbers have 7 digits
            ("010-12345678-123", "010-12345678-123"),
            ("010-12345678转123", "010-12345678-123"),
            ("010-12345678 ext. 123", "010-12345678-123"),
            ("０２０－１２３４５６７８", "020-12345678"),
        ]:
            with self.subTest(typed=typed):
                self.assertEqual(normalize_cn_phone(self.env, typed), stored)
        for bad in (
            "12345",
            "23812345678",
            "1381234567",  # 10 digits
            "abc",
            "12812345678",  # no such mobile prefix
            "020-123",
            "0755-1234567",  # Shenzhen numbers have 8 digits
            "2012345678",  # a landline without the 0 of its area code
            "555-1234",
            "13812345678-12",  # a mobile has no extension
            "+852 2123 4567",  # not a mainland number
        ):
            with self.subTest(bad=bad), self.assertRaises(ValidationError) as caught:
                normalize_cn_phone(self.env, bad, "Contact Phone")
            self.assertEqual(
                str(caught.exception),
                f"Contact Phone “{bad}” is not a valid phone number: use a mainland mobile "
                "number (11 digits, e.g. 13812345678) or a landline with its area code "
                "(e.g. 020-12345678).",
            )

    def test_resident_with_bad_phone_refused(self):
        bad = self.env["res.partner"].create({"name": "李娜", "mobile": "12345"})
        with self.assertRaises(ValidationError):
            self.env["hanling.occupancy"].create({"unit_id": self.unit.id, "partner_id": bad.id})
        self.assertEqual(self.unit.state, "vacant")
        self.env["hanling.occupancy"].create({"unit_id": self.unit.id, "partner_id": self.owner.id})
        with self.assertRaises(ValidationError):
            self.owner.mobile = "999"
        self.assertEqual(self.owner.mobile, "13812345678")

    def test_phone_error_is_translated(self):
        partner = self.env["res.partner"].create({"name": "坏号码", "mobile": "12"})
        with self.assertRaises(ValidationError) as caught:
            self.env["hanling.occupancy"].with_context(lang="zh_CN").create(
                {"unit_id": self.unit.id, "partner_id": partner.id}
            )
        self.assertIn("不是有效的电话号码", str(caught.exception))

    def test_catalogue_loaded(self):
        services = self.env["hanling.service"].with_context(active_test=False)
        self.assertEqual(services.search_count([("fee_type", "=", "free")]), 28)
        self.assertEqual(services.search_count([("fee_type", "=", "paid")]), 60)
        paid = services.search([("fee_type", "=", "paid")])
        self.assertTrue(all(paid.mapped("product_id")))
        self.assertFalse(services.search([("fee_type", "=", "free")]).product_id)
        lock = self.env.ref("hanling_property.service_paid_11")
        self.assertEqual(lock.name, "换门锁")
        self.assertTrue(self.env.ref("hanling_property.service_paid_26").materials_excluded)

    def test_service_product_created_and_synced(self):
        service = self.env["hanling.service"].create({"name": "测试服务", "fee_type": "free"})
        self.assertFalse(service.product_id)
        service.write({"fee_type": "paid", "list_price": 35})
        self.assertEqual(service.product_id.type, "service")
        self.assertEqual(service.product_id.lst_price, 35)
        self.assertFalse(service.product_id.taxes_id)
        service.write({"list_price": 40, "name": "测试服务二"})
        self.assertEqual(service.product_id.lst_price, 40)
        self.assertEqual(service.product_id.name, "测试服务二")
        service.active = False
        self.assertFalse(service.product_id.active)

    def test_free_service_has_no_price(self):
        with self.assertRaises(ValidationError):
            self.env["hanling.service"].create(
                {"name": "免费", "fee_type": "free", "list_price": 10}
            )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["hanling.service"].create(
                {"name": "负价", "fee_type": "paid", "list_price": -5}
            )

    def test_price_list_report_renders(self):
        services = self.env["hanling.service"].search([])
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "hanling_property.report_price_list", services.ids
        )
        html = html.decode()
        self.assertIn("换门锁", html)
        self.assertIn("居家守护", html)

    def test_unit_form(self):
        form = Form(self.env["hanling.unit"])
        form.building_id = self.building
        form.floor = 5
        form.room = "502"
        unit = form.save()
        self.assertEqual((unit.label, unit.code), ("5-502", "T1-502"))

    def test_community_counts(self):
        self.env["hanling.occupancy"].create({"unit_id": self.unit.id, "partner_id": self.owner.id})
        self.assertEqual(self.community.unit_count, 2)
        self.assertEqual(self.community.building_count, 1)
        self.assertEqual(self.community.occupied_count, 1)
        self.assertAlmostEqual(self.community.occupancy_rate, 50.0)
