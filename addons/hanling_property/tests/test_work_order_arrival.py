"""Arrival proven at the door (issue 15 item 18).

篇2 一 四) "如业户要求即时维修的,无论是否能即时复修或其他任何原因都应及时安排人员在15分钟内赶到维修
现场": the technician proves the arrival by scanning the unit's QR code at the door (the code each
unit's sheet prints), or records it by hand with the reason; the 15-minute statistics say which
arrivals were scanned.
"""

from datetime import date, datetime
from urllib.parse import quote

from freezegun import freeze_time

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from ..tools.workflow import EditLockError
from .work_order_common import WorkOrderCase


@tagged("post_install", "-at_install")
class TestWorkOrderArrival(WorkOrderCase):
    def test_scanning_the_unit_code_records_the_arrival(self):
        """篇2 一 四): the scan of the unit's own QR code at the door records the arrival."""
        with freeze_time("2027-03-02 02:00:00"):
            order = self._assign(self._order())
        code = self.unit._hanling_portal_url()
        self.assertIn(f"/my/units/{self.unit.id}/request?key=", code)
        with freeze_time("2027-03-02 02:12:00"):
            order.with_user(self.tech).action_arrive_scan(code)
        self.assertEqual(order.state, "in_progress")
        self.assertEqual(order.date_arrived, datetime(2027, 3, 2, 2, 12))
        self.assertEqual(order.arrival_method, "scan")
        self.assertEqual(order.arrival_scan_rate, 100.0)
        self.assertTrue(order.arrived_on_time)
        # Once arrived, the code records nothing more.
        with self.assertRaisesRegex(UserError, "Recording the arrival"):
            order.with_user(self.tech).action_arrive_scan(code)

    def test_wrong_unit_code_is_refused_saying_why(self):
        """篇2 一 四): the scan proves the technician is at the door of the order's unit; the
        code of another unit, or anything else, is refused, saying why."""
        order = self._assign(self._order())
        tech_order = order.with_user(self.tech)
        with self.assertRaisesRegex(
            UserError,
            rf"This QR code is of 1栋 3-302, but {order.name} is for 1栋 3-301: scan the code at "
            r"the door of 1栋 3-301\.",
        ):
            tech_order.action_arrive_scan(self.unit2._hanling_portal_url())
        for code in ("", "https://example.com/", f"/my/units/{self.unit.id}x", "301"):
            with self.subTest(code=code):
                with self.assertRaisesRegex(UserError, "not the QR code of a unit"):
                    tech_order.action_arrive_scan(code)
        # Only the technician sent there proves the arrival by scanning.
        with self.assertRaisesRegex(AccessError, "the technician sent to"):
            order.with_user(self.engsup).action_arrive_scan(self.unit._hanling_portal_url())
        with self.assertRaisesRegex(AccessError, "the technician sent to"):
            order.with_user(self.tech2).action_arrive_scan(self.unit._hanling_portal_url())
        self.assertEqual(order.state, "assigned")
        self.assertFalse(order.date_arrived or order.arrival_method)
        # An order for an address, not a unit, has no code to scan.
        address = self._assign(
            self._order(unit_id=False, address="会所门口", contact_phone="13812345678")
        )
        with self.assertRaisesRegex(UserError, "not for a unit with a QR code"):
            address.with_user(self.tech).action_arrive_scan(self.unit._hanling_portal_url())

    def test_arrival_by_hand_needs_the_reason(self):
        """篇2 一 四): failing the scan, the arrival is recorded by hand with a required reason,
        kept with the order."""
        order = self._assign(self._order())
        tech_order = order.with_user(self.tech)
        for reason in (False, "   "):
            with self.subTest(reason=reason):
                tech_order.arrival_manual_reason = reason
                with self.assertRaisesRegex(UserError, "write why before recording the arrival"):
                    tech_order.action_start()
        self.assertEqual(order.state, "assigned")
        tech_order.arrival_manual_reason = "门口二维码被撕掉了"
        tech_order.action_start()
        self.assertEqual(order.state, "in_progress")
        self.assertEqual(order.arrival_method, "manual")
        self.assertEqual(order.arrival_scan_rate, 0.0)
        # The reason is the record of that arrival.
        with self.assertRaises(EditLockError):
            tech_order.arrival_manual_reason = "改口"
        self.assertEqual(order.arrival_manual_reason, "门口二维码被撕掉了")

    def test_statistics_say_which_arrivals_were_scanned(self):
        """篇2 一 四): the 15-minute statistics (technician pivot, monthly review) show the share
        of arrivals proven by the scan."""
        orders = self.env["hanling.work.order"]
        for day, scanned in ((5, True), (6, False), (7, True), (8, True)):
            with freeze_time(datetime(2027, 4, day, 1, 0)):
                order = self._assign(self._order())
            with freeze_time(datetime(2027, 4, day, 1, 10)):
                if scanned:
                    self._arrive(order)
                else:
                    order.with_user(self.tech).arrival_manual_reason = "手机没电"
                    order.with_user(self.tech).action_start()
            orders |= order
        [(technician, rate, on_time)] = self.env["hanling.work.order"]._read_group(
            [("id", "in", orders.ids)],
            ["technician_id"],
            ["arrival_scan_rate:avg", "on_time_rate:avg"],
        )
        self.assertEqual((technician, rate, on_time), (self.tech, 75.0, 100.0))
        pivot = self.env.ref("hanling_property.hanling_work_order_view_pivot_technician")
        self.assertIn('name="arrival_scan_rate"', pivot.arch_db)
        review = (
            self.env["hanling.work.order.review"]
            .with_user(self.cssup)
            .create({"community_id": self.community.id, "date_from": date(2027, 4, 1)})
        )
        review.action_compute()
        self.assertEqual(review.line_ids.arrival_scan_rate, 75.0)
        self.assertEqual(review.line_ids.on_time_rate, 100.0)


