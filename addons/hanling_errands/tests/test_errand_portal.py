from odoo import http
from odoo.tests import HttpCase, tagged

from .common import ErrandCase


@tagged("post_install", "-at_install")
class TestErrandPortalRoutes(HttpCase):
    """魏娜 (login resident, 1-101) asks for an errand from the catalogue and follows it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.unit = cls.env.ref("hanling_property.unit_1_101_demo")
        # The demo resident reads Chinese; the tests read the source messages.
        cls.env.ref("hanling_property.user_resident_demo").lang = "en_US"
        cls.other_unit = cls.env.ref("hanling_property.unit_1_102_demo")
        cls.cake = cls.env.ref("hanling_property.service_free_17")
        cls.repair = cls.env.ref("hanling_property.service_paid_26")
        cls.Errand = cls.env["hanling.errand"]

    def setUp(self):
        super().setUp()
        self.authenticate("resident", "resident")

    def _post(self, url, data):
        return self.url_open(url, data={"csrf_token": http.Request.csrf_token(self), **data})

    def _ask(self, unit=None, **data):
        values = {
            "service_id": str(self.cake.id),
            "kind": "cake",
            "description": "订一个8寸水果蛋糕",
            "contact_phone": "13937865797",
            "delivery_date": "2099-06-01T17:00",
            **data,
        }
        return self._post(f"/my/units/{(unit or self.unit).id}/errand", values)

    def test_request_an_errand_from_the_catalogue(self):
        page = self.url_open(f"/my/units/{self.unit.id}")
        self.assertIn(f"/my/units/{self.unit.id}/errand", page.text)
        own = self.env.ref("hanling_errands.errand_cake_demo")
        self.assertIn(own.name, page.text)
        form = self.url_open(f"/my/units/{self.unit.id}/errand")
        self.assertIn(self.cake.name, form.text)
        self.assertNotIn(self.repair.name, form.text)
        response = self._ask()
        errand = self.Errand.search([], order="id desc", limit=1)
        self.assertIn(f"/my/errands/{errand.id}", response.url)
        self.assertEqual(errand.state, "draft")
        self.assertEqual(errand.service_id, self.cake)
        self.assertEqual(errand.kind, "cake")
        self.assertEqual(errand.channel, "portal")
        self.assertEqual(errand.unit_id, self.unit)
        self.assertEqual(errand.partner_id, self.env.ref("hanling_property.resident_001_demo"))
        self.assertEqual(str(errand.delivery_date), "2099-06-01 09:00:00")
        self.assertIn("订一个8寸水果蛋糕", response.text)

    def test_refusals(self):
        before = self.Errand.search_count([])
        for data, expected in [
            ({"service_id": str(self.repair.id)}, "published list"),
            ({"service_id": ""}, "published list"),
            ({"kind": "spaceship"}, "kind of errand"),
            ({"description": ""}, "Please fill in"),
            ({"contact_phone": "abc"}, "phone"),
            ({"delivery_date": "2001-01-01T10:00"}, "future"),
            ({"delivery_date": "not a date"}, "valid delivery date"),
        ]:
            with self.subTest(expected=expected):
                response = self._ask(**data)
                self.assertIn("o_hanling_error", response.text)
                self.assertIn(expected, response.text)
        self.assertTrue(self._ask(unit=self.other_unit).url.endswith("/my"))
        self.assertEqual(self.Errand.search_count([]), before)

    def test_errand_pages_show_only_own(self):
        own = self.env.ref("hanling_errands.errand_cake_demo")
        other = self.env.ref("hanling_errands.errand_milk_demo")  # 1-102
        listing = self.url_open("/my/errands")
        self.assertIn(own.name, listing.text)
        self.assertNotIn(other.name, listing.text)
        self.assertEqual(self.url_open(f"/my/errands/{own.id}").status_code, 200)
        self.assertTrue(self.url_open(f"/my/errands/{other.id}").url.endswith("/my"))
        other._portal_ensure_token()
        page = self.url_open(f"/my/errands/{other.id}?access_token={other.access_token}")
        self.assertIn(other.name, page.text)
        self.assertIn("/my/errands", self.url_open("/my/home").text)


@tagged("post_install", "-at_install")
class TestErrandPortalRecords(ErrandCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner.email = "wangwei@example.com"
        cls.portal_user = cls.env["res.users"].create(
            {
                "name": "王伟",
                "login": "t_errand_portal",
                "partner_id": cls.owner.id,
                "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])],
            }
        )

    def test_portal_resident_reads_only_own_errands(self):
        own = self._errand()
        other = self._errand(unit_id=self.unit2.id)
        Errand = self.env["hanling.errand"].with_user(self.portal_user)
        self.assertEqual(Errand.search([("id", "in", (own | other).ids)]), own)
        self.assertFalse(Errand.has_access("write"))
        self.assertFalse(Errand.has_access("create"))

    def test_delivered_mail_and_dashboard(self):
        errand = self._delivered()
        self.env.flush_all()
        self.env.cr.precommit.run()
        template = self.env.ref("hanling_errands.mail_template_errand_delivered")
        subject = template._render_field("subject", errand.ids)[errand.id]
        message = errand.message_ids.filtered(lambda m: m.subject == subject)
        self.assertEqual(len(message), 1)
        self.assertIn(self.owner, message.partner_ids)
        self.assertIn(errand.name, message.body)
        self.assertIn(f"/my/errands/{errand.id}?access_token=", message.body)
        community = self.community.with_user(self.users["t_duty"])
        self.assertEqual(community.dash_errand_to_settle, 1)
        action = community.with_context(
            hanling_figure="dash_errand_to_settle"
        ).action_open_dashboard_figure()
        self.assertEqual(self.env["hanling.errand"].search(action["domain"]), errand)
