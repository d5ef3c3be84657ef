"""What a client sends over JSON-RPC grants no right the manual reserves for a role.

Each attack below was accepted by the code before this change (verified against main 13f0b42):

- callback attempts: customer-service staff or the engineering supervisor created "reached"
  attempts, rewrote an "unreachable" one, or deleted it — the record of the call (篇3 4.4,
  篇2 二 六) 3) was the client's;
- a community activity's fee: the organiser wrote ``hanling_is_paid = False`` (confirmations
  were no longer invoiced) or changed the fee and the refund rule of an activity people had
  registered and paid for;
- a registration of a paid activity written ``state = "open"`` (or ``"done"``) by the desk:
  confirmed without its invoice, ahead of the waiting list;
- the monthly review (篇2 八, the customer-service supervisor's): the engineering supervisor
  saw its buttons; the refusal was the ORM's bare access error, not the manual's rule;
- duty log: the "Create Work Order / Errand / Goods Order" buttons showed to technicians, who
  record first-responder entries only (篇3 4.1.3);
- the arrival scan (篇2 一 四)): the unit's QR code was ``/my/units/<id>/request``: a technician
  "scanned" any door by sending that text from anywhere;
- a material's ``amount`` (stored, computed) written directly: the resident's invoice added the
  forged figure; a counter sale of a paid service at a price other than the published one.

(The review's and the duty log's buttons were found already absent from the views these roles
receive, which have no write access on the model; the buttons now carry the groups explicitly.)
"""

import json
from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from ..tools.workflow import EditLockError, WorkflowGuardError
from .work_order_common import WorkOrderCase

CLIENT_CONTEXT = {
    "lang": "en_US",
    "install_mode": True,
    "tracking_disable": True,
    "import_file": True,
    "hanling_archive_transition": True,
}


# The guard's refusal and the frozen terms', as the client receives them.
GUARDED = r"WorkflowGuardError: .* change through the document's buttons only"
LOCKED = r"EditLockError: .*can no longer be changed"


class RpcRefused(Exception):
    """The server refused a JSON-RPC call: ``<exception class>: <message>``."""


