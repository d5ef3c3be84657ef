from odoo import api, fields, models

from odoo.addons.hanling_property.tools.locking import lock_for_update

RECEIPT_SEQUENCE = "hanling.fee.receipt"


def _months_between(start, end):
    """(month start, month end, covered days, days of the month) of [start, end]."""
    month = start.replace(day=1)
    while month <= end:
        following = fields.Date.add(month, months=1)
        month_end = fields.Date.subtract(following, days=1)
        first, last = max(start, month), min(end, month_end)
        yield month, month_end, (last - first).days + 1, (month_end - month).days + 1
        month = following


class ResCompany(models.Model):
    _inherit = "res.company"

    hanling_fee_prepaid_account_id = fields.Many2one(
        "account.account",
        string="Prepaid Fees Account",
        check_company=True,
        help="Liability (预收账款) holding the fees residents pay ahead, until each bill is "
        "issued and the prepayment applied to it.",
    )
    hanling_fee_deferred_account_id = fields.Many2one(
        "account.account",
        string="Deferred Fee Revenue Account",
        check_company=True,
        help="Liability crediting quarterly and yearly fees billed in advance, released to "
        "income month by month.",
    )
    hanling_fee_journal_id = fields.Many2one(
        "account.journal",
        string="Fee Entries Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Miscellaneous journal of the prepayment applications and revenue releases.",
    )

    @api.model
    def _hanling_fees_install_accounting(self):
        """At installation and upgrade (data/fees_prepaid_data.xml): every company."""
        self.search([])._hanling_setup_fee_accounting()

    def _hanling_setup_accounting(self):
        super()._hanling_setup_accounting()
        self._hanling_setup_fee_accounting()

    def _hanling_setup_fee_accounting(self):
        """Find or create the prepaid and deferred accounts, the journal and the receipt
        sequence (gap-free) of these companies (with a chart of accounts)."""
        # The Chinese names where Chinese is installed (a database upgraded without it has none).
        chinese = bool(self.env["res.lang"]._lang_get("zh_CN"))
        for company in self.filtered("chart_template"):
            Account = self.env["account.account"].with_company(company)
            if chinese:
                Account = Account.with_context(lang="zh_CN")
            domain = [("company_ids", "in", company.ids), ("deprecated", "=", False)]
            vals = {}
            for field, name_zh, name_en, code, reconcile in (
                (
                    "hanling_fee_prepaid_account_id",
                    "预收账款",
                    "Fees Received in Advance",
                    "2203",
                    True,
                ),
                (
                    "hanling_fee_deferred_account_id",
                    "预收物业费（待确认收入）",
                    "Fee Revenue Billed in Advance",
                    "2204",
                    False,
                ),
            ):
                if company[field]:
                    continue
                account = Account.search(
                    domain + [("name", "=", name_zh if chinese else name_en)], limit=1
                )
                if not account:
                    account = Account.create(
                        {
                            "name": name_en,
                            "code": Account._search_new_account_code(code),
                            "account_type": "liability_current",
                            "reconcile": reconcile,
                            "company_ids": company.ids,
                        }
                    )
                    if chinese:
                        account.update_field_translations("name", {"zh_CN": name_zh})
                elif reconcile and not account.reconcile:
                    account.reconcile = True
                vals[field] = account.id
            if not company.hanling_fee_journal_id:
                excluded = (
                    company.currency_exchange_journal_id | company.tax_cash_basis_journal_id
                ).ids
                vals["hanling_fee_journal_id"] = (
                    self.env["account.journal"]
                    .search(
                        [
                            ("company_id", "=", company.id),
                            ("type", "=", "general"),
                            ("id", "not in", excluded),
                        ],
                        limit=1,
                    )
                    .id
                )
            if vals:
                company.write(vals)
            company._hanling_receipt_sequence()

    def _hanling_receipt_sequence(self):
        """The company's gap-free receipt sequence (收据 numbers), made when missing."""
        self.ensure_one()
        # sudo: the receipt sequence is the company's configuration (made here when missing);
        # nobody but the payment step draws from it.
        Sequence = self.env["ir.sequence"].sudo()
        sequence = Sequence.search(
            [("code", "=", RECEIPT_SEQUENCE), ("company_id", "=", self.id)], limit=1
        )
        if not sequence:
            sequence = Sequence.create(
                {
                    "name": self.env._("Fee Receipts of %(company)s", company=self.name),
                    "code": RECEIPT_SEQUENCE,
                    "implementation": "no_gap",
                    "prefix": "SJ%(year)s-",
                    "padding": 6,
                    "company_id": self.id,
                }
            )
        return sequence

    def _hanling_fee_accounting(self):
        """(prepaid account, deferred revenue account, journal) of the company."""
        self.ensure_one()
        if not (
            self.hanling_fee_prepaid_account_id
            and self.hanling_fee_deferred_account_id
            and self.hanling_fee_journal_id
        ):
            # sudo: the configuration is the company's, found or made like at installation.
            self.sudo()._hanling_setup_fee_accounting()
        return (
            self.hanling_fee_prepaid_account_id,
            self.hanling_fee_deferred_account_id,
            self.hanling_fee_journal_id,
        )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Fee lines billed ahead for more than a month credit the deferred revenue account; this
    # is the income account their months are released to.
    hanling_income_account_id = fields.Many2one(
        "account.account", string="Fee Income Account", copy=False, readonly=True
    )


