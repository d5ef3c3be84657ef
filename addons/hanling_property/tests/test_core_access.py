from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import HanlingCase


@tagged("post_install", "-at_install")
class TestCoreAccess(HanlingCase):
    def test_every_role_reads_units_and_catalogue(self):
        for user in self.users.values():
            self.assertEqual(self.unit.with_user(user).label, "3-301")
            self.assertTrue(self.env["hanling.service"].with_user(user).search_count([]) >= 88)

    def test_duty_officer_cannot_edit_units(self):
        unit = self.unit.with_user(self.users["t_duty"])
        with self.assertRaises(AccessError):
            unit.floor_area = 10
        with self.assertRaises(AccessError):
            self.env["hanling.occupancy"].with_user(self.users["t_duty"]).create(
                {"unit_id": self.unit.id, "partner_id": self.owner.id}
            )

    def test_cs_staff_maintains_residents(self):
        staff = self.users["t_staff"]
        self.unit.with_user(staff).floor_area = 91
        occupancy = (
            self.env["hanling.occupancy"]
            .with_user(staff)
            .create({"unit_id": self.unit.id, "partner_id": self.owner.id})
        )
        self.assertEqual(self.unit.state, "occupied")
        with self.assertRaises(AccessError):
            occupancy.with_user(staff).unlink()
        with self.assertRaises(AccessError):
            self.unit.with_user(staff).unlink()
        with self.assertRaises(AccessError):
            self.community.with_user(staff).name = "改名"

    def test_technician_reads_only(self):
        tech = self.users["t_tech"]
        with self.assertRaises(AccessError):
            self.unit.with_user(tech).room = "999"
        with self.assertRaises(AccessError):
            self.env["hanling.service"].with_user(tech).create({"name": "x"})

    def test_catalogue_published_by_supervisor(self):
        cssup = self.users["t_cssup"]
        service = (
            self.env["hanling.service"]
            .with_user(cssup)
            .create({"name": "新服务", "fee_type": "paid", "list_price": 20})
        )
        # The supervisor has no product rights, yet the invoicing product is created.
        self.assertTrue(service.product_id)
        service.list_price = 25
        self.assertEqual(service.sudo().product_id.lst_price, 25)
        with self.assertRaises(AccessError):
            service.unlink()
        with self.assertRaises(AccessError):
            self.env["hanling.service"].with_user(self.users["t_staff"]).create({"name": "x"})

    def test_manager_manages_structure(self):
        manager = self.users["t_manager"]
        community = (
            self.env["hanling.community"]
            .with_user(manager)
            .create({"name": "新小区", "code": "NEW"})
        )
        building = (
            self.env["hanling.building"]
            .with_user(manager)
            .create({"name": "A座", "code": "A", "community_id": community.id})
        )
        building.unlink()
        community.unlink()

    def test_plain_user_has_no_menu_but_reads(self):
        # Internal users outside the office may look units up; nothing more.
        plain = self.plain_user
        self.assertTrue(self.unit.with_user(plain).has_access("read"))
        self.assertFalse(self.unit.with_user(plain).has_access("write"))
        menu = self.env.ref("hanling_property.menu_root")
        self.assertNotIn(menu, self.env["ir.ui.menu"].with_user(plain).search([]))
        self.assertIn(menu, self.env["ir.ui.menu"].with_user(self.users["t_duty"]).search([]))

    def test_group_chains(self):
        rep = self.users["t_rep"]
        for group in (
            "group_manager",
            "group_cs_supervisor",
            "group_eng_supervisor",
            "group_technician",
            "group_cs_staff",
            "group_duty_officer",
        ):
            self.assertTrue(rep.has_group(f"hanling_property.{group}"), group)
        tech = self.users["t_tech"]
        self.assertFalse(tech.has_group("hanling_property.group_duty_officer"))
        self.assertTrue(self.users["t_engsup"].has_group("hanling_property.group_technician"))
        self.assertFalse(self.users["t_cssup"].has_group("hanling_property.group_technician"))

    def test_multi_company_isolation(self):
        other_company = self.env["res.company"].create({"name": "另一管理处"})
        other_community = self.env["hanling.community"].create(
            {"name": "别家小区", "code": "OTH", "company_id": other_company.id}
        )
        other_building = self.env["hanling.building"].create(
            {"name": "1栋", "code": "O1", "community_id": other_community.id}
        )
        other_unit = self.env["hanling.unit"].create(
            {"building_id": other_building.id, "floor": 1, "room": "101"}
        )
        self.assertEqual(other_unit.company_id, other_company)
        manager = self.users["t_manager"]
        Unit = self.env["hanling.unit"].with_user(manager)
        self.assertNotIn(other_unit, Unit.search([]))
        with self.assertRaises(AccessError):
            other_unit.with_user(manager).read(["label"])
        with self.assertRaises(AccessError):
            other_community.with_user(manager).read(["name"])
        # Given both companies, the manager sees both, each in its own company.
        manager.company_ids = [(4, other_company.id)]
        both = Unit.with_context(allowed_company_ids=[self.company.id, other_company.id])
        self.assertIn(other_unit, both.search([]))
        self.assertIn(self.unit, both.search([]))
