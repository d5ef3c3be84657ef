from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        """A chart loaded for a company (a new one, or another localisation): its deposit
        accounts and journal, and the analytic accounts of its communities."""
        super()._post_load_data(template_code, company, template_data)
        (company or self.env.company)._hanling_setup_accounting()