class HanlingFeeRun(models.Model):
    _inherit = "hanling.fee.run"

    def _fee_invoice_vals(self, partner, community, segments):
        """A line billing more than one month credits the deferred revenue account: its
        revenue is released month by month (``hanling.fee.revenue``)."""
        vals = super()._fee_invoice_vals(partner, community, segments)
        _prepaid, deferred, _journal = self.company_id._hanling_fee_accounting()
        for command, segment in zip(vals["invoice_line_ids"], segments, strict=True):
            start, end = segment["period_start"], segment["period_end"]
            if (start.year, start.month) == (end.year, end.month):
                continue
            product = segment["fee_type"].product_id.with_company(self.company_id)
            income = (
                product.product_tmpl_id.get_product_accounts()["income"]
                or self.env["hanling.money.service"]
                ._sale_journal(self.company_id)
                .default_account_id
            )
            command[2].update(account_id=deferred.id, hanling_income_account_id=income.id)
        return vals

    def _issue(self, items):
        """Then each payer's open prepayment is applied to the bills just issued."""
        super()._issue(items)
        partners = self.env["res.partner"].union(*(partner for (partner, _c), _l in items))
        if not partners:
            return
        # Anything to apply: an open prepayment (预收) or bank credit of these payers.
        payers = self.env["hanling.fee.prepaid.application"]._credit_holders(
            self.company_id, partners.commercial_partner_id
        )
        if not payers:
            return
        # sudo: the run's own bill lines lead to the invoices just issued.
        invoices = (
            self.env["hanling.fee.bill.line"]
            .sudo()
            .search(
                [
                    ("run_id", "=", self.id),
                    ("partner_id", "child_of", payers.ids),
                    ("move_id", "!=", False),
                ]
            )
            .move_id
        )
        # Oldest bill first, older open ones too, with the receipt trail (fee_arrears_prepaid).
        self.env["hanling.fee.prepaid.application"]._apply(invoices)