class RpcCase(HttpCase, WorkOrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for login, user in cls.users.items():
            user.write({"password": login})

    def _call(self, login, model, method, args, **kwargs):
        """``model.method(*args)`` as ``login`` over JSON-RPC, as the web client sends it; a
        refusal raises :class:`RpcRefused` with the server's exception name and message."""
        self.authenticate(login, login)
        payload = {
            "id": 0,
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": {"context": {**CLIENT_CONTEXT, **kwargs.pop("context", {})}, **kwargs},
            },
        }
        response = self.url_open(
            "/web/dataset/call_kw",
            json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        answer = response.json()
        if "error" in answer:
            data = answer["error"]["data"]
            raise RpcRefused(f"{data['name']}: {data['message']}")
        return answer.get("result")

    def _buttons(self, user, model, view_type="form"):
        arch = self.env[model].with_user(user).get_views([(False, view_type)])["views"][view_type]
        return {
            node.get("name")
            for node in etree.fromstring(arch["arch"]).iter("button")
            if node.get("type") == "object"
        }


@tagged("post_install", "-at_install")
class TestCallbackAttemptForgery(RpcCase):
    def setUp(self):
        super().setUp()
        order = self._order().with_env(self.env)
        self.callback = order._schedule_callback(fields.Datetime.now() + timedelta(hours=24))

    def test_attempts_are_the_callbacks_steps(self):
        """篇3 4.4 / 篇2 二 六) 3: who called, when and with what result is the record of the
        callback: made by its steps, never written by a client."""
        Attempt = self.env["hanling.callback.attempt"]
        for login in ("t_staff", "t_engsup", "t_manager"):
            with self.subTest(login=login):
                with self.assertRaisesRegex(RpcRefused, GUARDED):
                    self._call(
                        login,
                        Attempt._name,
                        "create",
                        [{"callback_id": self.callback.id, "result": "reached"}],
                    )
        self.assertFalse(self.callback.attempt_ids)
        # The step records the unreachable call.
        self.callback.with_user(self.engsup).action_unreachable()
        attempt = self.callback.attempt_ids
        self.assertEqual((attempt.result, attempt.user_id), ("unreachable", self.engsup))
        for vals in ({"result": "reached"}, {"user_id": self.cssup.id}, {"note": "接通了"}):
            with self.subTest(vals=vals):
                with self.assertRaisesRegex(RpcRefused, GUARDED):
                    self._call("t_engsup", Attempt._name, "write", [attempt.ids, vals])
        with self.assertRaisesRegex(RpcRefused, GUARDED):
            self._call("t_manager", Attempt._name, "unlink", [attempt.ids])
        # Through the callback's one2many: the same refusal.
        with self.assertRaisesRegex(RpcRefused, GUARDED):
            self._call(
                "t_engsup",
                "hanling.callback",
                "write",
                [self.callback.ids, {"attempt_ids": [(0, 0, {"result": "reached"})]}],
            )
        attempt.invalidate_recordset()
        self.assertEqual(self.callback.attempt_ids, attempt)
        self.assertEqual(attempt.result, "unreachable")

    def test_refusal_names_the_field(self):
        with self.assertRaisesRegex(
            WorkflowGuardError, "Result of Callback Attempt change through the document's buttons"
        ):
            self.env["hanling.callback.attempt"].with_user(self.engsup).create(
                {"callback_id": self.callback.id, "result": "reached"}
            )


@tagged("post_install", "-at_install")
class TestEventFeeForgery(RpcCase):
    def setUp(self):
        super().setUp()
        self.fee = self.env["hanling.service"].create(
            {"name": "测试 书画班", "fee_type": "paid", "list_price": 200.0}
        )
        self.cheap = self.env["hanling.service"].create(
            {"name": "测试 书画班(优惠)", "fee_type": "paid", "list_price": 1.0}
        )
        start = fields.Datetime.now() + timedelta(days=10)
        self.event = self.env["event.event"].create(
            {
                "name": "书画兴趣班",
                "hanling_community_id": self.community.id,
                "hanling_kind": "interest",
                "hanling_service_id": self.fee.id,
                "hanling_refund_days": 3,
                "date_begin": start,
                "date_end": start + timedelta(days=30),
            }
        )

    def test_paid_flag_is_the_fees(self):
        """A paid activity is invoiced at each confirmation: whether it is paid follows its fee,
        never a value the organiser writes."""
        with self.assertRaisesRegex(RpcRefused, GUARDED):
            self._call(
                "t_staff", "event.event", "write", [self.event.ids, {"hanling_is_paid": False}]
            )
        self.event.invalidate_recordset()
        self.assertTrue(self.event.hanling_is_paid)
        registration = self.env["event.registration"].create(
            {"event_id": self.event.id, "partner_id": self.owner.id, "name": self.owner.name}
        )
        self.assertEqual(registration.sudo().hanling_invoice_id.amount_total, 200.0)

    def test_fee_and_refund_rule_frozen_once_registered(self):
        """The published fee and refund rule are the registered participants' deal."""
        # Before anyone registered the organiser sets them freely.
        self._call("t_staff", "event.event", "write", [self.event.ids, {"hanling_refund_days": 5}])
        self.env["event.registration"].create(
            {"event_id": self.event.id, "partner_id": self.owner.id, "name": self.owner.name}
        )
        for vals in (
            {"hanling_service_id": self.cheap.id},
            {"hanling_service_id": False},
            {"hanling_refund_days": 0},
        ):
            with self.subTest(vals=vals):
                with self.assertRaisesRegex(RpcRefused, LOCKED):
                    self._call("t_staff", "event.event", "write", [self.event.ids, vals])
        with self.assertRaisesRegex(
            EditLockError, "has registered participants: .*can no longer be changed"
        ):
            self.event.with_user(self.users["t_staff"]).hanling_refund_days = 0
        self.event.invalidate_recordset()
        self.assertEqual(
            (self.event.hanling_service_id, self.event.hanling_refund_days), (self.fee, 5)
        )
        # Writing the same terms again (a form saving) is no change.
        self.event.with_user(self.users["t_staff"]).write(
            {"hanling_service_id": self.fee.id, "hanling_refund_days": 5, "name": "书画班"}
        )

    def test_registration_state_moves_through_the_buttons(self):
        """The desk moves a registration with its buttons: the invoice, the refund and the
        waiting list follow. A cancelled (refunded) one written back to "registered" or
        "attended" would take part for free: refused."""
        registration = self.env["event.registration"].create(
            {"event_id": self.event.id, "partner_id": self.owner.id, "name": self.owner.name}
        )
        self.assertEqual(registration.sudo().hanling_invoice_id.amount_total, 200.0)
        self._call("t_duty", "event.registration", "action_cancel", [registration.ids])
        registration.invalidate_recordset()
        self.assertEqual(registration.state, "cancel")
        self.assertTrue(registration.sudo().hanling_refund_id)
        for login in ("t_duty", "t_staff"):
            for state in ("open", "done"):
                with self.subTest(login=login, state=state):
                    with self.assertRaisesRegex(RpcRefused, GUARDED):
                        self._call(
                            login,
                            "event.registration",
                            "write",
                            [registration.ids, {"state": state}],
                        )
        registration.invalidate_recordset()
        self.assertEqual(registration.state, "cancel")


@tagged("post_install", "-at_install")
class TestReviewButtonsAreTheSupervisors(RpcCase):
    def test_engineering_supervisor_reads_the_review_only(self):
        """篇2 八 "客户主管每月初……统计、分析、评估……进行调整": the monthly review is the
        customer-service supervisor's; the engineering supervisor reads it."""
        review = self.env["hanling.work.order.review"].create(
            {"community_id": self.community.id, "date_from": "2027-04-01", "conclusion": "维持"}
        )
        steps = {"action_compute", "action_conclude", "action_reopen"}
        self.assertFalse(steps & self._buttons(self.engsup, review._name))
        self.assertEqual(steps & self._buttons(self.cssup, review._name), steps)
        for method in ("action_compute", "action_conclude"):
            with self.subTest(method=method):
                with self.assertRaisesRegex(
                    RpcRefused, "Only the customer-service supervisor counts, concludes"
                ):
                    self._call("t_engsup", review._name, method, [review.ids])
        self.assertEqual(review.state, "draft")
        review.with_user(self.cssup).action_conclude()
        with self.assertRaisesRegex(AccessError, "Only the customer-service supervisor"):
            review.with_user(self.engsup).action_reopen()
        self.assertEqual(review.state, "done")
        review.with_user(self.users["t_manager"]).action_reopen()
        self.assertEqual(review.state, "draft")


@tagged("post_install", "-at_install")
class TestDutyLogButtonsFollowTheRights(RpcCase):
    def test_technician_sees_no_conversion(self):
        """篇3 4.1.3 首问责任制: a technician records the request and follows it; the front desk
        turns it into a work order (or errand, complaint)."""
        creates = {"action_create_work_order", "action_create_complaint"}
        self.assertFalse(creates & self._buttons(self.tech, "hanling.duty.log"))
        self.assertFalse(
            {"action_refer", "action_close"} & self._buttons(self.tech, "hanling.duty.log")
        )
        self.assertEqual(creates & self._buttons(self.duty, "hanling.duty.log"), creates)
        entry = (
            self.env["hanling.duty.log"]
            .with_user(self.tech)
            .create({"unit_id": self.unit.id, "request": "楼道灯不亮", "kind": "repair"})
        )
        with self.assertRaisesRegex(RpcRefused, "records requests and follows them"):
            self._call("t_tech", entry._name, "action_create_work_order", [entry.ids])
        self.assertEqual(entry.state, "open")


@tagged("post_install", "-at_install")
class TestArrivalCodeIsNotGuessable(RpcCase):
    def test_guessed_code_is_refused(self):
        """篇2 一 四): the scan proves the technician stands at the door only if the code cannot
        be made up: the unit's number, sent from anywhere, is refused."""
        order = self._assign(self._order())
        guessed = [
            f"/my/units/{self.unit.id}/request",
            f"{self.unit.get_base_url()}/my/units/{self.unit.id}/request",
            f"/my/units/{self.unit.id}/request?key=",
            f"/my/units/{self.unit.id}/request?key=0000",
            # Another unit's real key on this unit's number.
            f"/my/units/{self.unit.id}/request?key={self.unit2.sudo().qr_token}",
        ]
        for code in guessed:
            with self.subTest(code=code):
                with self.assertRaisesRegex(RpcRefused, "not the QR code at the door of"):
                    self._call("t_tech", order._name, "action_arrive_scan", [order.ids, code])
        with self.assertRaisesRegex(UserError, r"not the QR code at the door of 1栋 3-301"):
            order.with_user(self.tech).action_arrive_scan(guessed[0])
        self.assertEqual(order.state, "assigned")
        self.assertFalse(order.arrival_method)
        # The printed code carries the unit's own key.
        code = self.unit._hanling_portal_url()
        self.assertIn(f"/my/units/{self.unit.id}/request?key=", code)
        self.assertGreaterEqual(len(self.unit.sudo().qr_token), 20)
        self.assertNotEqual(self.unit.sudo().qr_token, self.unit2.sudo().qr_token)
        self._call("t_tech", order._name, "action_arrive_scan", [order.ids, code])
        self.assertEqual((order.state, order.arrival_method), ("in_progress", "scan"))

    def test_technicians_never_see_or_set_the_key(self):
        """The key is printed on the unit's sheet by the unit register's keepers; the technician
        neither reads it, nor prints the sheet, nor chooses it."""
        with self.assertRaisesRegex(RpcRefused, r"AccessError: .*(qr_token|QR Code Key)"):
            self._call("t_tech", "hanling.unit", "read", [self.unit.ids, ["qr_token"]])
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.tech)._render_qweb_html(
                "hanling_property.report_unit_qr", self.building.ids
            )
        with self.assertRaisesRegex(RpcRefused, GUARDED):
            self._call("t_staff", "hanling.unit", "write", [self.unit.ids, {"qr_token": "abc"}])
        with self.assertRaisesRegex(RpcRefused, GUARDED):
            self._call(
                "t_staff",
                "hanling.unit",
                "create",
                [{"building_id": self.building.id, "floor": 4, "room": "401", "qr_token": "abc"}],
            )
        # The keepers renew a copied code: the old sheet proves nothing any more.
        old = self.unit._hanling_portal_url()
        self.unit.with_user(self.users["t_staff"]).action_hanling_renew_qr_token()
        self.assertNotEqual(self.unit._hanling_portal_url(), old)
        with self.assertRaisesRegex(AccessError, "renew the units' QR codes"):
            self.unit.with_user(self.tech).action_hanling_renew_qr_token()
        order = self._assign(self._order())
        with self.assertRaisesRegex(UserError, "not the QR code at the door"):
            order.with_user(self.tech).action_arrive_scan(old)


