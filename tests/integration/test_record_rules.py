"""The record rules of docs/security.md: company, the technician's own work orders, the portal.

The access matrix (test_access_matrix.py) checks model rights; these tests check which records
each role reaches through every read path (search, name_search, read_group, read, write).
"""

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.hanling_property.tests.work_order_common import WorkOrderCase

# Records that may be shared by all companies (company left empty): the service catalogue, the
# directory of outside providers, document types, and events (like Odoo's own events) with their
# sessions and attendance. Every other company field hides the other companies' records.
SHARED = {
    "hanling.service",
    "hanling.service.category",
    "hanling.directory.provider",
    "hanling.document.type",
    "hanling.event.attendance",
    "hanling.event.session",
    "hanling.fee.bank.layout",  # the common layout ships for every company
}


@tagged("post_install", "-at_install")
class TestRecordRules(WorkOrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.company"].create({"name": "另一管理处"})
        community = cls.env["hanling.community"].create(
            {"name": "别处小区", "code": "OTH", "company_id": cls.other.id}
        )
        building = cls.env["hanling.building"].create(
            {"name": "A", "code": "OA", "community_id": community.id}
        )
        cls.foreign_unit = cls.env["hanling.unit"].create(
            {"building_id": building.id, "floor": 1, "room": "101"}
        )
        cls.foreign_partner = cls.env["res.partner"].create({"name": "赵六"})
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.other.id]))
        cls.foreign = {
            "hanling.occupancy": env["hanling.occupancy"].create(
                {"unit_id": cls.foreign_unit.id, "partner_id": cls.foreign_partner.id}
            ),
            "hanling.work.order": env["hanling.work.order"].create(
                {
                    "unit_id": cls.foreign_unit.id,
                    "description": "别处漏水",
                    "company_id": cls.other.id,
                }
            ),
            "hanling.complaint": env["hanling.complaint"].create(
                {
                    "unit_id": cls.foreign_unit.id,
                    "content": "别处投诉",
                    "category": "repair",
                    "company_id": cls.other.id,
                }
            ),
            "hanling.duty.log": env["hanling.duty.log"].create(
                {"request": "别处值班", "company_id": cls.other.id}
            ),
        }
        cls.manager = cls.users["t_manager"]
        cls.rep = cls.users["t_rep"]

    def test_every_company_model_has_a_company_rule(self):
        """A Hanling model with a company is filtered by the user's companies, for every role."""
        Rule = self.env["ir.rule"].with_user(self.rep)
        checked = []
        for name in sorted(self.env.registry):
            Model = self.env[name]
            field = Model._fields.get("company_id")
            if not name.startswith("hanling.") or Model._abstract or Model._transient:
                continue
            if not field or not field.store or name.startswith("hanling.fake"):
                continue
            domain = Rule._compute_domain(name, "read")
            leaves = [leaf for leaf in domain if isinstance(leaf, list | tuple)]
            with self.subTest(model=name):
                self.assertTrue(
                    any(
                        leaf[0] == "company_id"
                        and leaf[1] == "in"
                        and self.company.id in leaf[2]
                        and self.other.id not in leaf[2]
                        for leaf in leaves
                    ),
                    f"{name} has no company rule: {domain}",
                )
                if name not in SHARED:
                    self.assertNotIn(
                        False, next(leaf[2] for leaf in leaves if leaf[0] == "company_id")
                    )
            checked.append(name)
        self.assertGreater(len(checked), 20)

    def test_other_company_records_unreachable(self):
        for model, record in self.foreign.items():
            for user in (self.manager, self.rep):
                Model = self.env[model].with_user(user)
                with self.subTest(model=model, user=user.login):
                    self.assertNotIn(record, Model.search([]))
                    self.assertFalse(Model.search_count([("id", "=", record.id)]))
                    self.assertNotIn(
                        record.id, [row[0] for row in Model.name_search(record.display_name)]
                    )
                    self.assertEqual(
                        Model.read_group([("id", "=", record.id)], ["id:count"], [])[0]["__count"],
                        0,
                    )
                    with self.assertRaises(AccessError):
                        record.with_user(user).read(["display_name"])
                    with self.assertRaises(AccessError):
                        record.with_user(user).write({"company_id": self.company.id})
        # Nor through another company's unit on a record of one's own company (a clean refusal:
        # the access error or the company check).
        with self.assertRaises(UserError):
            self._order(user=self.manager, unit_id=self.foreign_unit.id)

    def test_technician_reaches_only_own_orders(self):
        mine = self._assign(self._order(), self.tech)
        theirs = self._assign(self._order(description="卫生间漏水"), self.tech2)
        self._finish(theirs, materials=[{"name": "阀芯", "quantity": 1, "price_unit": 15.0}])
        Order = self.env["hanling.work.order"].with_user(self.tech)
        self.assertEqual(Order.search([]), mine)
        self.assertEqual(Order.search_count([]), 1)
        self.assertEqual(
            [row[0] for row in Order.name_search(theirs.name)], [], "name_search finds nothing"
        )
        self.assertEqual(Order.read_group([], ["id:count"], [])[0]["__count"], 1)
        with self.assertRaises(AccessError):
            theirs.with_user(self.tech).read(["description"])
        with self.assertRaises(AccessError):
            theirs.with_user(self.tech).write({"inspection_note": "x"})
        with self.assertRaises(AccessError):
            theirs.material_ids.with_user(self.tech).read(["name"])
        with self.assertRaises(AccessError):
            self.env["hanling.work.order.material"].with_user(self.tech).create(
                {"order_id": theirs.id, "name": "偷加", "quantity": 1, "price_unit": 1.0}
            )
        self.assertFalse(self.env["hanling.work.order.material"].with_user(self.tech).search([]))
        # Handing one's order to a colleague hands the access over with it.
        mine.with_user(self.tech).write({"technician_id": self.tech2.id})
        self.assertFalse(Order.search([]))

    def test_portal_resident_reaches_only_own_units(self):
        self.env["hanling.occupancy"].create(
            {"unit_id": self.unit2.id, "partner_id": self.foreign_partner.id}
        )
        resident = new_test_user(
            self.env, login="t_portal_rr", groups="base.group_portal", partner_id=self.owner.id
        )
        Unit = self.env["hanling.unit"].with_user(resident)
        self.assertEqual(Unit.search([]), self.unit)
        self.assertEqual([row[0] for row in Unit.name_search("")], self.unit.ids)
        self.assertEqual(Unit.read_group([], ["id:count"], [])[0]["__count"], 1)
        for unit in (self.unit2, self.foreign_unit):
            with self.assertRaises(AccessError):
                unit.with_user(resident).read(["display_name"])
        with self.assertRaises(AccessError):
            self.unit.with_user(resident).write({"floor_area": 1.0})
        # The work orders of their own unit, read only; not their neighbour's.
        own_order = self._order()
        other_order = self._order(unit_id=self.unit2.id)
        Order = self.env["hanling.work.order"].with_user(resident)
        self.assertEqual(Order.search([]), own_order)
        self.assertEqual([row[0] for row in Order.name_search("")], own_order.ids)
        with self.assertRaises(AccessError):
            other_order.with_user(resident).read(["description"])
        with self.assertRaises(AccessError):
            own_order.with_user(resident).write({"description": "改"})
        # Nothing else of the office's work is open to the portal.
        for model, record in [
            ("hanling.occupancy", self.unit.occupancy_ids[:1]),
            ("hanling.duty.log", self.foreign["hanling.duty.log"]),
        ]:
            with self.subTest(model=model):
                with self.assertRaises(AccessError):
                    self.env[model].with_user(resident).search([])
                with self.assertRaises(AccessError):
                    record.with_user(resident).read(["display_name"])
        # Once the resident moves out, the unit closes.
        self.unit.occupancy_ids.filtered(lambda o: o.partner_id == self.owner).write(
            {"date_start": "2020-01-01", "date_end": fields.Date.to_date("2021-01-01")}
        )
        self.assertFalse(Unit.search([]))
