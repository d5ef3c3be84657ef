import functools
import subprocess

from odoo import api, models

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin


@functools.cache
def _wkhtmltopdf_prints_headers():
    """Whether wkhtmltopdf honours ``--header-html`` (only builds "with patched qt" do).

    Debian's package is built on the distribution's Qt: it warns and prints the page without
    the layout's header and footer, so the office's letterhead would be lost.
    """
    try:
        version = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"], capture_output=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return b"patched qt" in version.lower()


# Page margins (mm) where wkhtmltopdf prints no header or footer: the space the paper format keeps
# for them (52 mm on top of Odoo's A4) would stay blank.
MARGINS_WITHOUT_HEADER = {"--margin-top": 12, "--margin-bottom": 14}


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _build_wkhtmltopdf_args(
        self, paperformat_id, landscape, specific_paperformat_args=None, set_viewport_size=False
    ):
        args = super()._build_wkhtmltopdf_args(
            paperformat_id,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        if _wkhtmltopdf_prints_headers():
            return args
        for index, arg in enumerate(args[:-1]):
            if arg in MARGINS_WITHOUT_HEADER:
                margin = MARGINS_WITHOUT_HEADER[arg]
                try:
                    args[index + 1] = str(min(float(args[index + 1]), margin))
                except ValueError:
                    args[index + 1] = str(margin)
        return args

    def _get_rendering_context(self, report, docids, data):
        values = super()._get_rendering_context(report, docids, data)
        # Read by hanling_property.external_layout_letterhead: print the letterhead in the page
        # body where wkhtmltopdf would drop the header holding it.
        values["hanling_letterhead_in_body"] = not _wkhtmltopdf_prints_headers()
        return values