@tagged("post_install", "-at_install")
class TestAmountsAreTheServers(RpcCase):
    def test_material_amount_is_quantity_times_price(self):
        """篇2 二 二) 3: the materials bought for the resident are charged as bought: the amount
        is the quantity times the price, never a figure the technician writes."""
        order = self._assign(self._order())
        order = order.with_user(self.tech)
        self._arrive(order)
        order.write({"material_ids": [(0, 0, {"name": "阀芯", "quantity": 2, "price_unit": 15.0})]})
        material = order.material_ids
        self.assertEqual(material.amount, 30.0)
        with self.assertRaisesRegex(RpcRefused, GUARDED):
            self._call("t_tech", material._name, "write", [material.ids, {"amount": 9000.0}])
        with self.assertRaisesRegex(RpcRefused, GUARDED):
            self._call(
                "t_tech",
                material._name,
                "create",
                [
                    {
                        "order_id": order.id,
                        "name": "x",
                        "quantity": 1,
                        "price_unit": 1,
                        "amount": 900,
                    }
                ],
            )
        material.invalidate_recordset()
        self.assertEqual(material.amount, 30.0)
        self.assertEqual(order.amount_materials, 30.0)

    def test_counter_sale_charges_the_published_price(self):
        """篇1 一 (三) "收费项目公开……公布收费价格": a paid service is charged at its price."""
        sale = (
            self.env["hanling.counter.sale"]
            .with_user(self.duty)
            .create(
                {
                    "community_id": self.community.id,
                    "partner_id": self.owner.id,
                    "line_ids": [(0, 0, {"service_id": self.paid_service.id, "quantity": 2})],
                }
            )
        )
        line = sale.line_ids
        self.assertEqual(line.price_unit, 20.0)
        with self.assertRaisesRegex(RpcRefused, "charged at its published price"):
            self._call("t_duty", line._name, "write", [line.ids, {"price_unit": 0.01}])
        with self.assertRaisesRegex(RpcRefused, "charged at its published price"):
            self._call(
                "t_duty",
                sale._name,
                "write",
                [
                    sale.ids,
                    {"line_ids": [(0, 0, {"service_id": self.paid_service.id, "price_unit": 1})]},
                ],
            )
        line.invalidate_recordset()
        self.assertEqual(line.price_unit, 20.0)
        # A service the catalogue prices at 0 is priced at the counter.
        sale.with_user(self.duty).write(
            {"line_ids": [(0, 0, {"service_id": self.quoted_service.id, "price_unit": 35.0})]}
        )
        self.assertEqual(sale.line_ids[-1:].price_unit, 35.0)
