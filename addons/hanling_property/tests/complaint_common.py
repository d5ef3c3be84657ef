from datetime import datetime

from .common import HanlingCase


class ComplaintCase(HanlingCase):
    """Complaint set-up: a resident living in the unit, departments with heads, Shanghai hours."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Asia/Shanghai"
        cls.company.write({"hanling_day_shift_start": 8.0, "hanling_day_shift_end": 18.0})
        cls.env["hanling.occupancy"].create(
            {"unit_id": cls.unit.id, "partner_id": cls.owner.id, "role": "owner"}
        )
        cls.neighbour = cls.env["res.partner"].create({"name": "李娜", "mobile": "13900001111"})
        cls.department = cls.env["hanling.complaint.department"].create(
            {
                "name": "测试工程部",
                "head_id": cls.users["t_engsup"].id,
                "company_id": cls.company.id,
            }
        )
        cls.department_cs = cls.env["hanling.complaint.department"].create(
            {
                "name": "测试客服中心",
                "head_id": cls.users["t_cssup"].id,
                "company_id": cls.company.id,
            }
        )
        # 10:00 and 22:00 in Shanghai.
        cls.day_time = datetime(2026, 3, 2, 2, 0, 0)
        cls.night_time = datetime(2026, 3, 2, 14, 0, 0)

    def _complaint(self, user="t_staff", **values):
        vals = {
            "unit_id": self.unit.id,
            "content": "楼道灯坏了三天没人修",
            "category": "repair",
            "date_received": self.day_time,
            "received_by_id": self.users[user].id,
            **values,
        }
        return self.env["hanling.complaint"].with_user(self.users[user]).create(vals)

    def _activities(self, record, user=None, activity_type=None):
        domain = [("res_model", "=", record._name), ("res_id", "=", record.id)]
        if user:
            domain.append(("user_id", "=", user.id))
        if activity_type:
            domain.append(("activity_type_id", "=", self.env.ref(activity_type).id))
        return self.env["mail.activity"].search(domain)

    def _bring_to_handling(self, complaint):
        complaint.department_id = self.department
        complaint.action_assess()
        complaint.action_handle()
        return complaint

    # The four points of a complaint callback (篇3 4.4.1-4.4.4), all recorded.
    CALLBACK_POINTS = {
        "opinion": "处理及时",
        "prevention_suggestion": "楼道灯定期巡查",
        "service_suggestion": "增加夜间巡逻",
        "evaluation": "满意",
    }

    def _finish_callback(self, complaint, satisfaction="5"):
        """The customer-service staff call back and record the four points (篇3 4.4)."""
        callback = complaint.sudo().callback_ids.filtered(lambda c: c.state == "planned")
        callback = callback.with_user(self.users["t_staff"])
        callback.write({"satisfaction": satisfaction, **self.CALLBACK_POINTS})
        callback.action_done()
        return callback
