from datetime import datetime, timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .decoration_common import DecorationCase

DECORATION_CODES = {
    "decoration_application",
    "contractor_licence",
    "decoration_drawings",
    "decoration_permit",
    "decoration_agreement",
    "decoration_undertaking",
    "worker_register",
    "completion_application",
    "extension_application",
    "hot_work_application",
    "worker_passes",
    "violation_record",
}


@tagged("post_install", "-at_install")
class TestDecorationPermitFlow(DecorationCase):
    def test_application_through_form(self):
        staff = self.users["t_staff"]
        self.env["hanling.occupancy"].create({"unit_id": self.unit.id, "partner_id": self.owner.id})
        with Form(self.env["hanling.decoration.permit"].with_user(staff)) as form:
            form.unit_id = self.unit
            # The applicant is proposed from the unit's current owner, with their phone.
            self.assertEqual(form.partner_id, self.owner)
            self.assertEqual(form.contact_phone, "13812345678")
            form.contractor_id = self.contractor
            form.contractor_phone = "13912345678"
            form.scope = "全屋翻新"
            form.date_planned_start = self.today
            form.date_planned_end = self.today + timedelta(days=30)
            form.deposit_amount = 3000
        permit = form.record
        self.assertTrue(permit.name.startswith("ZXSQ"))
        self.assertEqual(permit.state, "draft")
        self.assertEqual(permit.received_by_id, staff)
        self.assertEqual(permit.channel, "visit")
        self.assertEqual(set(permit.document_line_ids.mapped("code")), DECORATION_CODES)
        required = permit.document_line_ids.filtered("required").mapped("code")
        self.assertEqual(
            set(required),
            {
                "decoration_application",
                "contractor_licence",
                "decoration_drawings",
                "decoration_agreement",
                "decoration_undertaking",
            },
        )
        self.assertEqual(permit.date_end_effective, self.today + timedelta(days=30))

    def test_full_flow_with_deduction_and_refund(self):
        permit = self.make_permit(user=self.users["t_staff"])
        self.receive(permit.document_line_ids)
        permit.action_submit()
        self.assertEqual(permit.state, "submitted")
        self.assertTrue(permit.date_submitted)
        self.assertTrue(permit.activity_ids)
        self.pay_deposit(permit)
        self.assertEqual(permit.deposit_received, 2000.0)
        self.assertEqual(permit.deposit_held, 2000.0)

        permit.with_user(self.users["t_cssup"]).action_approve()
        self.assertEqual(permit.state, "approved")
        self.assertTrue(permit.permit_number.startswith("ZXXK"))
        self.assertEqual(permit.approver_id, self.users["t_cssup"])
        permit_line = permit.document_line_ids.filtered(
            lambda line: line.code == "decoration_permit"
        )
        self.assertTrue(permit_line.received)

        staff_permit = permit.with_user(self.users["t_staff"])
        staff_permit.action_start()
        self.assertEqual(permit.state, "in_progress")
        worker = (
            self.env["hanling.decoration.worker"]
            .with_user(self.users["t_staff"])
            .create(
                {
                    "permit_id": permit.id,
                    "name": "张三",
                    "trade": "electrician",
                    "pass_number": "L-001",
                }
            )
        )
        worker.action_issue_pass()
        self.assertEqual(permit.passes_out_count, 1)
        self.env["hanling.decoration.violation"].with_user(self.users["t_tech"]).create(
            [
                {"permit_id": permit.id, "description": "中午施工噪音", "amount": 200},
                {"permit_id": permit.id, "description": "垃圾堆放楼道", "amount": 100},
            ]
        )
        self.assertEqual(permit.violation_amount_pending, 300.0)
        staff_permit.action_request_completion()
        self.assertEqual(permit.state, "completion_requested")
        permit.with_user(self.users["t_engsup"]).action_complete()
        self.assertEqual(permit.state, "completed")

        # Close with an unreturned pass is refused, directly and through the settlement.
        with self.assertRaisesRegex(UserError, "passes have not been returned"):
            permit.with_user(self.users["t_cssup"]).action_settle_deposit()
        with self.assertRaisesRegex(UserError, "passes have not been returned"):
            self.settle(permit)
        self.assertEqual(permit.deposit_held, 2000.0)
        worker.action_return_pass()
        self.assertEqual(worker.date_pass_returned, self.today)

        wizard = self.settle(permit)
        self.assertEqual(wizard.amount, 1700.0)
        self.assertEqual(permit.state, "closed")
        self.assertTrue(permit.date_closed)
        self.assertEqual(permit.deposit_received, 2000.0)
        self.assertEqual(permit.deposit_deducted, 300.0)
        self.assertEqual(permit.deposit_refunded, 1700.0)
        self.assertEqual(permit.deposit_held, 0.0)
        self.assertTrue(all(permit.violation_ids.mapped("is_deducted")))
        self.assertEqual(len(permit.deposit_move_ids), 3)

    def test_approve_refusals(self):
        cssup = self.users["t_cssup"]
        permit = self.make_permit(user=self.users["t_staff"])
        with self.assertRaises(UserError):
            permit.with_user(cssup).action_approve()  # still a draft
        permit.action_submit()
        # Without documents: the missing ones are named.
        with self.assertRaisesRegex(UserError, "Decoration Drawings"):
            permit.with_user(cssup).action_approve()
        self.receive(
            permit.document_line_ids,
            codes={
                "decoration_application",
                "contractor_licence",
                "decoration_agreement",
                "decoration_undertaking",
            },
        )
        with self.assertRaisesRegex(UserError, "Decoration Drawings"):
            permit.with_user(cssup).action_approve()
        self.receive(permit.document_line_ids, codes={"decoration_drawings"})
        # Without the deposit.
        with self.assertRaisesRegex(UserError, "deposit"):
            permit.with_user(cssup).action_approve()
        self.pay_deposit(permit, amount=1500)
        with self.assertRaisesRegex(UserError, "deposit"):
            permit.with_user(cssup).action_approve()
        self.pay_deposit(permit)  # the remaining 500 is proposed
        self.assertEqual(permit.deposit_received, 2000.0)
        # Customer-service staff cannot issue the permit.
        with self.assertRaises(AccessError):
            permit.with_user(self.users["t_staff"]).action_approve()
        permit.with_user(cssup).action_approve()
        self.assertEqual(permit.state, "approved")
        with self.assertRaises(UserError):
            permit.with_user(cssup).action_approve()

    def test_reject_with_reasons_and_reopen(self):
        permit = self.make_permit(user=self.users["t_staff"])
        permit.action_submit()
        manager = self.users["t_engsup"]
        with self.assertRaisesRegex(UserError, "reasons"):
            permit.with_user(manager).action_reject()
        permit.rejection_reason = "拆改承重墙,不予批准"
        with self.assertRaises(AccessError):
            permit.with_user(self.users["t_staff"]).action_reject()
        permit.with_user(manager).action_reject()
        self.assertEqual(permit.state, "rejected")
        self.assertTrue(permit.date_rejected)
        self.assertFalse(permit.activity_ids)
        permit.action_draft()
        self.assertEqual(permit.state, "draft")

    def test_wrong_transitions(self):
        permit = self.make_permit()
        with self.assertRaises(UserError):
            permit.action_start()
        with self.assertRaises(UserError):
            permit.action_request_completion()
        with self.assertRaises(UserError):
            permit.action_complete()
        with self.assertRaises(UserError):
            permit.action_close()
        with self.assertRaises(UserError):
            permit.action_draft()
        permit.action_submit()
        with self.assertRaises(UserError):
            permit.action_submit()

    def test_inspection_failed_goes_back_to_works(self):
        permit = self.approved_permit()
        permit.action_start()
        permit.action_request_completion()
        engsup = self.users["t_engsup"]
        with self.assertRaisesRegex(UserError, "findings"):
            permit.with_user(engsup).action_inspection_failed()
        permit.inspection_note = "卫生间防水未做闭水试验"
        permit.with_user(engsup).action_inspection_failed()
        self.assertEqual(permit.state, "in_progress")
        self.assertFalse(permit.date_completion_requested)

    def test_close_without_deposit(self):
        permit = self.completed_permit(deposit=0.0)
        permit.with_user(self.users["t_staff"]).action_close()
        self.assertEqual(permit.state, "closed")

    def test_close_refused_while_deposit_held(self):
        permit = self.completed_permit()
        with self.assertRaisesRegex(UserError, "settle the deposit"):
            permit.action_close()

    def test_dates_and_phone_validated(self):
        with self.assertRaises(ValidationError):
            self.make_permit(date_planned_end=self.today - timedelta(days=1))
        with self.assertRaises(ValidationError):
            self.make_permit(contractor_phone="12345")
        self.assertEqual(self.make_permit().contractor_phone, "13912345678")

    def test_delete_only_drafts_without_deposit(self):
        permit = self.make_permit()
        permit.action_submit()
        self.pay_deposit(permit)
        with self.assertRaises(UserError):
            permit.unlink()
        draft = self.make_permit()
        draft.unlink()
        self.assertFalse(draft.exists())

    # ------------------------------------------------------------------ workers and passes

    def test_worker_passes(self):
        permit = self.make_permit()
        worker = self.env["hanling.decoration.worker"].create(
            {"permit_id": permit.id, "name": "李四"}
        )
        with self.assertRaisesRegex(UserError, "valid"):
            worker.action_issue_pass()
        permit = self.approved_permit()
        worker.permit_id = permit
        with self.assertRaisesRegex(UserError, "number"):
            worker.action_issue_pass()
        with self.assertRaises(UserError):
            worker.action_return_pass()
        worker.pass_number = "L-007"
        worker.action_issue_pass()
        self.assertEqual((worker.pass_state, worker.date_pass_issued), ("issued", self.today))
        with self.assertRaises(UserError):
            worker.action_issue_pass()
        worker.action_lost_pass()
        self.assertEqual(worker.pass_state, "lost")
        self.assertEqual(permit.passes_out_count, 0)
        with self.assertRaises(ValidationError):
            worker.phone = "999"

    # ------------------------------------------------------------------ extensions

    def test_extension_requests(self):
        permit = self.approved_permit()
        planned_end = permit.date_planned_end
        Extension = self.env["hanling.decoration.extension"].with_user(self.users["t_staff"])
        with self.assertRaises(ValidationError):
            Extension.create({"permit_id": permit.id, "date_end_new": planned_end, "reason": "x"})
        first = Extension.create(
            {
                "permit_id": permit.id,
                "date_end_new": planned_end + timedelta(days=15),
                "reason": "材料延误",
            }
        )
        second = Extension.create(
            {
                "permit_id": permit.id,
                "date_end_new": planned_end + timedelta(days=40),
                "reason": "业主出差",
            }
        )
        with self.assertRaises(AccessError):
            first.action_approve()
        first.with_user(self.users["t_cssup"]).action_approve()
        self.assertEqual(permit.date_end_effective, planned_end + timedelta(days=15))
        second.with_user(self.users["t_cssup"]).action_refuse()
        self.assertEqual(permit.date_end_effective, planned_end + timedelta(days=15))
        with self.assertRaisesRegex(UserError, "already been decided"):
            second.with_user(self.users["t_cssup"]).action_approve()

    # ------------------------------------------------------------------ hot work

    def test_hot_work_approved_one_by_one(self):
        permit = self.approved_permit()
        HotWork = self.env["hanling.decoration.hot.work"].with_user(self.users["t_staff"])
        start = datetime.now().replace(microsecond=0)
        vals = {
            "permit_id": permit.id,
            "location": "阳台",
            "operator": "王焊工",
            "date_from": start,
            "date_to": start + timedelta(hours=2),
        }
        with self.assertRaises(ValidationError):
            HotWork.create({**vals, "date_to": start})
        first, second = HotWork.create([vals, {**vals, "extinguisher_ready": True}])
        engsup = self.users["t_engsup"]
        with self.assertRaisesRegex(UserError, "one by one"):
            (first | second).with_user(engsup).action_approve()
        with self.assertRaisesRegex(UserError, "extinguisher"):
            first.with_user(engsup).action_approve()
        with self.assertRaises(AccessError):
            second.action_approve()
        second.with_user(engsup).action_approve()
        self.assertEqual((second.state, second.approver_id), ("approved", engsup))
        # A pending request blocks the closing of the permit.
        permit.action_start()
        permit.action_request_completion()
        permit.with_user(engsup).action_complete()
        with self.assertRaisesRegex(UserError, "hot-work"):
            permit.with_user(self.users["t_cssup"]).action_settle_deposit()
        with self.assertRaisesRegex(UserError, "valid"):
            first.with_user(engsup).action_approve()
        first.with_user(engsup).action_refuse()
        self.settle(permit)
        self.assertEqual(permit.state, "closed")

    # ------------------------------------------------------------------ printed permit

    def test_printed_permit(self):
        permit = self.approved_permit()
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "hanling_property.action_report_decoration_permit", permit.ids
        )
        html = html.decode()
        self.assertIn(permit.permit_number, html)
        self.assertIn("美家装饰工程有限公司", html)
        self.assertIn("厨房、卫生间改造", html)

    # ------------------------------------------------------------------ archive hook

    def test_documents_to_file(self):
        permit = self.approved_permit()
        filed = {
            code: (att, set_name) for code, att, set_name in permit._hanling_documents_to_file()
        }
        self.assertEqual(
            set(filed),
            {
                "decoration_application",
                "contractor_licence",
                "decoration_drawings",
                "decoration_agreement",
                "decoration_undertaking",
                "decoration_permit",
            },
        )
        self.assertFalse(filed["decoration_permit"][0])  # ticked at approval, no scan
        self.assertEqual(filed["decoration_drawings"][1], "decoration")
        self.assertEqual(filed["decoration_drawings"][0].raw, b"%PDF-1.4 scanned document")