class HanlingFeeRevenue(models.Model):
    """One month of a fee line billed ahead, released from deferred revenue to income.

    Made only by the monthly release step (``_release_until``): the database holds a line's
    month once (``invoice_line_month_unique``), so running the step again posts nothing twice.
    """

    _name = "hanling.fee.revenue"
    _description = "Fee Revenue Released"
    _order = "month desc, id"
    _check_company_auto = True

    invoice_line_id = fields.Many2one(
        "account.move.line",
        string="Invoice Line",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    invoice_id = fields.Many2one(related="invoice_line_id.move_id", string="Invoice")
    month = fields.Date(required=True, readonly=True, index=True)
    amount = fields.Monetary(readonly=True)
    move_id = fields.Many2one(
        "account.move", string="Release Entry", readonly=True, index=True, ondelete="restrict"
    )
    community_id = fields.Many2one("hanling.community", readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")

    _sql_constraints = [
        (
            "invoice_line_month_unique",
            "UNIQUE(invoice_line_id, month)",
            "This month of the fee line has already been released.",
        ),
    ]

    @api.model
    def _cron_release(self):
        """The monthly step (scheduled daily, idempotent): release every month up to today's."""
        for company in self.env["res.company"].search([("chart_template", "!=", False)]):
            self._release_until(fields.Date.context_today(self), company)

    @api.model
    def _schedule(self, line):
        """{month start: amount} of a deferred line: by month, prorated by covered days of
        each natural month, the last month taking the rounding."""
        currency = line.company_id.currency_id
        total = -line.balance
        months = list(_months_between(line.hanling_period_start, line.hanling_period_end))
        weight = sum(covered / days for _m, _e, covered, days in months)
        schedule, left = {}, total
        for index, (month, _end, covered, days) in enumerate(months):
            if index == len(months) - 1:
                amount = left
            else:
                amount = currency.round(total * covered / days / weight)
            schedule[month] = (amount, _end)
            left = currency.round(left - amount)
        return schedule

    @api.model
    def _release_until(self, day, company):
        """Release the deferred fee revenue of ``company`` for every month up to ``day``'s:
        one posted entry per community and month (debit deferred, credit income with the
        community's analytic account); months released before are left alone."""
        _prepaid, deferred, journal = company._hanling_fee_accounting()
        # sudo: the release reads the company's posted invoice lines and records its months;
        # nobody makes these records by hand (no create right).
        Revenue = self.sudo().with_company(company)
        Line = Revenue.env["account.move.line"]
        limit = day.replace(day=1)
        lines = Line.search(
            [
                ("company_id", "=", company.id),
                ("account_id", "=", deferred.id),
                ("parent_state", "=", "posted"),
                ("move_id.move_type", "=", "out_invoice"),
                ("hanling_period_start", "<=", day),
                ("hanling_income_account_id", "!=", False),
            ]
        )
        if not lines:
            return Revenue.browse()
        lock_for_update(Revenue.env["res.company"].browse(company.id))
        done = {
            (revenue.invoice_line_id.id, revenue.month)
            for revenue in Revenue.search([("invoice_line_id", "in", lines.ids)])
        }
        groups = {}
        for line in lines:
            for month, (amount, month_end) in self._schedule(line).items():
                if month > limit or (line.id, month) in done:
                    continue
                date = max(month_end, line.move_id.invoice_date or line.date)
                key = (line.hanling_community_id, month, date)
                groups.setdefault(key, []).append((line, amount))
        money = self.env["hanling.money.service"]
        made = Revenue.browse()
        for (community, month, date), items in sorted(
            groups.items(), key=lambda item: (item[0][1], item[0][0].id)
        ):
            label = self.env._("Fee revenue of %(month)s released", month=month.strftime("%Y-%m"))
            analytic = {str(community._hanling_analytic_account().id): 100} if community else False
            by_income = {}
            for line, amount in items:
                by_income[line.hanling_income_account_id] = (
                    by_income.get(line.hanling_income_account_id, 0.0) + amount
                )
            total = sum(by_income.values())
            entry_lines = [
                fields.Command.create({"name": label, "account_id": deferred.id, "debit": total})
            ] + [
                fields.Command.create(
                    {
                        "name": label,
                        "account_id": income.id,
                        "credit": amount,
                        "analytic_distribution": analytic,
                    }
                )
                for income, amount in by_income.items()
            ]
            entry = money._post_entries(
                [
                    {
                        "journal_id": journal.id,
                        "date": date,
                        "ref": label,
                        "hanling_community_id": community.id,
                        "line_ids": entry_lines,
                    }
                ],
                company=company,
            )
            made |= Revenue.create(
                [
                    {
                        "invoice_line_id": line.id,
                        "month": month,
                        "amount": amount,
                        "move_id": entry.id,
                        "community_id": community.id,
                        "company_id": company.id,
                    }
                    for line, amount in items
                ]
            )
        return made.with_env(self.env)
