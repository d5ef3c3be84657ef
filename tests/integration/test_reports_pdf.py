"""Every QWeb PDF report of our addons prints as a real PDF, in Chinese.

In test mode Odoo renders reports as HTML and never calls wkhtmltopdf, so a report that cannot
become a PDF (no wkhtmltopdf, no Chinese font, a stylesheet or an image the server does not
serve) passes every other test. Here each report is rendered as in production
(``force_report_rendering``) by the role that prints it, in zh_CN, and the PDF is read back
with pdftotext: the document's number, the resident, an amount where the form has one, and
its Chinese title (pdftotext returns no Chinese where no font had the glyphs).

The reports are taken from the registry (every ``qweb-pdf`` report of a ``hanling_*`` module),
so a new report fails here until it is given a case below. HttpCase: wkhtmltopdf loads the
report's stylesheets and images (QR codes) from the running test server, as in production.
Set HANLING_REPORT_PDF_DIR to keep the PDFs for a look.
"""

import os
import re
import subprocess
from datetime import timedelta

from odoo.tests import Form, HttpCase, tagged
from odoo.tools.misc import formatLang

from odoo.addons.hanling_property.tools.workflow import workflow_grant

# Qt (wkhtmltopdf) writes the PDF's text map from the font, first code point first: an ideograph
# whose glyph the font shares with a Kangxi or CJK radical (水 ⽔, 月 ⽉, 户 ⼾, 龙 ⻰) is read
# back as the radical. It prints right; only the extracted text differs, so either is accepted.
RADICALS = "[\u2e80-\u2fdf]"


def _squash(text):
    # pdftotext breaks lines and spaces table cells as the layout does; compare without blanks.
    return re.sub(r"\s+", "", text or "")


def _shows(text, expected):
    """Whether ``expected`` is in the extracted ``text`` (blanks aside, radicals accepted)."""
    pattern = "".join(
        f"(?:{re.escape(char)}|{RADICALS})" if "\u4e00" <= char <= "\u9fff" else re.escape(char)
        for char in _squash(expected)
    )
    return re.search(pattern, _squash(text)) is not None