@tagged("post_install", "-at_install")
class TestWorkOrderArrivalPhone(HttpCase):
    """The technician's phone at the door, on the demo data: 张师傅 (login tech) is sent to 1-102
    (work_order_socket_demo)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("hanling_property.user_tech_demo").lang = "en_US"
        cls.order = cls.env.ref("hanling_property.work_order_socket_demo")
        cls.unit = cls.order.unit_id
        cls.other_unit = cls.env.ref("hanling_property.unit_1_101_demo")

    def _post(self, url, data):
        data = {"csrf_token": http.Request.csrf_token(self), **data}
        return self.url_open(url, data=data, allow_redirects=False)

    def test_scan_at_the_door_on_the_phone(self):
        """篇2 一 四): the phone's camera opens the unit's QR code; the technician's arrival page
        records the arrival of the job sent to that unit."""
        self.assertEqual(self.order.state, "assigned")
        self.authenticate("tech", "tech")
        page = self.url_open(f"/my/units/{self.unit.id}/request")
        self.assertIn("/my/arrival?code=", page.url)
        self.assertIn("o_hanling_arrival", page.text)
        self.assertIn(self.order.name, page.text)
        self.assertIn(f'action="/my/arrival/{self.order.id}"', page.text)
        code = self.unit._hanling_portal_url()
        page = self.url_open(code[code.index("/my/") :])
        self.assertIn("/my/arrival?code=", page.url)
        self.assertIn("key%3D", page.url)
        response = self._post(f"/my/arrival/{self.order.id}", {"code": code})
        self.assertEqual(response.status_code, 303)
        self.assertIn(f"/odoo/hanling.work.order/{self.order.id}", response.headers["Location"])
        self.assertEqual(self.order.state, "in_progress")
        self.assertEqual(self.order.arrival_method, "scan")

    def test_wrong_door_refused_on_the_phone(self):
        """篇2 一 四): the code of another unit's door is refused, saying why."""
        self.authenticate("tech", "tech")
        code = f"/my/units/{self.other_unit.id}/request"
        page = self.url_open(f"/my/arrival?code={quote(code)}")
        self.assertIn("None of the jobs you were sent to is at this unit", page.text)
        response = self._post(f"/my/arrival/{self.order.id}", {"code": code})
        self.assertEqual(response.status_code, 400)
        self.assertIn("This QR code is of", response.text)
        self.assertIn("scan the code at the door of", response.text)
        self.assertEqual(self.order.state, "assigned")
        self.assertFalse(self.order.arrival_method)

    def test_residents_and_others_get_no_arrival_page(self):
        """Only technicians record arrivals; the resident's QR code stays the resident's form."""
        self.authenticate("resident", "resident")
        page = self.url_open(f"/my/units/{self.other_unit.id}/request")
        self.assertNotIn("/my/arrival", page.url)
        response = self._post(
            f"/my/arrival/{self.order.id}", {"code": f"/my/units/{self.unit.id}/request"}
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertEqual(self.order.state, "assigned")
        self.authenticate("duty", "duty")
        response = self.url_open("/my/arrival", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
