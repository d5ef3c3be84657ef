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

from odoo.tests import Form, HttpCase, tagged
from odoo.tools.misc import formatLang

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
        "hanling_property.action_report_price_list": "_case_price_list",
        "hanling_property.action_report_unit_qr": "_case_unit_qr",
        "hanling_property.action_report_counter_receipt": "_case_counter_receipt",
        "hanling_property.action_report_duty_log": "_case_duty_log",
        "hanling_property.action_report_complaint": "_case_complaint",
        "hanling_property.action_report_nonconformity": "_case_nonconformity",
        "hanling_property.action_report_decoration_permit": "_case_decoration_permit",
        "hanling_property.action_report_specialist_suppliers": "_case_specialist_suppliers",
        "hanling_errands.action_report_errand_commission": "_case_errand_commission",
        "hanling_errands.action_report_errand_receipt": "_case_errand_receipt",
        "hanling_archive.action_report_archive_inspection": "_case_archive_inspection",
        "hanling_archive.action_report_archive_borrow": "_case_archive_borrow",
        "hanling_archive.action_report_archive_dossier": "_case_archive_dossier",
        "hanling_fees.action_report_unit_statement": "_case_unit_statement",
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            user.login: user
            for user in cls.env["res.users"].search(
                [("login", "in", ["duty", "staff", "cssup", "manager", "keeper", "tech"])]
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
        from odoo.addons.queue_job.job import Job

        run = self.env.ref("hanling_fees.fee_run_demo")
        if run.state == "draft":
            run.action_start()
        self.env.flush_all()
        for job in self.env["queue.job"].search(
            [("model_name", "=", "hanling.fee.run"), ("state", "=", "pending")]
        ):
            job = Job.load(self.env, job.uuid)
            job.set_started()
            job.perform()
            job.set_done()
            job.store()
        bill = self._one("hanling.fee.bill.line", [("move_id", "!=", False)], "fee bill")
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
