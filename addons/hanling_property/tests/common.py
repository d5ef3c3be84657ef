from odoo.tests import TransactionCase, new_test_user


class HanlingCase(TransactionCase):
    """A community with one building, two units and one user per office role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Databases of the office make new contacts (and OdooBot) Chinese; tests read the
        # source messages and switch to zh_CN explicitly where they check a translation.
        cls.env.user.lang = "en_US"
        # One time zone for everyone, as in an office: the test users have none (UTC), the
        # superuser has Odoo's Europe/Brussels. Mixed, "today" differs between them for an hour
        # each night (a resident moved in "today" by set-up was not yet current for the desk).
        cls.env.user.tz = False
        cls.env["ir.default"].set("res.partner", "lang", "en_US")
        cls.company = cls.env.company
        cls.community = cls.env["hanling.community"].create(
            {"name": "测试小区", "code": "TST", "company_id": cls.company.id}
        )
        cls.building = cls.env["hanling.building"].create(
            {"name": "1栋", "code": "T1", "community_id": cls.community.id}
        )
        cls.unit, cls.unit2 = cls.env["hanling.unit"].create(
            [
                {"building_id": cls.building.id, "floor": 3, "room": "301", "floor_area": 89.5},
                {"building_id": cls.building.id, "floor": 3, "room": "302", "floor_area": 96.0},
            ]
        )
        cls.owner = cls.env["res.partner"].create({"name": "王伟", "mobile": "13812345678"})
        cls.users = {}
        for login, group in [
            ("t_duty", "group_duty_officer"),
            ("t_staff", "group_cs_staff"),
            ("t_tech", "group_technician"),
            ("t_tech2", "group_technician"),
            ("t_engsup", "group_eng_supervisor"),
            ("t_cssup", "group_cs_supervisor"),
            ("t_manager", "group_manager"),
            ("t_rep", "group_company_rep"),
        ]:
            cls.users[login] = new_test_user(
                cls.env,
                login=login,
                groups=f"base.group_user,hanling_property.{group}",
                company_id=cls.company.id,
                company_ids=[cls.company.id],
            )
        cls.plain_user = new_test_user(cls.env, login="t_plain", groups="base.group_user")
