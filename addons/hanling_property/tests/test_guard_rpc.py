"""The attacks of issue 14 on sales, callbacks and bookings, as a client sends them (JSON-RPC).

Each was accepted before the guard: a duty officer wrote a paid counter sale to ``refunded``
(no credit note, no money given back); callbacks and room bookings were cancelled by writing
their state.
"""

from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .common import HanlingCase

# What a client adds to the call to look like the server's own step.
CLIENT_CONTEXT = {
    "lang": "en_US",
    "hanling_transition": True,
    "hanling_archive_transition": True,
    "install_mode": True,
}


@tagged("post_install", "-at_install")
class TestGuardOverRpc(HttpCase, HanlingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["hanling.occupancy"].create({"unit_id": cls.unit.id, "partner_id": cls.owner.id})
        cls.sale = cls.env["hanling.counter.sale"].create(
            {
                "community_id": cls.community.id,
                "partner_id": cls.owner.id,
                "line_ids": [
                    (0, 0, {"service_id": cls.env.ref("hanling_property.service_paid_57").id})
                ],
            }
        )
        cls.sale.action_pay()
        cls.room = cls.env["hanling.room"].create(
            {"name": "棋牌室", "community_id": cls.community.id, "room_type": "chess"}
        )
        cls.booking = cls.env["hanling.room.booking"].create(
            {
                "room_id": cls.room.id,
                "purpose": "象棋比赛",
                "date_start": datetime(2026, 5, 1, 1, 0),
                "date_stop": datetime(2026, 5, 1, 3, 0),
            }
        )
        service = cls.env["hanling.service"].create(
            {"name": "测试 换锁", "fee_type": "free", "list_price": 0.0}
        )
        order = cls.env["hanling.work.order"].create(
            {"unit_id": cls.unit.id, "description": "漏水", "service_id": service.id}
        )
        cls.callback = order._schedule_callback(fields.Datetime.now() + timedelta(hours=24))

    def _call(self, login, record, method, *args):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": record._name,
                "method": method,
                "args": [record.ids, *args],
                "kwargs": {"context": CLIENT_CONTEXT},
            },
        )

    def test_paid_sale_not_written_to_refunded(self):
        for vals in ({"state": "refunded"}, {"state": "refunded", "refund_reason": "x"}):
            with self.assertRaisesRegex(JsonRpcException, "WorkflowGuardError"):
                self._call("t_duty", self.sale, "write", vals)
        self.sale.invalidate_recordset()
        self.assertEqual(self.sale.state, "paid")
        self.assertFalse(self.sale.sudo().refund_id)
        # The desk's own step still answers over RPC, with its reason.
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self._call("t_duty", self.sale, "action_refund")

    def test_callback_and_booking_not_cancelled_by_writing_the_state(self):
        for login, record in (("t_staff", self.callback), ("t_duty", self.booking)):
            with (
                self.subTest(model=record._name),
                self.assertRaisesRegex(JsonRpcException, "WorkflowGuardError"),
            ):
                self._call(login, record, "write", {"state": "cancel"})
            record.invalidate_recordset()
            self.assertNotEqual(record.state, "cancel")
        self._call("t_duty", self.booking, "action_cancel")
        self.booking.invalidate_recordset()
        self.assertEqual(self.booking.state, "cancel")
