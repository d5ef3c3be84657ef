from odoo.tests import HttpCase, new_test_user, tagged

from .common import HanlingCase


@tagged("post_install", "-at_install")
class TestPortalRules(HanlingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["hanling.occupancy"].create({"unit_id": cls.unit.id, "partner_id": cls.owner.id})
        cls.portal_user = new_test_user(
            cls.env, login="t_portal", groups="base.group_portal", partner_id=cls.owner.id
        )

    def test_resident_sees_only_their_units(self):
        Unit = self.env["hanling.unit"].with_user(self.portal_user)
        self.assertEqual(Unit.search([]), self.unit)
        self.assertFalse(self.unit2.with_user(self.portal_user).has_access("read"))
        self.assertFalse(Unit.has_access("write"))

    def test_past_resident_loses_access(self):
        occupancy = self.unit.occupancy_ids
        occupancy.date_start = "2020-01-01"
        occupancy.date_end = "2021-01-01"
        self.assertFalse(self.env["hanling.unit"].with_user(self.portal_user).search([]))

    def test_qr_sheet_renders_one_code_per_unit(self):
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "hanling_property.report_unit_qr", self.building.ids
        )
        html = html.decode()
        self.assertEqual(html.count("barcode_type=QR"), 2)
        self.assertIn(f"/my/units/{self.unit.id}", html)


@tagged("post_install", "-at_install")
class TestPortalRoutes(HttpCase):
    def test_resident_pages(self):
        resident = self.env.ref("hanling_property.user_resident_demo")
        unit = self.env.ref("hanling_property.unit_1_101_demo")
        other = self.env.ref("hanling_property.unit_2_101_demo")
        self.authenticate("resident", "resident")
        home = self.url_open("/my/home")
        self.assertEqual(home.status_code, 200)
        self.assertIn("/my/units", home.text)
        units = self.url_open("/my/units")
        self.assertIn(unit.label, units.text)
        self.assertNotIn(f"/my/units/{other.id}", units.text)
        page = self.url_open(f"/my/units/{unit.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(unit.display_name, page.text)
        # Another resident's unit: back to /my, nothing shown.
        refused = self.url_open(f"/my/units/{other.id}")
        self.assertTrue(refused.url.endswith("/my"), refused.url)
        services = self.url_open("/my/services")
        self.assertIn("换门锁", services.text)
        self.assertIn("居家守护", services.text)
        self.assertTrue(resident.share)
