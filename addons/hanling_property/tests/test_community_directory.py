from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..tools.workflow import WorkflowGuardError
from .common import HanlingCase


@tagged("post_install", "-at_install")
class TestDirectory(HanlingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Provider = cls.env["hanling.directory.provider"]
        cls.mover = Provider.create(
            {
                "name": "好邻居搬家公司",
                "category": "moving",
                "phone": "020-8888 6666",
                "notes": "去年有一次投诉",
                "description": "长短途搬家",
            }
        )
        cls.plumber = Provider.create(
            {
                "name": "通达水电",
                "category": "trades",
                "trades": "水电, 疏通",
                "phone": "13712345678",
                "is_specialist_supplier": True,
            }
        )
        cls.resident_user = new_test_user(
            cls.env, login="t_portal", groups="base.group_portal", partner_id=cls.owner.id
        )

    def test_phone_normalised_and_validated(self):
        self.assertEqual(self.mover.phone, "020-88886666")
        with self.assertRaises(ValidationError):
            self.env["hanling.directory.provider"].create(
                {"name": "坏号码", "category": "other", "phone": "123"}
            )

    def test_vetting_by_supervisor_only(self):
        staff, sup = self.users["t_staff"], self.users["t_cssup"]
        provider = (
            self.env["hanling.directory.provider"]
            .with_user(staff)
            .create({"name": "美味餐厅", "category": "restaurant", "phone": "13800000000"})
        )
        with self.assertRaisesRegex(AccessError, "Only a customer-service supervisor vets"):
            provider.action_vet()
        # Vetting is the supervisor's button only: no one writes it as a value, the
        # supervisor neither.
        guarded = "Vetted.* of Directory Provider change through the document's buttons only"
        for user in (staff, sup):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(WorkflowGuardError, guarded):
                    provider.with_user(user).write({"vetted": True})
                with self.assertRaisesRegex(WorkflowGuardError, guarded):
                    provider.with_user(user).create(
                        {
                            "name": "自称已审",
                            "category": "other",
                            "phone": "13800000001",
                            "vetted": True,
                        }
                    )
        self.assertFalse(provider.vetted)
        self.assertFalse(self.env["hanling.directory.provider"].search([("name", "=", "自称已审")]))
        provider.with_user(sup).action_vet()
        self.assertTrue(provider.vetted)
        self.assertEqual(provider.vetted_by_id, sup)
        with self.assertRaises(UserError):
            provider.with_user(sup).action_vet()
        provider.with_user(sup).action_unvet()
        self.assertFalse(provider.vetted)
        with self.assertRaises(AccessError):
            provider.with_user(self.users["t_duty"]).name = "改名"

    def test_residents_see_vetted_providers_without_notes(self):
        self.mover.action_vet()
        Portal = self.env["hanling.directory.provider"].with_user(self.resident_user)
        mine = (self.mover | self.plumber).ids
        self.assertEqual(Portal.search([("id", "in", mine)]), self.mover)
        # Whatever else is listed, a resident sees only vetted providers.
        self.assertTrue(all(Portal.search([]).mapped("vetted")))
        self.assertEqual(Portal.browse(self.mover.id).phone, "020-88886666")
        with self.assertRaises(AccessError):
            Portal.browse(self.mover.id).read(["notes"])
        with self.assertRaises(AccessError):
            Portal.browse(self.plumber.id).read(["name"])
        with self.assertRaises(AccessError):
            Portal.browse(self.mover.id).write({"name": "x"})
        # Staff see them all, notes included.
        Staff = self.env["hanling.directory.provider"].with_user(self.users["t_duty"])
        self.assertEqual(
            Staff.search([("id", "in", (self.mover | self.plumber).ids)]), self.mover | self.plumber
        )
        self.assertEqual(Staff.browse(self.mover.id).notes, "去年有一次投诉")

    def test_specialist_supplier_lookup(self):
        Provider = self.env["hanling.directory.provider"]
        self.assertFalse(Provider._search_specialists("疏通"))
        self.plumber.action_vet()
        self.assertEqual(Provider._search_specialists("疏通", self.company), self.plumber)
        self.assertFalse(Provider._search_specialists("防盗网焊接"))
        self.assertEqual(Provider._search_specialists() & (self.mover | self.plumber), self.plumber)

    def test_specialist_supplier_services_and_list(self):
        """篇2 二 二 2: 根据《管理处家庭维修项目一览表》及《专业供应商名单和维修项目一览表》确定
        是否维修 — a supplier is linked to the catalogue services it does, seen from both sides,
        and the 《专业供应商名单和维修服务项目一览表》 lists each supplier with its services."""
        service = self.env["hanling.service"].create(
            {"name": "测试 管道疏通", "fee_type": "paid", "list_price": 50.0}
        )
        self.plumber.with_user(self.users["t_cssup"]).write({"service_ids": [(4, service.id)]})
        self.assertEqual(service.provider_ids, self.plumber)
        service.write({"provider_ids": [(4, self.mover.id)]})
        self.assertEqual(self.mover.service_ids, service)
        report = self.env.ref("hanling_property.action_report_specialist_suppliers")
        self.assertEqual(report.model, "hanling.directory.provider")
        html = (
            self.env["ir.actions.report"]
            .with_user(self.users["t_staff"])
            ._render_qweb_html(report.id, (self.plumber | self.mover).ids)[0]
            .decode()
        )
        for text in ("通达水电", "13712345678", "测试 管道疏通", "好邻居搬家公司", "020-88886666"):
            self.assertIn(text, html)
        self.assertIn("Specialist Suppliers and Their Repair Services", html)
        zh = (
            self.env["ir.actions.report"]
            .with_user(self.users["t_staff"])
            .with_context(lang="zh_CN")
        )
        self.env["res.lang"]._activate_lang("zh_CN")
        self.assertIn(
            "专业供应商名单和维修服务项目一览表",
            zh._render_qweb_html(report.id, self.plumber.ids)[0].decode(),
        )
