from odoo.tests import tagged

from .work_order_common import WorkOrderCase


@tagged("post_install", "-at_install")
class TestResidentNotifications(WorkOrderCase):
    """Each step the resident must know of sends a mail from its template, kept in the chatter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner.email = "wangwei@example.com"
        cls.env.company.email = "office@example.com"

    def _commit_hooks(self):
        # The mails are prepared at commit (pre-commit hook), as tracking is.
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _resident_messages(self, record, template_xmlid):
        template = self.env.ref(template_xmlid)
        subject = template._render_field("subject", record.ids)[record.id]
        return record.message_ids.filtered(
            lambda m: m.subject == subject and self.owner in m.partner_ids
        )

    def _assert_sent(self, record, template_xmlid, *texts):
        messages = self._resident_messages(record, template_xmlid)
        self.assertEqual(len(messages), 1, template_xmlid)
        self.assertEqual(messages.message_type, "comment")
        for text in (record.name, *texts):
            self.assertIn(text, messages.body)
        # Queued for the mail cron, not sent inside the transaction.
        mails = self.env["mail.mail"].sudo().search([("mail_message_id", "=", messages.id)])
        self.assertTrue(mails)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertIn(self.owner, mails.recipient_ids)
        return messages

    def test_work_order_mails_from_request_to_invoice(self):
        order = self._order()
        self._commit_hooks()
        self._assert_sent(
            order, "hanling_property.mail_template_work_order_received", order.description
        )
        self.assertIn(f"/my/work_orders/{order.id}?access_token=", order.message_ids[0].body)
        self._assign(order)
        self._commit_hooks()
        self._assert_sent(
            order, "hanling_property.mail_template_work_order_assigned", self.tech.name
        )
        visit = (
            self.env["hanling.work.order.visit"]
            .with_user(self.tech)
            .create({"order_id": order.id, "note": "敲门无人应答,已留言"})
        )
        self._commit_hooks()
        self._assert_sent(order, "hanling_property.mail_template_work_order_absent", visit.note)
        self._finish(order)
        self._commit_hooks()
        self._assert_sent(order, "hanling_property.mail_template_work_order_finished")
        self._accept(order)
        self._commit_hooks()
        self.assertTrue(order.invoice_id)
        self._assert_sent(
            order, "hanling_property.mail_template_work_order_invoiced", order.invoice_id.name
        )
        self._assert_sent(order, "hanling_property.mail_template_work_order_callback")

    def test_nothing_sent_without_email_or_on_rollback(self):
        self.owner.email = False
        order = self._order()
        self._commit_hooks()
        self.assertFalse(
            self._resident_messages(order, "hanling_property.mail_template_work_order_received")
        )
        self.owner.email = "wangwei@example.com"
        order = self._order()
        # A rolled-back transaction mails nobody: the pending mails are dropped with it.
        self.env.cr.precommit.clear()
        self._commit_hooks()
        self.assertFalse(
            self._resident_messages(order, "hanling_property.mail_template_work_order_received")
        )

    def test_templates_render_for_every_document(self):
        order = self._order(urgency="appointment", appointment_date="2026-03-02 02:00:00")
        complaint = self.env["hanling.complaint"].create(
            {"unit_id": self.unit.id, "content": "夜间施工噪音", "category": "neighbour"}
        )
        for xmlid, record in [
            ("hanling_property.mail_template_work_order_received", order),
            ("hanling_property.mail_template_work_order_assigned", order),
            ("hanling_property.mail_template_work_order_absent", order),
            ("hanling_property.mail_template_work_order_finished", order),
            ("hanling_property.mail_template_work_order_invoiced", order),
            ("hanling_property.mail_template_work_order_callback", order),
            ("hanling_property.mail_template_complaint_received", complaint),
            ("hanling_property.mail_template_complaint_escalated", complaint),
            ("hanling_property.mail_template_complaint_callback", complaint),
        ]:
            with self.subTest(template=xmlid):
                template = self.env.ref(xmlid)
                self.assertEqual(template.model, record._name)
                body = template._render_field("body_html", record.ids)[record.id]
                subject = template._render_field("subject", record.ids)[record.id]
                self.assertIn(record.name, subject)
                self.assertIn(self.owner.name, body)
                self.assertIn(record.access_url, body)
                recipients = template._generate_template_recipients(record.ids, {"partner_to"})
                self.assertEqual(recipients[record.id]["partner_ids"], self.owner.ids)
        # The appointment is shown in the resident's time: 10:00 in Shanghai.
        self.owner.tz = "Asia/Shanghai"
        body = self.env.ref("hanling_property.mail_template_work_order_assigned")._render_field(
            "body_html", order.ids
        )[order.id]
        self.assertIn("10:00", body)

    def test_complaint_mails(self):
        complaint = self.env["hanling.complaint"].create(
            {
                "unit_id": self.unit.id,
                "content": "电梯故障无人处理",
                "category": "facility",
                "escalation_note": "需管理处协调",
            }
        )
        self._commit_hooks()
        self._assert_sent(
            complaint, "hanling_property.mail_template_complaint_received", complaint.content
        )
        complaint.action_escalate()
        self._commit_hooks()
        self.assertEqual(complaint.escalation_level, "manager")
        self._assert_sent(complaint, "hanling_property.mail_template_complaint_escalated")
        department = self.env["hanling.complaint.department"].create(
            {"name": "测试部", "company_id": self.company.id}
        )
        complaint.department_id = department
        complaint.action_assess()
        complaint.action_handle()
        complaint.write({"resolution_kind": "service", "resolution": "已安排维保单位维修"})
        complaint.action_resolve()
        self._commit_hooks()
        self._assert_sent(
            complaint, "hanling_property.mail_template_complaint_callback", "已安排维保单位维修"
        )