@tagged("post_install", "-at_install")
class TestReportsPdf(HttpCase):
    # The report action of each case: a method building what to print and what must show.
    CASES = {
        "hanling_property.action_report_work_order": "_case_work_order",
        "hanling_property.action_report_work_order_note": "_case_work_order_note",
        "hanling_property.action_report_price_list": "_case_price_list",
        "hanling_property.action_report_unit_qr": "_case_unit_qr",
        "hanling_property.action_report_counter_receipt": "_case_counter_receipt",
        "hanling_property.action_report_duty_log": "_case_duty_log",
        "hanling_property.action_report_complaint": "_case_complaint",
        "hanling_property.action_report_nonconformity": "_case_nonconformity",
        "hanling_property.action_report_decoration_permit": "_case_decoration_permit",
        "hanling_property.action_report_specialist_suppliers": "_case_specialist_suppliers",
        "hanling_property.action_report_callback": "_case_callback",
        "hanling_property.action_report_prevention": "_case_prevention",
        "hanling_property.action_report_decoration_application": "_case_decoration_application",
        "hanling_property.action_report_decoration_workers": "_case_decoration_workers",
        "hanling_property.action_report_decoration_passes": "_case_decoration_passes",
        "hanling_property.action_report_decoration_completion": "_case_decoration_completion",
        "hanling_property.action_report_decoration_extension": "_case_decoration_extension",
        "hanling_property.action_report_decoration_hot_work": "_case_decoration_hot_work",
        "hanling_property.action_report_move_in_handover": "_case_move_in_handover",
        "hanling_property.action_report_move_in_keys": "_case_move_in_keys",
        "hanling_property.action_report_move_in_defects": "_case_move_in_defects",
        "hanling_property.action_report_occupancy_register": "_case_occupancy_register",
        "hanling_property.action_report_ownership_transfer": "_case_ownership_transfer",
        "hanling_errands.action_report_errand_commission": "_case_errand_commission",
        "hanling_errands.action_report_errand_receipt": "_case_errand_receipt",
        "hanling_archive.action_report_archive_inspection": "_case_archive_inspection",
        "hanling_archive.action_report_archive_borrow": "_case_archive_borrow",
        "hanling_archive.action_report_archive_dossier": "_case_archive_dossier",
        "hanling_fees.action_report_fee_receipt": "_case_fee_receipt",
        "hanling_fees.action_report_unit_statement": "_case_unit_statement",
    }

    # Cut-out stickers, not letters: the QR sheet carries no letterhead.
    WITHOUT_LETTERHEAD = {"hanling_property.action_report_unit_qr"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            user.login: user
            for user in cls.env["res.users"].search(
                [("login", "in", ["duty", "staff", "cssup", "engsup", "manager", "keeper", "tech"])]
            )
        }
        # The office reads Chinese: every form is printed by a user in zh_CN.
        cls.env["res.lang"]._activate_lang("zh_CN")
        for user in cls.users.values():
            user.lang = "zh_CN"

    def setUp(self):
        super().setUp()
        # One request before wkhtmltopdf sends its burst: the server reads every manifest on its
        # first request, and Python 3.11 may fail parsing them from parallel threads ("AST
        # constructor recursion depth mismatch"), losing a stylesheet or a QR code at random.
        self.assertEqual(self.url_open("/web/health").status_code, 200)

    # -- helpers -----------------------------------------------------------------------------

    def _user(self, login):
        self.assertIn(login, self.users, f"demo user {login} is missing")
        return self.users[login]

    def _one(self, model, domain, what):
        record = self.env[model].search(domain, limit=1)
        self.assertTrue(record, f"the test database has no {what} to print")
        return record

    def _amount(self, amount):
        return formatLang(self.env(context={"lang": "zh_CN"}), amount)

    def _pdf_reports(self):
        """Every qweb-pdf report action our addons define, by xml id."""
        data = self.env["ir.model.data"].search(
            [("model", "=", "ir.actions.report"), ("module", "=like", "hanling\\_%")]
        )
        reports = {
            f"{d.module}.{d.name}": self.env["ir.actions.report"].browse(d.res_id) for d in data
        }
        return {
            xmlid: report
            for xmlid, report in reports.items()
            if report.exists() and report.report_type == "qweb-pdf"
        }

    def _print(self, report, user, records):
        Report = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(lang="zh_CN", force_report_rendering=True)
        )
        content, kind = Report._render_qweb_pdf(report.id, records.ids)
        self.assertEqual(kind, "pdf", f"{report.name} did not render as PDF")
        self.assertTrue(content.startswith(b"%PDF-"), f"{report.name}: not a PDF")
        folder = os.environ.get("HANLING_REPORT_PDF_DIR")
        if folder:
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, f"{report.report_name}.pdf"), "wb") as out:
                out.write(content)
        return content

    def _letterhead(self, records):
        """The office's letterhead (issue 18 item 3): its name, the hotline and the address.

        Debian's wkhtmltopdf drops the layout's header: the letterhead must come out anyway."""
        company = records[:1].company_id if "company_id" in records else self.env.company
        company = company or self.env.company
        self.assertTrue(company.phone and company.street, "the demo office has no address/phone")
        return [company.name, company.phone, company.street]

    @staticmethod
    def _images(content):
        listing = subprocess.run(
            ["pdfimages", "-list", "-"], input=content, capture_output=True, check=True, timeout=60
        ).stdout.decode()
        # columns: page num type width height ...
        return [
            (int(line.split()[0]), int(line.split()[3]))
            for line in listing.splitlines()[2:]
            if line.strip()
        ]

    @staticmethod
    def _pdftotext(content):
        try:
            result = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", "-", "-"],
                input=content,
                capture_output=True,
                check=True,
                timeout=60,
            )
        except FileNotFoundError as error:
            raise AssertionError(
                "pdftotext is missing: install poppler-utils (scripts/setup.sh does)"
            ) from error
        return result.stdout.decode()

    # -- the cases: (user, records, texts that must show, Chinese title) -----------------------

    def _case_work_order(self):
        order = self._one(
            "hanling.work.order",
            [("material_ids.bought_for_resident", "=", True), ("partner_id", "!=", False)],
            "work order with materials bought for the resident",
        )
        material = order.material_ids.filtered("bought_for_resident")[:1]
        texts = [
            order.name,
            order.partner_id.name,
            material.name,
            self._amount(order.labour_price),
            self._amount(material.amount),
            self._amount(order.amount_estimated),
        ]
        return self._user("duty"), order, texts, "维修单"

    def _case_work_order_note(self):
        """留言条 (篇2 二 一) 2): left at the door, it asks the resident to call the office."""
        tech = self._user("tech")
        order = self.env["hanling.work.order"].search(
            [("state", "=", "assigned"), ("technician_id", "=", tech.id)], limit=1
        )
        if not order:
            engsup = self.env["res.users"].search([("login", "=", "engsup")])
            order = self._one(
                "hanling.work.order", [("state", "=", "draft")], "work order to assign"
            ).with_user(engsup)
            order.technician_id = tech
            order.action_assign()
        order.company_id.phone = "0571-87654321"
        visit = (
            self.env["hanling.work.order.visit"]
            .with_user(tech)
            .create({"order_id": order.id, "note": "上门无人,门上留言"})
        )
        texts = [order.name, "0571-87654321", tech.name, "上门无人,门上留言", "重新约定维修时间"]
        return tech, visit, texts, "留言条"

    def _case_price_list(self):
        services = self.env["hanling.service"].search([])
        priced = services.filtered(lambda s: s.fee_type == "paid" and s.list_price)[:1]
        self.assertTrue(priced, "the test database has no priced service")
        free = services.filtered(lambda s: s.fee_type == "free")[:1]
        texts = [priced.name, self._amount(priced.list_price), free.name]
        return self._user("staff"), services, texts, "收费项目公开"

    def _case_unit_qr(self):
        building = self._one("hanling.building", [("unit_ids", "!=", False)], "building")
        texts = [building.display_name, *building.unit_ids.mapped("label")]
        return self._user("staff"), building, texts, "扫码向管理处报修"

    def _case_counter_receipt(self):
        sale = self._one("hanling.counter.sale", [("state", "=", "paid")], "paid counter sale")
        texts = [sale.name, sale.partner_id.name, self._amount(sale.amount_total)]
        texts += sale.line_ids.mapped("name")
        return self._user("staff"), sale, texts, "收据"

    def _case_specialist_suppliers(self):
        """《专业供应商名单和维修服务项目一览表》(篇2 二 二 2): a row per supplier, its services, phone."""
        provider = self._one(
            "hanling.directory.provider",
            [("is_specialist_supplier", "=", True), ("vetted", "=", True)],
            "vetted specialist supplier",
        )
        service = self._one("hanling.service", [("fee_type", "=", "paid")], "paid service")
        provider.service_ids = [(4, service.id)]
        texts = [provider.name, service.name, provider.phone]
        return self._user("staff"), provider, texts, "专业供应商名单和维修服务项目一览表"

    def _case_duty_log(self):
        # A day's worth: the demo office may hold months of entries.
        entries = self.env["hanling.duty.log"].search([], limit=20)
        self.assertTrue(entries, "the test database has no duty log entry")
        texts = entries.mapped("name") + entries[:1].mapped("request")
        return self._user("duty"), entries, texts, "值班记录"

    def _case_complaint(self):
        complaint = self._one(
            "hanling.complaint",
            [("state", "=", "closed"), ("callback_ids.state", "=", "done")],
            "closed complaint with its callback",
        )
        texts = [complaint.name, complaint.partner_id.name, complaint.content]
        return self._user("cssup"), complaint, texts, "业户投诉记录表"

    def _case_nonconformity(self):
        # The demo holds none: the supervisor writes one on a complaint under way.
        cssup = self._user("cssup")
        complaint = self._one(
            "hanling.complaint",
            [("state", "in", ("assessing", "handling")), ("partner_id", "!=", False)],
            "complaint under way",
        ).with_user(cssup)
        action = complaint.action_create_nonconformity()
        report = self.env["hanling.nonconformity"].with_user(cssup).browse(action["res_id"])
        report.write(
            {
                "cause": "维修工未按规程关闭水阀",
                "corrective_action": "重新培训维修规程",
                "loss_amount": 1280.5,
            }
        )
        texts = [
            report.name,
            complaint.partner_id.name,
            "维修工未按规程关闭水阀",
            self._amount(1280.5),
        ]
        return cssup, report, texts, "不合格品/服务记录处理单"

    def _case_decoration_permit(self):
        permit = self._one(
            "hanling.decoration.permit",
            [("permit_number", "!=", False)],
            "issued decoration permit",
        )
        texts = [permit.permit_number, permit.partner_id.name, permit.scope]
        return self._user("staff"), permit, texts, "装修许可证"

    # -- the forms staff print and residents sign (issue 15 item 17) --------------------------

    def _case_callback(self):
        """《回访工作记录表》 of a repair: the engineering supervisor's call within 24 hours of the
        end of the repair (篇2 三 3)."""
        order = self._one(
            "hanling.work.order", [("partner_id", "!=", False)], "work order of a resident"
        )
        callback = self.env["hanling.callback"].search(
            [("res_model", "=", "hanling.work.order"), ("res_id", "=", order.id)], limit=1
        )
        if not callback:
            with workflow_grant("hanling.callback"):
                callback = self.env["hanling.callback"].create(
                    {
                        "res_model": order._name,
                        "res_id": order.id,
                        "partner_id": order.partner_id.id,
                        "unit_id": order.unit_id.id,
                        "user_id": self._user("engsup").id,
                        "date_due": order.date_finished or order.create_date,
                    }
                )
        callback.comment = "师傅准时上门,维修很细致"
        texts = [order.name, order.partner_id.name, "师傅准时上门,维修很细致", "维修回访"]
        return self._user("engsup"), callback, texts, "回访工作记录表"

    def _case_prevention(self):
        """《纠正/预防措施报告》 after a closed nonconformity report (篇3 4.5.1)."""
        cssup, manager = self._user("cssup"), self._user("manager")
        complaint = self._one(
            "hanling.complaint",
            [("state", "in", ("assessing", "handling")), ("partner_id", "!=", False)],
            "complaint under way",
        ).with_user(cssup)
        action = complaint.action_create_nonconformity()
        nonconformity = self.env["hanling.nonconformity"].browse(action["res_id"])
        nonconformity.write({"cause": "夜班人员不足", "corrective_action": "增派夜班保安"})
        with workflow_grant("hanling.nonconformity"):  # set-up: a report closed earlier
            nonconformity.write({"state": "done"})
        report = (
            self.env["hanling.prevention.report"]
            .with_user(manager)
            .create(
                {
                    "nonconformity_id": nonconformity.id,
                    "analysis": "高峰期人手不足导致响应慢",
                    "preventive_measures": "每月复核排班",
                    "owner_id": cssup.id,
                }
            )
        )
        texts = [report.name, complaint.partner_id.name, "高峰期人手不足导致响应慢", "每月复核排班"]
        return manager, report, texts, "纠正/预防措施报告"

    def _decoration_permit_with_workers(self):
        return self._one(
            "hanling.decoration.permit",
            [("permit_number", "!=", False), ("worker_ids.pass_number", "!=", False)],
            "issued decoration permit with worker passes",
        )

    def _case_decoration_application(self):
        permit = self._decoration_permit_with_workers()
        texts = [permit.name, permit.partner_id.name, permit.scope, permit.contractor_id.name]
        return self._user("staff"), permit, texts, "装修申请表"

    def _case_decoration_workers(self):
        permit = self._decoration_permit_with_workers()
        worker = permit.worker_ids.filtered("pass_number")[:1]
        texts = [permit.name, permit.partner_id.name, worker.name, worker.pass_number]
        return self._user("staff"), permit, texts, "装修工人情况登记表"

    def _case_decoration_passes(self):
        permit = self._decoration_permit_with_workers()
        workers = permit.worker_ids.filtered("pass_number")
        texts = [permit.permit_number, *workers.mapped("name"), *workers.mapped("pass_number")]
        return self._user("staff"), permit, texts, "装修工人临时出入证"

    def _case_decoration_completion(self):
        permit = self._decoration_permit_with_workers()
        texts = [permit.name, permit.partner_id.name, permit.permit_number]
        texts += permit.violation_ids.mapped("description")
        return self._user("staff"), permit, texts, "装修竣工申请表"

    def _case_decoration_extension(self):
        staff = self._user("staff")
        permit = self._decoration_permit_with_workers()
        extension = (
            self.env["hanling.decoration.extension"]
            .with_user(staff)
            .create(
                {
                    "permit_id": permit.id,
                    "date_end_new": permit.date_end_effective + timedelta(days=10),
                    "reason": "瓷砖到货延误",
                }
            )
        )
        texts = [permit.name, permit.partner_id.name, "瓷砖到货延误"]
        return staff, extension, texts, "装修延期申请表"

    def _case_decoration_hot_work(self):
        hot_work = self._one(
            "hanling.decoration.hot.work", [("operator", "!=", False)], "hot-work application"
        )
        texts = [hot_work.permit_id.name, hot_work.permit_id.partner_id.name, hot_work.operator]
        texts.append(hot_work.location)
        return self._user("staff"), hot_work, texts, "动用明火申请表"

    def _case_move_in_handover(self):
        move_in = self._one(
            "hanling.move.in", [("state", "=", "done"), ("key_ids", "!=", False)], "move-in done"
        )
        texts = [move_in.name, move_in.partner_id.name, move_in.unit_id.display_name]
        return self._user("staff"), move_in, texts, "房屋交接确认表"

    def _case_move_in_keys(self):
        move_in = self._one("hanling.move.in", [("key_ids", "!=", False)], "move-in with keys")
        total = sum(move_in.key_ids.mapped("quantity"))
        texts = [move_in.name, move_in.partner_id.name, str(total)]
        return self._user("staff"), move_in, texts, "签领钥匙登记表"

    def _case_move_in_defects(self):
        move_in = self._one(
            "hanling.move.in", [("defect_ids", "!=", False)], "move-in with outstanding items"
        )
        texts = [move_in.name, move_in.partner_id.name, *move_in.defect_ids.mapped("description")]
        return self._user("staff"), move_in, texts, "遗留项目整改记录表"

    def _case_occupancy_register(self):
        occupancy = self._one(
            "hanling.occupancy", [("role", "=", "owner"), ("date_end", "=", False)], "owner"
        )
        texts = [occupancy.unit_id.display_name, occupancy.partner_id.name, "身份证"]
        return self._user("staff"), occupancy, texts, "业主/住户情况登记表"

    def _case_ownership_transfer(self):
        transfer = self._one(
            "hanling.ownership.transfer", [("document_line_ids", "!=", False)], "ownership transfer"
        )
        texts = [transfer.name, transfer.partner_id.name, transfer.unit_id.display_name]
        texts += transfer.document_line_ids.type_id.with_context(lang="zh_CN").mapped("name")
        return self._user("staff"), transfer, texts, "过户资料确认表"

    def _case_errand_commission(self):
        errand = self._one(
            "hanling.errand", [("estimated_amount", ">", 0)], "errand with an estimated cost"
        )
        texts = [
            errand.name,
            errand.partner_id.name,
            errand.description,
            self._amount(errand.estimated_amount),
        ]
        return self._user("staff"), errand, texts, "业户服务委托单"

    def _case_errand_receipt(self):
        # The receipt is printed when the prepayment is registered (the prepayment form).
        staff = self._user("staff")
        errand = self._one(
            "hanling.errand",
            [
                ("state", "=", "confirmed"),
                ("involves_purchase", "=", True),
                ("estimated_amount", ">", 0),
            ],
            "confirmed errand with a purchase",
        ).with_user(staff)
        action = errand.action_register_prepayment()
        wizard = Form(
            self.env[action["res_model"]].with_user(staff).with_context(action["context"])
        )
        printed = wizard.save().action_confirm()
        self.assertEqual(printed["report_name"], "hanling_errands.report_errand_receipt")
        self.assertTrue(errand.receipt_number)
        amount = errand.amount_prepaid
        texts = [
            errand.receipt_number,
            errand.name,
            errand.partner_id.name,
            self._amount(amount),
            errand._amount_in_chinese(amount),
        ]
        return staff, errand, texts, "预付款收据"

    def _case_fee_receipt(self):
        # The front desk takes a unit's fees at the counter (and a prepayment): the payment
        # step numbers the 收据 and prints it.
        staff = self._user("staff")
        subscription = self._one(
            "hanling.fee.subscription", [("date_end", "=", False)], "current fee subscription"
        )
        wizard = Form(self.env["hanling.fee.counter.payment"].with_user(staff))
        wizard.unit_id = subscription.unit_id
        wizard.amount_prepaid = 1234.5
        printed = wizard.save().action_pay()
        self.assertEqual(printed["report_name"], "hanling_fees.report_fee_receipt")
        receipt = self.env["hanling.fee.receipt"].browse(printed["context"]["active_ids"])
        texts = [
            receipt.name,
            receipt.partner_id.name,
            self._amount(receipt.amount_total),
            receipt.amount_words,
            "大写",
        ]
        return staff, receipt.with_user(staff), texts, "收据"

    def _case_archive_inspection(self):
        # The customer-service supervisor starts the planned inspection: the server draws the
        # dossiers to check, which the record then lists.
        cssup = self._user("cssup")
        inspection = self._one(
            "hanling.archive.inspection", [("state", "=", "planned")], "planned archive inspection"
        ).with_user(cssup)
        inspection.action_start()
        self.assertTrue(inspection.line_ids, "the inspection drew no dossier")
        texts = [inspection.name, inspection.community_id.name]
        texts += inspection.line_ids.dossier_id.mapped("display_name")
        return cssup, inspection, texts, "质量检查记录"

    def _case_archive_borrow(self):
        borrows = self.env["hanling.archive.borrow"].search([], limit=20)
        self.assertTrue(borrows, "the test database has no borrowing request")
        texts = borrows.mapped("name") + borrows.mapped("purpose")
        return self._user("keeper"), borrows, texts, "文件借阅登记表"

    def _case_archive_dossier(self):
        # Archive data prints only under a print request the office manager approved (篇5 4.2.8):
        # customer-service staff register it, the manager approves, the staff member prints.
        staff, manager = self._user("staff"), self._user("manager")
        dossier = self._one(
            "hanling.archive.dossier", [("document_ids", "!=", False)], "dossier with documents"
        )
        borrow = (
            self.env["hanling.archive.borrow"]
            .with_user(staff)
            .create(
                {
                    "borrower_type": "internal",
                    "borrower_user_id": self._user("tech").id,
                    "department": "工程部",
                    "dossier_ids": [(6, 0, dossier.ids)],
                    "purpose": "维修前核对房屋资料",
                    "mode": "print",
                    "companion_id": staff.id,
                }
            )
        )
        borrow.with_user(manager).approval_note = "同意打印"  # written approval, 篇5 4.2.8
        borrow.with_user(manager).action_approve()
        self.assertEqual(borrow.state, "approved")
        texts = [dossier.label, dossier.unit_id.display_name, dossier.document_ids[0].name]
        return staff, dossier, texts, "档案目录"

    def _case_unit_statement(self):
        """对账单 (issue 16 item 7): the demo month billed, one invoice paid; the desk prints it."""
        run = self.env.ref("hanling_fees.fee_run_demo")
        if run.state == "draft":
            run.action_start()
        self.env["hanling.fee.run"]._perform_pending_jobs()
        # An open bill: the receipt case's prepayment has paid its payer's bills already.
        bill = self._one(
            "hanling.fee.bill.line",
            [("move_id", "!=", False), ("move_id.payment_state", "=", "not_paid")],
            "open fee bill",
        )
        Money = self.env["hanling.money.service"]
        Money._register_payments(bill.move_id, Money._payment_journal(bill.company_id))
        unit = bill.unit_id
        residents = unit.occupancy_ids.filtered("is_current").partner_id
        texts = [unit.display_name, *residents.mapped("name"), self._amount(bill.amount)]
        texts.append(bill.move_id.name)
        return self._user("duty"), unit, texts, "对账单"

    # -- the tests ---------------------------------------------------------------------------

    def test_every_pdf_report_has_a_case(self):
        reports = self._pdf_reports()
        self.assertGreaterEqual(len(reports), len(self.CASES))
        missing = sorted(set(reports) - set(self.CASES))
        self.assertFalse(missing, f"PDF reports without a print test here: {missing}")
        gone = sorted(set(self.CASES) - set(reports))
        self.assertFalse(gone, f"cases for reports that no longer exist: {gone}")

    def test_every_pdf_report_prints_in_chinese(self):
        state = self.env["ir.actions.report"].get_wkhtmltopdf_state()
        self.assertEqual(state, "ok", "wkhtmltopdf is missing or unusable (scripts/setup.sh)")
        failures = []
        printed = 0
        for xmlid, report in sorted(self._pdf_reports().items()):
            if xmlid not in self.CASES:
                failures.append(f"{xmlid}: no case")
                continue
            # One report's failure must not hide the others': each in its own savepoint.
            try:
                with self.env.cr.savepoint():
                    user, records, texts, title = getattr(self, self.CASES[xmlid])()
                    text = self._pdftotext(self._print(report, user, records))
            except Exception as error:  # reported below, with the report's name
                failures.append(f"{xmlid}: {type(error).__name__}: {error}")
                continue
            if xmlid not in self.WITHOUT_LETTERHEAD:
                texts = [*texts, *self._letterhead(records)]
            absent = [t for t in [title, *texts] if t and not _shows(text, t)]
            if absent:
                failures.append(f"{xmlid}: missing {absent}")
            printed += 1
        self.assertFalse(failures, "\n".join(failures))
        self.assertEqual(printed, len(self.CASES))

    def test_work_order_prints_three_copies(self):
        """The three copies share the number, one page each: 业户联, 财务联, 存根联 (篇2 二 七))."""
        user, order, texts, __ = self._case_work_order()
        report = self.env.ref("hanling_property.action_report_work_order")
        text = self._pdftotext(self._print(report, user, order))
        pages = [page for page in text.split("\f") if page.strip()]
        self.assertEqual(len(pages), 3, "each copy must fit on one page")
        for page, label in zip(pages, ("业户联", "财务联", "存根联"), strict=True):
            for expected in (label, "维修单", order.name, self._amount(order.amount_estimated)):
                self.assertTrue(_shows(page, expected), f"{expected} missing from: {page}")

    def test_unit_qr_sheet_holds_a_code_per_unit(self):
        """wkhtmltopdf fetches each QR code from the server (/report/barcode): none may be lost."""
        user, building, __, __ = self._case_unit_qr()
        report = self.env.ref("hanling_property.action_report_unit_qr")
        content = self._print(report, user, building)
        listing = subprocess.run(
            ["pdfimages", "-list", "-"], input=content, capture_output=True, check=True, timeout=60
        ).stdout.decode()
        # A code that failed to load still leaves an image: the 16-pixel "broken image" icon.
        widths = [int(line.split()[3]) for line in listing.splitlines()[2:] if line.strip()]
        self.assertEqual(len(widths), len(building.unit_ids))
        self.assertTrue(all(width >= 100 for width in widths), f"QR codes missing: {widths}")

    def test_forms_carry_the_office_logo(self):
        """The letterhead's logo prints on the first page of every document (issue 18 item 3),
        also where wkhtmltopdf ignores the layout's header (Debian's build, unpatched Qt)."""
        company = self.env.company
        self.assertTrue(company.logo, "the demo office has no logo")
        user, move_in, __, __ = self._case_move_in_keys()
        report = self.env.ref("hanling_property.action_report_move_in_keys")
        images = self._images(self._print(report, user, move_in))
        self.assertTrue(
            any(page == 1 and width >= 300 for page, width in images), f"no logo: {images}"
        )

    def test_complaint_callback_records_the_four_points(self):
        """《回访工作记录表》 of a complaint holds the four points of the callback (篇3 4.4.1-4.4.4)."""
        callback = self._one(
            "hanling.callback",
            [("res_model", "=", "hanling.complaint"), ("state", "=", "done")],
            "complaint callback done",
        )
        complaint = callback._get_document()
        report = self.env.ref("hanling_property.action_report_callback")
        text = self._pdftotext(self._print(report, self._user("cssup"), callback))
        expected = [
            "回访工作记录表",
            "投诉回访",
            complaint.name,
            complaint.partner_id.name,
            "征询业户对投诉处理的意见",
            "征询业户对于类似问题的预防措施意见",
            "社区服务改革和服务完善的建议",
            "对于管理处物业管理服务的客观评价",
        ]
        expected += [v for v in (callback.opinion, callback.prevention_suggestion) if v]
        absent = [t for t in expected if not _shows(text, t)]
        self.assertFalse(absent, f"missing {absent} from: {text}")
