"""The office's letterhead on its forms (issue 18 item 3).

web.external_layout prints the logo, address and hotline in the page header; wkhtmltopdf prints
that header only when built "with patched qt". Debian's package is not: there the letterhead goes
into the page body, and the paper format's header space is given back to the page.
"""

from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

from odoo.addons.hanling_property.models import ir_actions_report

PRINTS_HEADERS = "odoo.addons.hanling_property.models.ir_actions_report._wkhtmltopdf_prints_headers"


@tagged("post_install", "-at_install")
class TestReportLetterhead(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({"street": "翰岭路 88 号", "city": "广州", "phone": "020-88886666"})
        cls.move_in = cls.env["hanling.move.in"].search([], limit=1)
        if not cls.move_in:
            unit = cls.env["hanling.unit"].search([], limit=1)
            partner = cls.env["res.partner"].create({"name": "信头测试业主"})
            cls.move_in = cls.env["hanling.move.in"].create(
                {"unit_id": unit.id, "partner_id": partner.id}
            )

    def _html(self, prints_headers):
        with patch(PRINTS_HEADERS, return_value=prints_headers):
            html, __ = self.env["ir.actions.report"]._render_qweb_html(
                "hanling_property.action_report_move_in_keys",
                self.move_in.ids,
                data={"report_type": "pdf"},
            )
        return html.decode()

    def _args(self, prints_headers):
        paperformat = self.env.ref("base.paperformat_euro")
        with patch(PRINTS_HEADERS, return_value=prints_headers):
            args = self.env["ir.actions.report"]._build_wkhtmltopdf_args(paperformat, False)
        return {
            args[i]: args[i + 1] for i in range(len(args) - 1) if args[i].startswith("--margin")
        }

    def test_letterhead_in_the_body_where_the_header_is_dropped(self):
        """Unpatched Qt: the letterhead (name, address, hotline) is in the page body."""
        html = self._html(prints_headers=False)
        body = html.split('class="article', 1)[1]
        self.assertIn("hanling_letterhead", body)
        for text in (self.company.name, "翰岭路 88 号", "020-88886666"):
            self.assertIn(text, body)

    def test_no_second_letterhead_where_the_header_prints(self):
        """Patched Qt prints the layout's header: the body holds no second letterhead."""
        self.assertNotIn("hanling_letterhead", self._html(prints_headers=True))

    def test_header_space_given_back_without_header(self):
        self.assertEqual(self._args(prints_headers=True)["--margin-top"], "52.0")
        margins = self._args(prints_headers=False)
        self.assertEqual(float(margins["--margin-top"]), 12)
        self.assertEqual(
            float(margins["--margin-bottom"]),
            ir_actions_report.MARGINS_WITHOUT_HEADER["--margin-bottom"],
        )
        self.assertEqual(margins["--margin-left"], self._args(prints_headers=True)["--margin-left"])
