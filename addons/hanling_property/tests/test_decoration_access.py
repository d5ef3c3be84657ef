from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .decoration_common import DecorationCase


@tagged("post_install", "-at_install")
class TestDecorationAccess(DecorationCase):
    def test_duty_officer_reads_only(self):
        duty = self.users["t_duty"]
        permit = self.make_permit()
        self.assertEqual(permit.with_user(duty).scope, permit.scope)
        with self.assertRaises(AccessError):
            self.make_permit(user=duty)
        with self.assertRaises(AccessError):
            permit.with_user(duty).action_submit()
        with self.assertRaises(AccessError):
            self.pay_deposit(permit, user=duty)

    def test_technician_records_violations_only(self):
        tech = self.users["t_tech"]
        permit = self.approved_permit()
        violation = (
            self.env["hanling.decoration.violation"]
            .with_user(tech)
            .create({"permit_id": permit.id, "description": "擅自改动外立面", "amount": 500})
        )
        self.assertEqual(violation.user_id, tech)
        with self.assertRaises(AccessError):
            permit.with_user(tech).action_start()
        with self.assertRaises(AccessError):
            self.env["hanling.decoration.worker"].with_user(tech).create(
                {"permit_id": permit.id, "name": "x"}
            )
        worker = self.env["hanling.decoration.worker"].create(
            {"permit_id": permit.id, "name": "赵六", "id_number": "110101199003070000"}
        )
        self.assertEqual(worker.with_user(tech).name, "赵六")
        with self.assertRaises(AccessError):
            worker.with_user(tech).read(["id_number"])
        self.assertEqual(worker.with_user(self.users["t_staff"]).id_number, "110101199003070000")

    def test_unit_form_opens_for_every_role(self):
        self.make_permit()
        for user in [*self.users.values(), self.plain_user]:
            form = Form(self.unit.with_user(user))
            self.assertEqual(form.label, "3-301")

    def test_plain_user_sees_nothing(self):
        permit = self.make_permit()
        with self.assertRaises(AccessError):
            permit.with_user(self.plain_user).read(["name"])

    def test_staff_and_manager(self):
        permit = self.make_permit(user=self.users["t_staff"])
        permit.action_submit()
        with self.assertRaises(AccessError):
            self.make_permit().with_user(self.users["t_staff"]).unlink()
        draft = self.make_permit()
        draft.with_user(self.users["t_manager"]).unlink()
        self.assertFalse(draft.exists())

    def test_engineering_supervisor_inspects_but_does_not_apply(self):
        engsup = self.users["t_engsup"]
        with self.assertRaises(AccessError):
            self.make_permit(user=engsup)
        application = self.make_permit(user=self.users["t_staff"])
        self.receive(application.document_line_ids)
        application.action_submit()
        self.pay_deposit(application)
        application.with_user(engsup).action_approve()
        self.assertEqual(application.state, "approved")
        permit = self.approved_permit()
        permit.action_start()
        permit.action_request_completion()
        permit.with_user(engsup).action_complete()
        self.assertEqual(permit.state, "completed")

    def test_accountant_reads_permits(self):
        permit = self.make_permit()
        accountant_permit = permit.with_user(self.accountant)
        self.assertEqual(accountant_permit.deposit_held, 0.0)
        with self.assertRaises(AccessError):
            accountant_permit.deposit_amount = 1

    def test_document_types_configured_by_manager(self):
        vals = {"name": "测试资料", "code": "test_doc", "document_set": "move_in"}
        with self.assertRaises(AccessError):
            self.env["hanling.document.type"].with_user(self.users["t_cssup"]).create(vals)
        doc_type = self.env["hanling.document.type"].with_user(self.users["t_manager"]).create(vals)
        move_in = self.env["hanling.move.in"].create(
            {"unit_id": self.unit.id, "partner_id": self.owner.id}
        )
        self.assertIn(doc_type, move_in.document_line_ids.type_id)

    def test_company_rule(self):
        other = self.env["res.company"].create({"name": "另一个管理处"})
        community = self.env["hanling.community"].create(
            {"name": "别处", "code": "OT2", "company_id": other.id}
        )
        building = self.env["hanling.building"].create(
            {"name": "B栋", "code": "OB", "community_id": community.id}
        )
        unit = self.env["hanling.unit"].create(
            {"building_id": building.id, "floor": 1, "room": "102"}
        )
        foreign = self.make_permit(unit_id=unit.id, company_id=other.id)
        own = self.make_permit()
        for login in ("t_staff", "t_manager", "t_rep"):
            visible = self.env["hanling.decoration.permit"].with_user(self.users[login]).search([])
            self.assertIn(own, visible)
            self.assertNotIn(foreign, visible)
            lines = self.env["hanling.document.line"].with_user(self.users[login]).search([])
            self.assertFalse(lines & foreign.document_line_ids)
