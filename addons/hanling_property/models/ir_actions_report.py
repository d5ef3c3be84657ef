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


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _get_rendering_context(self, report, docids, data):
        values = super()._get_rendering_context(report, docids, data)
        # Read by hanling_property.external_layout_letterhead: print the letterhead in the page
        # body where wkhtmltopdf would drop the header holding it.
        values["hanling_letterhead_in_body"] = not _wkhtmltopdf_prints_headers()
        return values
