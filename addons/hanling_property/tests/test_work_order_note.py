from odoo.exceptions import UserError
from odoo.tests import tagged

from .work_order_common import WorkOrderCase


@tagged("post_install", "-at_install")
class TestWorkOrderNoteSlip(WorkOrderCase):
    """篇2 二 一) 2: "如业户不在家应填写留言条给业户,请业户与管理处重新约定维修时间"."""

    def test_note_slip_prints_from_the_order_for_the_last_missed_visit(self):
        """篇2 二 一) 2: the technician prints the 留言条 of the visit from the work order."""
        self.company.phone = "0571-87654321"
        order = self._assign(self._order()).with_user(self.tech)
        with self.assertRaisesRegex(UserError, "Record the missed visit first"):
            order.action_print_note()
        Visit = self.env["hanling.work.order.visit"].with_user(self.tech)
        Visit.create({"order_id": order.id, "note": "第一次不在家"})
        last = Visit.create({"order_id": order.id, "note": "请致电管理处重新预约"})
        action = order.action_print_note()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_name"], "hanling_property.report_work_order_note")
        self.assertEqual(action["context"]["active_ids"], last.ids)
        # The slip, as the technician prints it (HTML in tests; the PDF is in test_reports_pdf).
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(self.tech)
            ._render_qweb_html("hanling_property.report_work_order_note", last.ids)
        )
        html = html.decode()
        for expected in (order.name, "0571-87654321", self.tech.name, "请致电管理处重新预约"):
            self.assertIn(expected, html)

    def test_note_slip_is_in_chinese(self):
        """篇2 二 一) 2: the slip the resident finds at the door reads in Chinese."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.tech.lang = "zh_CN"
        order = self._assign(self._order())
        visit = (
            self.env["hanling.work.order.visit"]
            .with_user(self.tech)
            .create({"order_id": order.id, "note": "不在家"})
        )
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(self.tech)
            .with_context(lang="zh_CN")
            ._render_qweb_html("hanling_property.report_work_order_note", visit.ids)
        )
        html = html.decode()
        for expected in ("留言条", "维修单号", "重新约定维修时间", "管理处电话"):
            self.assertIn(expected, html)
