import base64
from datetime import timedelta

from odoo import fields

from .common import HanlingCase

# A 1×1 PNG: what the signature widget stores.
SIGNATURE = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4"
        "890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
    )
)


class WorkOrderCase(HanlingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["hanling.occupancy"].create({"unit_id": cls.unit.id, "partner_id": cls.owner.id})
        Service = cls.env["hanling.service"]
        cls.paid_service = Service.create(
            {"name": "测试 更换水龙头", "fee_type": "paid", "list_price": 20.0}
        )
        cls.quoted_service = Service.create(
            {"name": "测试 疏通下水管道", "fee_type": "paid", "list_price": 0.0}
        )
        cls.free_service = Service.create({"name": "测试 义务检查煤气管道", "fee_type": "free"})
        cls.duty = cls.users["t_duty"]
        cls.tech = cls.users["t_tech"]
        cls.tech2 = cls.users["t_tech2"]
        cls.engsup = cls.users["t_engsup"]
        cls.cssup = cls.users["t_cssup"]

    def _order(self, user=None, **vals):
        return (
            self.env["hanling.work.order"]
            .with_user(user or self.duty)
            .create(
                {
                    "unit_id": self.unit.id,
                    "description": "厨房水龙头漏水",
                    "service_id": self.paid_service.id,
                    **vals,
                }
            )
        )

    def _assign(self, order, technician=None):
        order = order.with_user(self.engsup)
        order.technician_id = technician or self.tech
        order.action_assign()
        return order

    def _finish(self, order, materials=None):
        order = order.with_user(order.technician_id)
        self._arrive(order)
        order.write(
            {
                "inspection_note": "阀芯老化",
                "material_ids": [fields.Command.create(m) for m in (materials or [])],
            }
        )
        order.action_finish()
        return order

    def _arrive(self, order):
        """The technician scans the unit's QR code at the door (篇2 一 四))."""
        order = order.with_user(order.technician_id)
        order.action_arrive_scan(order.unit_id._hanling_portal_url())
        return order

    def _accept(self, order):
        order = order.with_user(order.technician_id)
        order.write(
            {
                "resident_signature": SIGNATURE,
                "resident_signed_by": "王伟",
                "resident_opinion": "已修好,满意",
            }
        )
        order.action_accept()
        return order

    def _callback_done(self, order, satisfaction="5"):
        callback = order.sudo().callback_ids.with_user(self.engsup)
        callback.write({"satisfaction": satisfaction, "comment": "很好"})
        callback.action_done()
        return callback

    def _ago(self, **delta):
        return fields.Datetime.now() - timedelta(**delta)
