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

    # ------------------------------------------------------------------ configuration

    @api.model
    def _hanling_install_accounting(self):
        """Configure every company: at installation (data/decoration_data.xml) and upgrade."""
        self.search([])._hanling_setup_accounting()

    def _hanling_setup_accounting(self):
        """Accounting configuration of these companies: run at installation, at the upgrade
        and when a chart of accounts is loaded (a new company), never from a getter."""
        self._hanling_setup_deposit_accounting()
        communities = (
            self.env["hanling.community"]
            .with_context(active_test=False)
            .search([("company_id", "in", self.ids), ("analytic_account_id", "=", False)])
        )
        self.env["hanling.money.service"]._create_community_analytic_accounts(communities)

    def _hanling_setup_deposit_accounting(self):
        """Find or create the deposit accounts and journal of these companies (with a chart).

        An existing database may already hold the liability account the earlier versions made
        at the first deposit: it is found (by its record id or its name) and kept, never
        duplicated.
        """
        for company in self.filtered("chart_template"):
            Account = self.env["account.account"].with_company(company).with_context(lang="en_US")
            domain = [("company_ids", "in", company.ids), ("deprecated", "=", False)]
            vals = {}
            xmlid = f"hanling_property.{company.id}_deposit_account"
            held_name = _deposit_account_name(self.env(context={"lang": "en_US"}))
            account = company.hanling_deposit_account_id
            if not account:
                account = self.env.ref(xmlid, raise_if_not_found=False) or Account.search(
                    domain + [("name", "=", held_name)], limit=1
                )
            if not account:
                current = Account.search(
                    domain + [("account_type", "=", "liability_current")], order="code", limit=1
                )
                account = Account.create(
                    {
                        "name": held_name,
                        "code": Account._search_new_account_code(current.code or "224100"),
                        "account_type": "liability_current",
                        "company_ids": company.ids,
                    }
                )
            if account.with_context(lang="en_US").name == held_name:
                self._hanling_register_deposit_account(account, xmlid)
            if not company.hanling_deposit_account_id:
                vals["hanling_deposit_account_id"] = account.id
            if not company.hanling_deposit_income_account_id:
                income = Account.search(
                    domain + [("account_type", "=", "income_other")], order="code", limit=1
                ) or Account.search(
                    domain + [("account_type", "=", "income")], order="code", limit=1
                )
                vals["hanling_deposit_income_account_id"] = income.id
            if not company.hanling_deposit_journal_id:
                excluded = (
                    company.currency_exchange_journal_id | company.tax_cash_basis_journal_id
                ).ids
                journal = self.env["account.journal"].search(
                    [
                        ("company_id", "=", company.id),
                        ("type", "=", "general"),
                        ("id", "not in", excluded),
                    ],
                    limit=1,
                )
                vals["hanling_deposit_journal_id"] = journal.id
            if vals:
                company.write(vals)

    @api.model
    def _hanling_register_deposit_account(self, account, xmlid):
        """Our liability account: a record id (so that languages installed later translate it
        from this addon's translations) and its name in the installed languages."""
        module, name = xmlid.split(".")
        if not self.env.ref(xmlid, raise_if_not_found=False):
            self.env["ir.model.data"].create(
                {
                    "module": module,
                    "name": name,
                    "model": account._name,
                    "res_id": account.id,
                    "noupdate": True,
                }
            )
        translations = {}
        for lang, _label in self.env["res.lang"].get_installed():
            if lang != "en_US":
                translated = _deposit_account_name(self.env(context={"lang": lang}))
                if translated != _deposit_account_name(self.env(context={"lang": "en_US"})):
                    translations[lang] = translated
        if translations:
            account.update_field_translations("name", translations)

    # ------------------------------------------------------------------ getter

    def _hanling_deposit_accounting(self):
        """Return (liability account, deduction income account, deduction journal)."""
        self.ensure_one()
        account = self.hanling_deposit_account_id
        income = self.hanling_deposit_income_account_id
        journal = self.hanling_deposit_journal_id
        if not (account and income and journal):
            raise UserError(
                _(
                    "Configure the decoration deposit account, deduction income account and "
                    "journal of %(company)s in the accounting settings first.",
                    company=self.name,
                )
            )
        return account, income, journal


def _deposit_account_name(env):
    """The name of the liability account holding decoration deposits, in ``env``'s language."""
    return env._("Decoration Deposits Held")
