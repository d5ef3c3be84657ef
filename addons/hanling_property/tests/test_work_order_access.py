from odoo.exceptions import AccessError
from odoo.tests import tagged

from .work_order_common import WorkOrderCase


@tagged("post_install", "-at_install")
class TestWorkOrderAccess(WorkOrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mine = cls.env["hanling.work.order"].create(
            {
                "unit_id": cls.unit.id,
                "description": "漏水",
                "service_id": cls.paid_service.id,
                "technician_id": cls.tech.id,
            }
        )
        cls.theirs = cls.env["hanling.work.order"].create(
            {
                "unit_id": cls.unit.id,
                "description": "换锁",
                "service_id": cls.paid_service.id,
                "technician_id": cls.tech2.id,
            }
        )
        cls.unassigned = cls.env["hanling.work.order"].create(
            {
                "unit_id": cls.unit.id,
                "description": "装灯",
                "service_id": cls.paid_service.id,
            }
        )
        cls.orders = cls.mine | cls.theirs | cls.unassigned

    def _visible(self, user):
        return (
            self.env["hanling.work.order"].with_user(user).search([("id", "in", self.orders.ids)])
        )

    def test_technician_sees_and_updates_only_own_orders(self):
        self.assertEqual(self._visible(self.tech), self.mine)
        self.assertEqual(self._visible(self.tech2), self.theirs)
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.tech).read(["description"])
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.tech).write({"inspection_note": "x"})
        with self.assertRaises(AccessError):
            self.unassigned.with_user(self.tech).write({"technician_id": self.tech.id})
        with self.assertRaises(AccessError):
            self.env["hanling.work.order"].with_user(self.tech).create(
                {"unit_id": self.unit.id, "description": "x"}
            )
        with self.assertRaises(AccessError):
            self.mine.with_user(self.tech).unlink()
        self._assign(self.mine)
        self.mine.with_user(self.tech).action_arrive_scan(self.mine.unit_id._hanling_portal_url())
        self.assertEqual(self.mine.state, "in_progress")
        # Their materials are hidden as well.
        self.theirs.material_ids = [(0, 0, {"name": "锁芯", "price_unit": 50})]
        materials = self.env["hanling.work.order.material"].with_user(self.tech).search([])
        self.assertFalse(materials & self.theirs.material_ids)
        with self.assertRaises(AccessError):
            self.env["hanling.work.order.material"].with_user(self.tech).create(
                {"order_id": self.theirs.id, "name": "x"}
            )

    def test_office_sees_every_order(self):
        for login in ("t_duty", "t_staff", "t_engsup", "t_cssup", "t_manager", "t_rep"):
            self.assertEqual(self._visible(self.users[login]), self.orders, login)

    def test_front_desk_creates_supervisor_assigns(self):
        order = self._order(user=self.users["t_staff"])
        self.assertEqual(order.state, "draft")
        with self.assertRaises(AccessError):
            order.with_user(self.duty).unlink()
        order.with_user(self.users["t_manager"]).unlink()

    def test_other_users_and_companies(self):
        with self.assertRaises(AccessError):
            self.env["hanling.work.order"].with_user(self.plain_user).search([])
        other = self.env["res.company"].create({"name": "另一管理处"})
        # Moved wholesale to another office (units included): bypass the company consistency check.
        self.env.cr.execute(
            "UPDATE hanling_work_order SET company_id = %s WHERE id = %s",
            [other.id, self.mine.id],
        )
        self.env.invalidate_all()
        self.assertNotIn(self.mine, self._visible(self.engsup))
        self.assertNotIn(self.mine, self._visible(self.tech))

    def test_fee_fixed_only_by_supervisors(self):
        order = self._finish(self._assign(self._order()))
        order.sudo().fee_uncertain = True
        for login in ("t_duty", "t_staff", "t_tech"):
            with self.assertRaises(AccessError, msg=login):
                order.with_user(self.users[login]).action_set_fee()
        order.with_user(self.engsup).action_set_fee()
        order.with_user(self.cssup).action_set_fee()
        self.assertFalse(order.fee_uncertain)

    def test_review_access(self):
        review = (
            self.env["hanling.work.order.review"]
            .with_user(self.cssup)
            .create({"community_id": self.community.id})
        )
        review.with_user(self.engsup).read(["name"])
        with self.assertRaises(AccessError):
            review.with_user(self.engsup).write({"conclusion": "x"})
        for login in ("t_staff", "t_tech", "t_duty"):
            with self.assertRaises(AccessError, msg=login):
                review.with_user(self.users[login]).read(["name"])

    def test_every_role_opens_the_form(self):
        """The form only shows each role fields it may read (invoice, duty log, callbacks)."""
        from lxml import etree

        order = self._accept(self._finish(self._assign(self._order())))
        Order = self.env["hanling.work.order"]
        for login in ("t_tech", "t_duty", "t_engsup", "t_cssup"):
            user = self.users[login]
            views = Order.with_user(user).get_views([(False, "form")])
            arch = etree.fromstring(views["views"]["form"]["arch"])
            spec = {}
            for node in arch.xpath("//field[not(ancestor::field)]"):
                field = Order._fields[node.get("name")]
                spec[field.name] = {"fields": {"display_name": {}}} if field.relational else {}
            values = order.with_user(user).web_read(spec)[0]
            self.assertEqual(values["name"], order.name, login)
