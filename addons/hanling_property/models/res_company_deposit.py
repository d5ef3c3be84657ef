from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    _inherit = "res.company"

    hanling_deposit_account_id = fields.Many2one(
        "account.account",
        string="Decoration Deposit Account",
        check_company=True,
        help="Liability account on which decoration deposits are held until refunded.",
    )
    hanling_deposit_income_account_id = fields.Many2one(
        "account.account",
        string="Deposit Deduction Income Account",
        check_company=True,
        help="Income account crediting the amounts deducted from decoration deposits.",
    )
    hanling_deposit_journal_id = fields.Many2one(
        "account.journal",
        string="Deposit Deduction Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Miscellaneous journal of the entries moving deductions from the deposit to income.",
    )

    @api.model
    def _hanling_setup_deposit_accounting(self):
        """Find or create the deposit accounts and journal of every company with a chart."""
        for company in self.search([("chart_template", "!=", False)]):
            company._hanling_deposit_accounting()

    def _hanling_deposit_accounting(self):
        """Return (liability account, income account, journal), configuring missing ones."""
        self.ensure_one()
        company = self.sudo()  # sudo: configuration set-up, done once per company by any user
        Account = self.env["account.account"].sudo().with_company(company)
        domain = [("company_ids", "in", company.ids), ("deprecated", "=", False)]
        vals = {}
        if not company.hanling_deposit_account_id:
            account = Account.search(domain + [("name", "=", "Decoration Deposits Held")], limit=1)
            if not account:
                current = Account.search(
                    domain + [("account_type", "=", "liability_current")], order="code", limit=1
                )
                account = Account.create(
                    {
                        "name": "Decoration Deposits Held",
                        "code": Account._search_new_account_code(current.code or "224100"),
                        "account_type": "liability_current",
                        "company_ids": company.ids,
                    }
                )
            vals["hanling_deposit_account_id"] = account.id
        if not company.hanling_deposit_income_account_id:
            income = Account.search(
                domain + [("account_type", "=", "income_other")], order="code", limit=1
            ) or Account.search(domain + [("account_type", "=", "income")], order="code", limit=1)
            vals["hanling_deposit_income_account_id"] = income.id
        if not company.hanling_deposit_journal_id:
            excluded = (
                company.currency_exchange_journal_id | company.tax_cash_basis_journal_id
            ).ids
            # sudo: same configuration set-up as above (the deposit journal of the company).
            journal = (
                self.env["account.journal"]
                .sudo()
                .search(
                    [
                        ("company_id", "=", company.id),
                        ("type", "=", "general"),
                        ("id", "not in", excluded),
                    ],
                    limit=1,
                )
            )
            vals["hanling_deposit_journal_id"] = journal.id
        if vals:
            company.write(vals)
        return (
            company.hanling_deposit_account_id,
            company.hanling_deposit_income_account_id,
            company.hanling_deposit_journal_id,
        )

    def _hanling_check_deposit_accounting(self):
        account, income, journal = self._hanling_deposit_accounting()
        if not (account and income and journal):
            raise UserError(
                _(
                    "Configure the decoration deposit account, deduction income account and "
                    "journal of %(company)s in the accounting settings first.",
                    company=self.name,
                )
            )
        return account, income, journal
