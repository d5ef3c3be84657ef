import io

from PIL import Image

from odoo import http
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from ..tools.workflow import WorkflowGuardError, workflow_grant
from .work_order_common import SIGNATURE


def _png(size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestPortalRequests(HttpCase):
    """The resident's online requests, on the demo data: 魏娜 (login resident) owns 1-101."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.resident = cls.env.ref("hanling_property.user_resident_demo")
        # The demo resident reads Chinese; the tests read the source messages.
        cls.env.ref("hanling_property.user_resident_demo").lang = "en_US"
        cls.unit = cls.env.ref("hanling_property.unit_1_101_demo")
        cls.other_unit = cls.env.ref("hanling_property.unit_1_102_demo")
        cls.Order = cls.env["hanling.work.order"]
        cls.Complaint = cls.env["hanling.complaint"]

    def setUp(self):
        super().setUp()
        self.authenticate("resident", "resident")

    def _post(self, url, data=None, files=None):
        data = {"csrf_token": http.Request.csrf_token(self), **(data or {})}
        return self.url_open(url, data=data, files=files, allow_redirects=True)

    def _request(self, files=None, **data):
        values = {"description": "阳台地漏堵塞", "contact_phone": "13937865797", **data}
        return self._post(f"/my/units/{self.unit.id}/request", values, files)

    def _done_order(self):
        order = self.env.ref("hanling_property.work_order_drain_demo")
        order.action_finish()
        self.assertEqual(order.state, "done")
        return order

    # ------------------------------------------------------------------ repair requests

    def test_request_with_photos(self):
        page = self.url_open(f"/my/units/{self.unit.id}")
        self.assertIn(f"/my/units/{self.unit.id}/request", page.text)
        form = self.url_open(f"/my/units/{self.unit.id}/request")
        self.assertEqual(form.status_code, 200)
        self.assertIn('name="csrf_token"', form.text)
        before = self.Order.search_count([])
        response = self._request(
            files=[
                ("photos", ("drain.png", _png(), "image/png")),
                ("photos", ("drain2.png", _png((4, 4)), "image/png")),
            ]
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.Order.search_count([]), before + 1)
        order = self.Order.search([], order="id desc", limit=1)
        self.assertIn(f"/my/work_orders/{order.id}", response.url)
        self.assertEqual(order.unit_id, self.unit)
        self.assertEqual(order.partner_id, self.resident.partner_id)
        self.assertEqual(order.channel, "portal")
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.urgency, "immediate")
        photos = order._hanling_portal_photos()
        self.assertEqual(len(photos), 2)
        self.assertEqual(set(photos.mapped("mimetype")), {"image/png"})
        message = order.message_ids.filtered("attachment_ids")
        self.assertEqual(message.author_id, self.resident.partner_id)
        self.assertEqual(message.attachment_ids, photos)
        self.assertIn("阳台地漏堵塞", response.text)

    def test_request_by_appointment(self):
        response = self._request(urgency="appointment", appointment_date="2099-05-01T10:00")
        order = self.Order.search([], order="id desc", limit=1)
        self.assertIn(f"/my/work_orders/{order.id}", response.url)
        self.assertEqual(order.urgency, "appointment")
        # 10:00 in Shanghai (the resident's default time zone) is 02:00 UTC.
        self.assertEqual(str(order.appointment_date), "2099-05-01 02:00:00")

    def test_request_refusals_save_nothing(self):
        orders = self.Order.search_count([])
        attachments = self.env["ir.attachment"].search_count([])
        cases = [
            (
                {"files": [("photos", ("evil.png", b"#!/bin/sh\nrm -rf /", "image/png"))]},
                "not a photo",
            ),
            (
                {
                    "files": [
                        ("photos", ("huge.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024), "image/png"))
                    ]
                },
                "larger than 5 MB",
            ),
            (
                {"files": [("photos", (f"p{i}.png", _png(), "image/png")) for i in range(6)]},
                "at most 5",
            ),
            ({"description": "   "}, "Please fill in"),
            ({"contact_phone": "12"}, "phone"),
            ({"urgency": "appointment", "appointment_date": ""}, "date and time"),
            ({"urgency": "appointment", "appointment_date": "2001-01-01T10:00"}, "future"),
            ({"service_id": "999999"}, "published list"),
        ]
        for kwargs, expected in cases:
            with self.subTest(expected=expected):
                files = kwargs.pop("files", None)
                response = self._request(files=files, **kwargs)
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_hanling_error", response.text)
                self.assertIn(expected, response.text)
        self.assertEqual(self.Order.search_count([]), orders)
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)

    def test_another_residents_unit_is_refused(self):
        before = self.Order.search_count([])
        for url in (
            f"/my/units/{self.other_unit.id}/request",
            f"/my/units/{self.other_unit.id}/complaint",
        ):
            with self.subTest(url=url):
                self.assertTrue(self.url_open(url).url.endswith("/my"))
                response = self._post(
                    url, {"description": "x", "content": "x", "contact_phone": "13937865797"}
                )
                self.assertTrue(response.url.endswith("/my"))
        self.assertEqual(self.Order.search_count([]), before)
        # Without CSRF token, the form is rejected.
        response = self.url_open(
            f"/my/units/{self.unit.id}/request",
            data={"description": "x", "contact_phone": "13937865797"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.Order.search_count([]), before)

    # ------------------------------------------------------------------ following an order

    def test_order_pages_show_only_own_orders(self):
        own = self.env.ref("hanling_property.work_order_leak_demo")
        other = self.env.ref("hanling_property.work_order_socket_demo")  # unit 1-102
        listing = self.url_open("/my/work_orders")
        self.assertIn(own.name, listing.text)
        self.assertNotIn(other.name, listing.text)
        self.assertEqual(self.url_open(f"/my/work_orders/{own.id}").status_code, 200)
        self.assertTrue(self.url_open(f"/my/work_orders/{other.id}").url.endswith("/my"))
        self.assertTrue(self.url_open("/my/work_orders/999999").url.endswith("/my"))
        # The mailed link carries a token that opens the page, even to someone else.
        other._portal_ensure_token()
        page = self.url_open(f"/my/work_orders/{other.id}?access_token={other.access_token}")
        self.assertIn(other.name, page.text)
        bad = self.url_open(f"/my/work_orders/{other.id}?access_token=wrong")
        self.assertTrue(bad.url.endswith("/my"))
        # Technician, appointment and fee are shown.
        page = self.url_open(f"/my/work_orders/{other.id}?access_token={other.access_token}")
        self.assertIn(other.technician_id.name, page.text)
        home = self.url_open("/my/home")
        self.assertIn("/my/work_orders", home.text)
        # The order's history (the mails sent to the resident) is shown, read only.
        page = self.url_open(f"/my/work_orders/{own.id}")
        self.assertIn('data-res_model="hanling.work.order"', page.text)
        self.assertIn('data-allow_composer="0"', page.text)

    def test_not_satisfied_sends_the_repair_back(self):
        """篇2 二 五) 1: 维修人员应主动请业户试用验收,直到业户满意为止 — from the acceptance page
        the resident sends the job back with the reason, as many times as needed."""
        order = self._done_order()
        page = self.url_open(f"/my/work_orders/{order.id}")
        self.assertIn("o_hanling_rework_form", page.text)
        # No reason: refused, nothing changes.
        response = self._post(f"/my/work_orders/{order.id}/rework", {"reason": "  "})
        self.assertIn("error=rework", response.url)
        self.assertEqual(order.state, "done")
        self.assertEqual(order.rework_count, 0)
        response = self._post(f"/my/work_orders/{order.id}/rework", {"reason": "地漏还是慢"})
        self.assertIn("message=rework", response.url)
        self.assertEqual(order.state, "in_progress")
        self.assertEqual(order.rework_count, 1)
        self.assertTrue(order.message_ids.filtered(lambda m: "地漏还是慢" in (m.body or "")))
        self.assertNotIn("o_hanling_rework_form", response.text)
        # Not finished again: the resident cannot send it back a second time.
        response = self._post(f"/my/work_orders/{order.id}/rework", {"reason": "再来"})
        self.assertIn("error=not_done", response.url)
        self.assertEqual(order.rework_count, 1)
        # Someone else's order is not reachable.
        other = self.env.ref("hanling_property.work_order_socket_demo")  # unit 1-102
        response = self._post(f"/my/work_orders/{other.id}/rework", {"reason": "x"})
        self.assertTrue(response.url.endswith("/my"))
        self.assertEqual(other.rework_count, 0)
        # Finished again, then accepted.
        order.action_finish()
        self.assertEqual(order.state, "done")
        self._post(f"/my/work_orders/{order.id}/opinion", {"opinion": "这次好了"})
        result = self.make_jsonrpc_request(
            f"/my/work_orders/{order.id}/accept", {"name": "魏娜", "signature": SIGNATURE.decode()}
        )
        self.assertTrue(result["force_refresh"])
        self.assertEqual(order.state, "accepted")
        self.assertEqual(order.rework_count, 1)

    def test_accept_sign_and_answer_callback(self):
        order = self._done_order()
        page = self.url_open(f"/my/work_orders/{order.id}")
        self.assertIn("o_hanling_opinion_form", page.text)
        # No acceptance before the opinion.
        result = self.make_jsonrpc_request(
            f"/my/work_orders/{order.id}/accept", {"name": "魏娜", "signature": SIGNATURE.decode()}
        )
        self.assertIn("opinion", result["error"])
        response = self._post(f"/my/work_orders/{order.id}/opinion", {"opinion": "修得很好"})
        self.assertIn("#accept", response.url)
        self.assertEqual(order.resident_opinion, "修得很好")
        self.assertIn("modalaccept", response.text)
        # No signature: refused, nothing changes.
        result = self.make_jsonrpc_request(
            f"/my/work_orders/{order.id}/accept", {"name": "魏娜", "signature": ""}
        )
        self.assertTrue(result["error"])
        self.assertEqual(order.state, "done")
        result = self.make_jsonrpc_request(
            f"/my/work_orders/{order.id}/accept", {"name": "魏娜", "signature": SIGNATURE.decode()}
        )
        self.assertTrue(result["force_refresh"])
        self.assertEqual(order.state, "accepted")
        self.assertEqual(order.resident_signed_by, "魏娜")
        self.assertTrue(order.resident_signed_on)
        self.assertEqual(order.callback_state, "planned")
        # Accepted: acceptance and opinion are closed.
        result = self.make_jsonrpc_request(
            f"/my/work_orders/{order.id}/accept", {"name": "x", "signature": SIGNATURE.decode()}
        )
        self.assertIn("finished repair", result["error"])
        response = self._post(f"/my/work_orders/{order.id}/opinion", {"opinion": "改口"})
        self.assertIn("error=not_done", response.url)
        self.assertEqual(order.resident_opinion, "修得很好")
        # The rating, answered online: kept as the resident's feedback (test_callback_office).
        page = self.url_open(f"/my/work_orders/{order.id}")
        self.assertIn("o_hanling_callback_form", page.text)
        response = self._post(f"/my/work_orders/{order.id}/callback", {"satisfaction": "9"})
        self.assertIn("error=satisfaction", response.url)
        self.assertFalse(order.callback_ids.date_resident_feedback)

    def test_online_rating_never_completes_the_office_callback(self):
        """篇2 二 六) 3 "维修结束24小时内工程主管应针对维修情况对业户进行回访": the callback is the
        engineering supervisor's, by phone or visit. The resident's online rating is kept as the
        resident's feedback; the callback stays to do for the office, and the order cannot close."""
        order = self._done_order()
        self._post(f"/my/work_orders/{order.id}/opinion", {"opinion": "修得很好"})
        result = self.make_jsonrpc_request(
            f"/my/work_orders/{order.id}/accept", {"name": "魏娜", "signature": SIGNATURE.decode()}
        )
        self.assertEqual(order.state, "accepted")
        self.assertIn("o_hanling_accepted", self.url_open(result["redirect_url"]).text)
        response = self._post(
            f"/my/work_orders/{order.id}/callback", {"satisfaction": "2", "comment": "来得太晚"}
        )
        self.assertIn("message=thanks", response.url)
        callback = order.callback_ids
        self.assertEqual(callback.state, "planned")
        self.assertEqual(callback.resident_satisfaction, "2")
        self.assertEqual(callback.resident_comment, "来得太晚")
        self.assertTrue(callback.date_resident_feedback)
        # The office's own record of the call is untouched, the order waits for it.
        self.assertFalse(callback.satisfaction)
        self.assertFalse(callback.comment)
        self.assertEqual(order.callback_state, "planned")
        self.assertFalse(order.callback_satisfaction)
        engsup = self.env.ref("hanling_property.user_engsup_demo")
        engsup.lang = "en_US"
        with self.assertRaisesRegex(UserError, "callback visit is not done"):
            order.with_user(engsup).action_close()
        page = self.url_open(f"/my/work_orders/{order.id}")
        self.assertIn("o_hanling_resident_rating", page.text)
        self.assertNotIn("o_hanling_callback_form", page.text)
        # Rated once only; the rating stays the resident's.
        response = self._post(f"/my/work_orders/{order.id}/callback", {"satisfaction": "5"})
        self.assertIn("error=no_callback", response.url)
        self.assertEqual(callback.resident_satisfaction, "2")
        # Nobody rewrites the resident's feedback, not even the supervisor.
        with self.assertRaisesRegex(WorkflowGuardError, "Online Rating"):
            callback.with_user(engsup).resident_satisfaction = "5"

    def test_closed_and_foreign_orders_refuse_every_action(self):
        closed = self.env.ref("hanling_property.work_order_leak_demo")
        other = self.env.ref("hanling_property.work_order_socket_demo")
        with workflow_grant("hanling.work.order"):
            closed.write({"state": "closed"})  # test data: an order already closed
            other.write({"state": "done"})  # another resident's finished order
        for order, expected in ((closed, "error=not_done"), (other, "/my")):
            with self.subTest(order=order.name):
                response = self._post(f"/my/work_orders/{order.id}/opinion", {"opinion": "x"})
                self.assertTrue(response.url.endswith(expected), response.url)
                response = self._post(f"/my/work_orders/{order.id}/callback", {"satisfaction": "5"})
                self.assertTrue(
                    response.url.endswith("error=no_callback") or response.url.endswith("/my")
                )
                result = self.make_jsonrpc_request(
                    f"/my/work_orders/{order.id}/accept",
                    {"name": "x", "signature": SIGNATURE.decode()},
                )
                self.assertTrue(result["error"])
                self.assertFalse(order.resident_opinion)
                self.assertFalse(order.resident_signed_by)
        self.assertEqual(other.state, "done")

    # ------------------------------------------------------------------ complaints

    def test_complaint_with_photo_then_rating(self):
        response = self._post(
            f"/my/units/{self.unit.id}/complaint",
            {"category": "cleaning", "content": "楼道垃圾两天没清", "contact_phone": "13937865797"},
            files=[("photos", ("trash.png", _png(), "image/png"))],
        )
        complaint = self.Complaint.search([], order="id desc", limit=1)
        self.assertIn(f"/my/complaints/{complaint.id}", response.url)
        self.assertEqual(complaint.unit_id, self.unit)
        self.assertEqual(complaint.category, "cleaning")
        self.assertEqual(complaint.channel, "portal")
        self.assertEqual(len(complaint.message_ids.attachment_ids), 1)
        # Not resolved yet: no rating.
        response = self._post(f"/my/complaints/{complaint.id}/rate", {"satisfaction": "4"})
        self.assertIn("error=no_callback", response.url)
        complaint.department_id = self.env.ref("hanling_property.complaint_department_cs")
        complaint.action_assess()
        complaint.action_handle()
        complaint.write({"resolution_kind": "service", "resolution": "当天已清理"})
        complaint.action_resolve()
        page = self.url_open(f"/my/complaints/{complaint.id}")
        self.assertIn("o_hanling_rate_form", page.text)
        response = self._post(
            f"/my/complaints/{complaint.id}/rate", {"satisfaction": "4", "comment": "处理及时"}
        )
        self.assertIn("message=thanks", response.url)
        # 篇3 4.4: the rating is the resident's feedback; the customer-service staff still call
        # back and record the four points themselves.
        callback = complaint.callback_ids
        self.assertEqual(callback.resident_satisfaction, "4")
        self.assertEqual(callback.resident_comment, "处理及时")
        self.assertFalse(callback.opinion)
        self.assertEqual(complaint.callback_state, "planned")
        self.assertFalse(complaint.callback_satisfaction)
        page = self.url_open(f"/my/complaints/{complaint.id}")
        self.assertIn("o_hanling_resident_rating", page.text)
        self.assertNotIn("o_hanling_rate_form", page.text)

    def test_complaint_refusals(self):
        before = self.Complaint.search_count([])
        response = self._post(
            f"/my/units/{self.unit.id}/complaint",
            {"category": "nonsense", "content": "x", "contact_phone": "13937865797"},
        )
        self.assertIn("from the list", response.text)
        response = self._post(
            f"/my/units/{self.unit.id}/complaint",
            {"category": "other", "content": "x", "contact_phone": "13937865797"},
            files=[("photos", ("doc.pdf", b"%PDF-1.4 fake", "application/pdf"))],
        )
        self.assertIn("not a photo", response.text)
        self.assertEqual(self.Complaint.search_count([]), before)
        other = self.env.ref("hanling_property.complaint_2_demo")  # 1-102
        self.assertTrue(self.url_open(f"/my/complaints/{other.id}").url.endswith("/my"))
        response = self._post(f"/my/complaints/{other.id}/rate", {"satisfaction": "1"})
        self.assertTrue(response.url.endswith("/my"))
        own = self.env.ref("hanling_property.complaint_1_demo")
        listing = self.url_open("/my/complaints")
        self.assertIn(own.name, listing.text)
        self.assertNotIn(other.name, listing.text)

    def test_qr_code_opens_the_request_form(self):
        url = self.unit._hanling_portal_url()
        self.assertIn(f"/my/units/{self.unit.id}/request?key=", url)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "hanling_property.report_unit_qr", self.unit.building_id.ids
        )
        self.assertIn(f"/my/units/{self.unit.id}/request", html.decode())
        # Scanned by someone not logged in: the login page first, nothing shown.
        self.logout()
        response = self.url_open(f"/my/units/{self.unit.id}/request")
        self.assertIn("/web/login", response.url)

    def test_request_received_mail_sent_at_commit_of_the_request(self):
        self.resident.partner_id.email = "weina@example.com"
        self._request()
        order = self.Order.search([], order="id desc", limit=1)
        template = self.env.ref("hanling_property.mail_template_work_order_received")
        subject = template._render_field("subject", order.ids)[order.id]
        message = order.message_ids.filtered(lambda m: m.subject == subject)
        self.assertEqual(len(message), 1)
        self.assertIn(self.resident.partner_id, message.partner_ids)
        mails = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        self.assertEqual(mails.mapped("state"), ["outgoing"])
