from odoo import models


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _get_rendering_context(self, report, docids, data):
        # Every QWeb rendering (HTML preview, PDF, text) of a report passes here with the
        # records to print: archive data is printed only under an approved borrow request for
        # printing (篇5 4.2.8), and each print is logged.
        Model = self.env[report.model]
        if isinstance(Model, self.pool["hanling.archive.confidential.mixin"]) and docids:
            records = Model.browse(docids)
            borrow = records._archive_check_release("print")
            records._archive_log("print", borrow)
        return super()._get_rendering_context(report, docids, data)
