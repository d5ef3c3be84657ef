from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .complaint_common import ComplaintCase


@tagged("post_install", "-at_install")
class TestComplaintAccess(ComplaintCase):
    def test_duty_officer_takes_and_closes_night_complaints(self):
        duty = self.users["t_duty"]
        complaint = self._complaint(user="t_duty", date_received=self.night_time)
        self._bring_to_handling(complaint)
        complaint.write({"resolution_kind": "service", "resolution": "已道歉"})
        # Resolving plans the callback, which is the customer-service centre's job.
        with self.assertRaises(AccessError):
            complaint.action_resolve()
        self.assertEqual(complaint.state, "handling")
        complaint.with_user(self.users["t_staff"]).action_resolve()
        # The duty officer cannot do the callback; the staff member who resolved it does.
        self.assertEqual(complaint.callback_ids.user_id, self.users["t_staff"])
        self._finish_callback(complaint.with_user(self.users["t_staff"]))
        complaint.action_report_result()
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")
        # …but has no access to the nonconformity reports themselves.
        with self.assertRaises(AccessError):
            self.env["hanling.nonconformity"].with_user(duty).search([])
        with self.assertRaises(AccessError):
            complaint.with_user(duty).unlink()

    def test_plain_user_sees_no_complaints(self):
        # A technician records and reads their own (test_complaint_manual.py); a user outside
        # the office's roles has no right at all.
        complaint = self._complaint()
        with self.assertRaises(AccessError):
            complaint.with_user(self.plain_user).read(["content"])
        with self.assertRaises(AccessError):
            self.env["hanling.complaint"].with_user(self.plain_user).create(
                {"unit_id": self.unit.id, "content": "x"}
            )

    def test_engineering_supervisor_works_on_complaints(self):
        complaint = self._complaint()
        as_engsup = complaint.with_user(self.users["t_engsup"])
        as_engsup.department_id = self.department
        as_engsup.action_assess()
        as_engsup.action_handle()
        action = as_engsup.action_create_nonconformity()
        self.assertEqual(action["res_model"], "hanling.nonconformity")
        self.assertEqual(as_engsup.nonconformity_count, 1)

    def test_unlink(self):
        complaint = self._complaint()
        with self.assertRaises(AccessError):
            complaint.with_user(self.users["t_cssup"]).unlink()
        started = self._bring_to_handling(self._complaint())
        with self.assertRaises(UserError):
            started.with_user(self.users["t_manager"]).unlink()
        complaint.with_user(self.users["t_manager"]).unlink()
        self.assertFalse(complaint.exists())

    def test_departments_configured_by_manager(self):
        departments = self.env["hanling.complaint.department"]
        self.assertIn(self.department, departments.with_user(self.users["t_duty"]).search([]))
        with self.assertRaises(AccessError):
            departments.with_user(self.users["t_cssup"]).create({"name": "绿化部"})
        department = departments.with_user(self.users["t_manager"]).create({"name": "绿化部"})
        self.assertEqual(department.company_id, self.company)

    def test_prevention_reports_readable_by_supervisors_only(self):
        reports = self.env["hanling.prevention.report"]
        reports.with_user(self.users["t_cssup"]).search([])
        reports.with_user(self.users["t_engsup"]).search([])
        with self.assertRaises(AccessError):
            reports.with_user(self.users["t_staff"]).search([])

    def test_other_company_complaints_are_invisible(self):
        other = self.env["res.company"].create({"name": "别的物业公司"})
        community = self.env["hanling.community"].create(
            {"name": "别的小区", "code": "OTC", "company_id": other.id}
        )
        building = self.env["hanling.building"].create(
            {"name": "1栋", "code": "O1", "community_id": community.id}
        )
        unit = self.env["hanling.unit"].create(
            {"building_id": building.id, "floor": 1, "room": "101"}
        )
        foreign = self.env["hanling.complaint"].create(
            {"unit_id": unit.id, "content": "x", "company_id": other.id}
        )
        mine = self._complaint()
        found = self.env["hanling.complaint"].with_user(self.users["t_staff"]).search([])
        self.assertIn(mine, found)
        self.assertNotIn(foreign, found)
        with self.assertRaises(AccessError):
            foreign.with_user(self.users["t_staff"]).read(["content"])

    def test_views_load_for_each_role(self):
        views = [(False, "form"), (False, "list"), (False, "search")]
        for login in ("t_duty", "t_staff", "t_engsup", "t_manager", "t_rep"):
            user = self.users[login]
            self.env["hanling.complaint"].with_user(user).get_views(
                views + [(False, "pivot"), (False, "graph")]
            )
            self.env["hanling.duty.log"].with_user(user).get_views([(False, "form")])
        for login in ("t_staff", "t_engsup", "t_manager"):
            self.env["hanling.nonconformity"].with_user(self.users[login]).get_views(views)
        self.env["hanling.prevention.report"].with_user(self.users["t_manager"]).get_views(views)
        self.env["res.config.settings"].get_views([(False, "form")])

    def test_duty_officer_records_with_the_form(self):
        form = Form(self.env["hanling.complaint"].with_user(self.users["t_duty"]))
        form.unit_id = self.unit
        form.content = "半夜水泵噪音很大"
        form.category = "neighbour"
        form.date_received = self.night_time
        complaint = form.save()
        self.assertEqual(complaint.first_responder_id, self.users["t_duty"])
        self.assertEqual(complaint.shift, "night")
        self.assertEqual(complaint.contact_phone, "13812345678")
