"""The money service (models/money_service.py): the only code that makes accounting records.

A scan of the addons' source shows that nothing else creates, posts, reverses or reconciles
``account.move`` / ``account.payment``; the behaviour tests drive the service with real
accounting records as a user without accounting rights and check what the journal holds.
"""

import ast
import os
import re
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.hanling_property.models.money_service import HanlingMoneyService

from .work_order_common import WorkOrderCase

ADDONS = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
SERVICE = os.path.join("hanling_property", "models", "money_service.py")
MONEY_MODELS = {
    "account.move",
    "account.move.line",
    "account.payment",
    "account.payment.register",
    "account.bank.statement.line",
    "account.partial.reconcile",
    "account.full.reconcile",
}
# Methods that make, post, reverse or reconcile accounting records.
MONEY_METHODS = {
    "_post",
    "action_post",
    "_reverse_moves",
    "reconcile",
    "_create_payments",
    "action_create_payments",
    "action_register_payment",
    "js_assign_outstanding_line",
}
MAKING = {"create", "new", "copy", "_load_records", "write"}


def _chain(node):
    """The names and subscripts along ``a.b["x"].c(...).d``, innermost last."""
    parts = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            parts.append(("attr", node.attr))
            node = node.value
        elif isinstance(node, ast.Subscript):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                parts.append(("key", key.value))
            node = node.value
        else:
            return parts


def money_sites(source, filename):
    """(line, what) of every call in ``source`` that makes or moves accounting records."""
    sites = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method = node.func.attr
        receiver = node.func.value
        if method in MONEY_METHODS:
            # super()._post() in an override of account.move is the account module's own code.
            is_super = (
                isinstance(receiver, ast.Call)
                and isinstance(receiver.func, ast.Name)
                and receiver.func.id == "super"
            )
            if not is_super:
                sites.append((node.lineno, method))
            continue
        if method in MAKING:
            models = [value for kind, value in _chain(receiver) if kind == "key"]
            if set(models) & MONEY_MODELS:
                sites.append((node.lineno, f"{models[-1]}.{method}"))
    for number, line in enumerate(source.splitlines(), 1):
        if "account.payment.register" in line:
            sites.append((number, "account.payment.register"))
    return sites


def addon_sources():
    for addon in sorted(name for name in os.listdir(ADDONS) if name.startswith("hanling_")):
        for root, dirs, files in os.walk(os.path.join(ADDONS, addon)):
            dirs[:] = [d for d in dirs if d not in ("tests", "static", "i18n")]
            for name in files:
                if name.endswith(".py"):
                    path = os.path.join(root, name)
                    with open(path, encoding="utf-8") as handle:
                        yield os.path.relpath(path, ADDONS), handle.read()


@tagged("post_install", "-at_install")
class TestMoneyServiceIsTheOnlyWay(TransactionCase):
    def test_no_other_code_makes_accounting_records(self):
        found, outside = [], []
        for path, source in addon_sources():
            sites = money_sites(source, path)
            if path == SERVICE:
                found = sites
            else:
                outside += [f"{path}:{line} {what}" for line, what in sites]
        # The scan recognises the calls: it finds them in the service itself.
        kinds = {what for _line, what in found}
        for expected in (
            "account.move.create",
            "account.payment.create",
            "_post",
            "action_post",
            "_reverse_moves",
            "reconcile",
            "_create_payments",
            "account.payment.register",
        ):
            self.assertIn(expected, kinds)
        self.assertEqual(outside, [], "only the money service makes accounting records")

    def test_scan_catches_the_ways_of_making_money(self):
        sample = (
            "inv = self.env['account.move'].sudo().with_company(c).create(vals)\n"
            "inv.action_post()\n"
            "pay = env['account.payment'].create({})\n"
            "self.env['account.payment.register'].with_context(a=1).create({})._create_payments()\n"
            "refund = inv._reverse_moves()\n"
            "lines.reconcile()\n"
            "moves._post(soft=False)\n"
            "super()._post(soft=soft)\n"
        )
        lines = sorted({line for line, _what in money_sites(sample, "sample.py")})
        self.assertEqual(lines, [1, 2, 3, 4, 5, 6, 7])

    def test_one_sudo_and_no_public_method(self):
        with open(os.path.join(ADDONS, SERVICE), encoding="utf-8") as handle:
            source = handle.read()
        self.assertEqual(len(re.findall(r"\.sudo\(", source)), 1, "one privilege boundary")
        public = [
            name
            for name, value in vars(HanlingMoneyService).items()
            if callable(value) and not name.startswith("_")
        ]
        # Private methods cannot be called over RPC: a client never reaches the sudo().
        self.assertEqual(public, [])


@tagged("post_install", "-at_install")
class TestMoneyService(WorkOrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.money = cls.env["hanling.money.service"].with_user(cls.duty)
        Journal = cls.env["account.journal"]
        cls.cash = Journal.search([("company_id", "=", cls.company.id), ("type", "=", "cash")])[:1]
        cls.bank = Journal.search([("company_id", "=", cls.company.id), ("type", "=", "bank")])[:1]
        cls.sale = Journal.search([("company_id", "=", cls.company.id), ("type", "=", "sale")])[:1]
        cls.other = cls.env["res.partner"].create({"name": "李娜"})
        cls.product = cls.paid_service.product_id
        cls.receivable = cls.owner.property_account_receivable_id

    def _invoice_vals(self, partner, amount, move_type="out_invoice"):
        return {
            "move_type": move_type,
            "partner_id": partner.id,
            "company_id": self.company.id,
            "hanling_community_id": self.community.id,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": self.product.id,
                        "quantity": 1.0,
                        "price_unit": amount,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }

    def _payment_vals(self, payment_type, amount, journal=None):
        return {
            "payment_type": payment_type,
            "partner_type": "customer",
            "partner_id": self.owner.id,
            "amount": amount,
            "journal_id": (journal or self.cash).id,
            "company_id": self.company.id,
        }

    def _receivable_lines(self, *records):
        lines = self.env["account.move.line"]
        for record in records:
            moves = record.sudo().move_id if record._name == "account.payment" else record.sudo()
            lines |= moves.line_ids.filtered(lambda line: line.account_id == self.receivable)
        return lines

    # ------------------------------------------------------------------ invoices

    def test_invoices_in_one_batch_posted_for_a_user_without_accounting_rights(self):
        Move = self.env.registry["account.move"]
        original = Move.create
        calls = []

        def counting(records, vals_list):
            calls.append(len(vals_list) if isinstance(vals_list, list) else 1)
            return original(records, vals_list)

        with patch.object(Move, "create", counting):
            invoices = self.money._create_invoices(
                [self._invoice_vals(self.owner, 80.0), self._invoice_vals(self.other, 35.5)]
            )
        self.assertEqual(calls, [2], "one create for the batch")
        # Back with the caller's rights, who cannot read them.
        self.assertEqual(invoices.env.uid, self.duty.id)
        self.assertFalse(invoices.env.su)
        with self.assertRaises(AccessError):
            invoices.read(["amount_total"])
        invoices = invoices.sudo()
        self.assertEqual(invoices.mapped("state"), ["posted", "posted"])
        self.assertEqual(invoices.partner_id, self.owner | self.other)
        self.assertEqual(invoices.mapped("amount_total"), [80.0, 35.5])
        self.assertEqual(invoices.mapped("amount_residual"), [80.0, 35.5])
        self.assertEqual(invoices.journal_id, self.sale)
        self.assertEqual(invoices.create_uid, self.duty)
        self.assertTrue(all(name.startswith(self.sale.code) for name in invoices.mapped("name")))
        # Income lines carry the community's analytic account.
        income = invoices.invoice_line_ids
        account = self.community.analytic_account_id
        self.assertTrue(account)
        self.assertEqual(income.mapped("analytic_distribution"), [{str(account.id): 100}] * 2)

    def _fee_vals(self, partner, product, amounts, balances=True):
        """A bill as the billing run builds it: dated, due, its lines' balances given."""
        vals = self._invoice_vals(partner, 0.0)
        vals.update(invoice_date="2026-11-01", invoice_date_due="2026-11-15")
        vals["invoice_line_ids"] = [
            Command.create(
                {
                    "product_id": product.id,
                    "quantity": 1.0,
                    "price_unit": amount,
                    **({"balance": -amount, "amount_currency": -amount} if balances else {}),
                }
            )
            for amount in amounts
        ]
        return vals

    def _presets(self):
        """A patch of ``_preset_terms`` that records what it answered (``.results``)."""
        original = HanlingMoneyService._preset_terms
        results = []

        def recording(service, company, vals_list):
            results.append(original(service, company, vals_list))
            return results[-1]

        presets = patch.object(HanlingMoneyService, "_preset_terms", recording)
        presets.results = results
        return presets

    def test_bulk_invoices_get_the_receivable_line_odoo_would_make(self):
        """A bulk batch whose lines carry their balances (untaxed, company currency) is
        created with its receivable line given, not synchronised by Odoo; the line is the
        one Odoo makes for the same invoice, and Odoo keeps it as its own when the invoice
        is edited later."""
        untaxed = self.env["product.product"].create(
            {"name": "物业管理费", "type": "service", "taxes_id": [Command.clear()]}
        )
        presets = self._presets()
        with presets:
            bulk = self.money._create_invoices(
                [self._fee_vals(self.owner, untaxed, [120.0, 15.5])], bulk=True
            ).sudo()
        self.assertEqual(presets.results, [True], "the receivable line was given at creation")
        usual = self.money._create_invoices(
            [self._fee_vals(self.owner, untaxed, [120.0, 15.5], balances=False)]
        ).sudo()

        def terms(move):
            line = move.line_ids.filtered(lambda line: line.display_type == "payment_term")
            return [
                (
                    line.account_id,
                    line.partner_id,
                    line.date_maturity,
                    line.balance,
                    line.amount_currency,
                    line.name == move.name,
                    line.account_id.account_type,
                )
                for line in line
            ]

        self.assertEqual(
            terms(bulk),
            [
                (
                    self.receivable,
                    self.owner,
                    bulk.invoice_date_due,
                    135.5,
                    135.5,
                    True,
                    "asset_receivable",
                )
            ],
        )
        self.assertEqual(terms(bulk), terms(usual))
        self.assertEqual(len(bulk.line_ids), len(usual.line_ids))
        self.assertEqual(
            (bulk.state, bulk.amount_total, bulk.amount_residual, bulk.payment_state),
            ("posted", 135.5, 135.5, "not_paid"),
        )
        # Edited later, Odoo recomputes the same line (no second receivable line).
        bulk.button_draft()
        bulk.invoice_line_ids[0].price_unit = 100.0
        bulk.action_post()
        self.assertEqual(len(terms(bulk)), 1)
        self.assertEqual(terms(bulk)[0][3], 115.5)
        self.assertEqual(bulk.amount_residual, 115.5)

    def test_unchanged_write_still_needs_the_right_to_write(self):
        """A write of ``checked`` / ``is_manually_modified`` that changes nothing is skipped,
        but not its access check: an auditor, who reads invoices but cannot write them, is
        refused as for any write."""
        invoice = self.money._create_invoices([self._invoice_vals(self.owner, 80.0)]).sudo()
        auditor = self.env["res.users"].create(
            {
                "name": "审计",
                "login": "hanling_auditor",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "groups_id": [Command.set(self.env.ref("account.group_account_readonly").ids)],
            }
        )
        self.assertEqual(invoice.with_user(auditor).amount_total, 80.0, "the auditor reads it")
        for vals in (
            {"checked": invoice.checked},
            {"is_manually_modified": invoice.is_manually_modified},
            {"checked": not invoice.checked},
        ):
            with self.assertRaises(AccessError):
                invoice.with_user(auditor).write(vals)
        self.assertTrue(
            invoice.with_user(self.env.ref("base.user_admin")).write({"checked": invoice.checked})
        )

    def test_bulk_invoices_with_a_tax_are_left_to_odoo(self):
        """A taxed line (or one without its balance) needs Odoo's tax and receivable lines:
        nothing is given, the invoice is made as usual."""
        tax = self.env["account.tax"].create(
            {
                "name": "增值税 6%",
                "amount": 6.0,
                "type_tax_use": "sale",
                "company_id": self.company.id,
            }
        )
        taxed = self.env["product.product"].create(
            {"name": "停车费", "type": "service", "taxes_id": [Command.set(tax.ids)]}
        )
        presets = self._presets()
        with presets:
            invoice = self.money._create_invoices(
                [self._fee_vals(self.owner, taxed, [100.0])], bulk=True
            ).sudo()
        self.assertEqual(presets.results, [False], "a taxed invoice is left to Odoo")
        self.assertEqual(invoice.amount_tax, 6.0)
        self.assertEqual(invoice.amount_total, 106.0)
        self.assertEqual(
            invoice.line_ids.filtered(lambda line: line.display_type == "payment_term").balance,
            106.0,
        )
        untaxed = self.env["product.product"].create(
            {"name": "垃圾清运费", "type": "service", "taxes_id": [Command.clear()]}
        )
        vals = [self._fee_vals(self.owner, untaxed, [15.0], balances=False)]
        self.assertFalse(self.env["hanling.money.service"]._preset_terms(self.company, vals))
        self.assertNotIn("line_ids", vals[0])

    def test_credit_notes_and_reversals(self):
        invoice, compensation = self.money._create_invoices(
            [
                self._invoice_vals(self.owner, 60.0),
                self._invoice_vals(self.owner, 25.0, move_type="out_refund"),
            ]
        ).sudo()
        self.assertEqual(compensation.move_type, "out_refund")
        self.assertEqual(compensation.state, "posted")
        self.assertEqual(compensation.amount_total, 25.0)
        refund = self.money._reverse_invoices(invoice, [{"ref": "取消"}], cancel=True).sudo()
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertEqual(refund.amount_total, 60.0)
        self.assertEqual(refund.ref, "取消")
        # Cancelled: the credit note is reconciled with the invoice, nothing left open.
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(refund.amount_residual, 0.0)

    def test_register_payment_pays_and_reconciles_the_invoice(self):
        invoice = self.money._create_invoices([self._invoice_vals(self.owner, 42.0)])
        payment = self.money._register_payments(invoice, self.bank, memo="柜台收款").sudo()
        invoice = invoice.sudo()
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.amount, 42.0)
        self.assertEqual(payment.payment_type, "inbound")
        self.assertEqual(payment.journal_id, self.bank)
        self.assertEqual(payment.memo, "柜台收款")
        self.assertIn(payment.state, ("in_process", "paid"))
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.amount_residual, 0.0)
        lines = self._receivable_lines(invoice, payment)
        self.assertTrue(all(lines.mapped("reconciled")))
        self.assertEqual(sum(lines.mapped("balance")), 0.0)

    def test_register_payment_refuses_a_journal_that_holds_no_money(self):
        invoice = self.money._create_invoices([self._invoice_vals(self.owner, 42.0)])
        with self.assertRaisesRegex(UserError, "bank or cash journal"):
            self.money._register_payments(invoice, self.sale)
        self.assertEqual(invoice.sudo().amount_residual, 42.0)

    # ------------------------------------------------------------------ payments on their own

    def test_prepayment_invoice_and_refund_reconcile(self):
        Payment = self.env["account.payment"]
        prepayment = self.money._make_payments([self._payment_vals("inbound", 300.0)])
        self.assertFalse(prepayment.env.su)
        with self.assertRaises(AccessError):
            prepayment.read(["amount"])
        self.assertIn(prepayment.sudo().state, ("in_process", "paid"))
        (line,) = self._receivable_lines(prepayment)
        self.assertEqual((line.balance, line.amount_residual), (-300.0, -300.0))
        invoice = self.money._create_invoices([self._invoice_vals(self.owner, 268.0)])
        self.money._reconcile_receivables(invoice, prepayment)
        self.assertEqual(invoice.sudo().amount_residual, 0.0)
        self.assertEqual(line.amount_residual, -32.0)
        refund = self.money._make_payments([self._payment_vals("outbound", 32.0)])
        self.assertEqual(refund.sudo().payment_type, "outbound")
        self.money._reconcile_receivables(prepayment | refund)
        lines = self._receivable_lines(invoice, prepayment, refund)
        self.assertTrue(all(lines.mapped("reconciled")))
        self.assertEqual(sum(lines.mapped("balance")), 0.0)
        self.assertEqual(Payment.search_count([("id", "in", (prepayment | refund).ids)]), 2)

    def test_payment_journal_is_checked_before_anything_is_made(self):
        Payment = self.env["account.payment"]
        before = Payment.search_count([])
        for journal in (self.sale, self.env["account.journal"]):
            with (
                self.subTest(journal=journal.type),
                self.assertRaisesRegex(UserError, "bank or cash journal"),
            ):
                self.money._make_payments(
                    [
                        self._payment_vals("inbound", 10.0),
                        dict(self._payment_vals("inbound", 5.0), journal_id=journal.id),
                    ]
                )
        self.assertEqual(Payment.search_count([]), before)

    def test_deposit_deduction_entry(self):
        account, income, journal = self.money._deposit_accounting(self.company)
        entry = self.money._post_entries(
            [
                {
                    "journal_id": journal.id,
                    "partner_id": self.owner.id,
                    "company_id": self.company.id,
                    "line_ids": [
                        Command.create({"account_id": account.id, "debit": 150.0}),
                        Command.create({"account_id": income.id, "credit": 150.0}),
                    ],
                }
            ]
        ).sudo()
        self.assertEqual(
            (entry.move_type, entry.state, entry.journal_id), ("entry", "posted", journal)
        )
        self.assertEqual(sorted(entry.line_ids.mapped("balance")), [-150.0, 150.0])
        held = entry.line_ids.filtered(lambda line: line.account_id == account)
        self.assertEqual(held.balance, 150.0)

    # ------------------------------------------------------------------ journals

    def test_journals_by_channel(self):
        self.assertEqual(self.money._payment_journal(self.company), self.cash)
        self.assertEqual(self.money._payment_journal(self.company, ("bank", "cash")), self.bank)
        self.assertEqual(self.money._sale_journal(self.company), self.sale)
        self.bank.sudo().action_archive()
        self.assertEqual(self.money._payment_journal(self.company, ("bank", "cash")), self.cash)
        with self.assertRaisesRegex(UserError, "No payment journal of type “Bank”"):
            self.money._payment_journal(self.company, ("bank",))
        self.assertFalse(
            self.money._payment_journal(self.company, ("bank",), raise_if_not_found=False)
        )
        self.cash.sudo().action_archive()
        with self.assertRaisesRegex(UserError, "Configure a cash or bank journal"):
            self.money._payment_journal(self.company)
        # Refusals are translated.
        with self.assertRaisesRegex(UserError, "请先为 .* 配置现金或银行日记账"):
            self.money.with_context(lang="zh_CN")._payment_journal(self.company)

    def test_no_sales_journal_no_invoice(self):
        self.env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "sale")]
        ).action_archive()
        with self.assertRaisesRegex(UserError, "Configure a sales journal"):
            self.money._create_invoices([self._invoice_vals(self.owner, 10.0)])


@tagged("post_install", "-at_install")
class TestAccountingConfiguration(WorkOrderCase):
    def test_made_at_installation_translated(self):
        account = self.env.ref(f"hanling_property.{self.company.id}_deposit_account")
        self.assertEqual(self.company.hanling_deposit_account_id, account)
        self.assertEqual(account.account_type, "liability_current")
        self.assertEqual(account.with_context(lang="en_US").name, "Decoration Deposits Held")
        self.assertEqual(account.with_context(lang="zh_CN").name, "在押装修押金")
        self.assertEqual(self.company.hanling_deposit_journal_id.type, "general")
        self.assertIn(
            self.company.hanling_deposit_income_account_id.account_type, ("income", "income_other")
        )
        plan = self.env.ref("hanling_property.analytic_plan_communities")
        self.assertEqual(plan.with_context(lang="zh_CN").name, "小区")

    def test_community_gets_its_analytic_account_when_created(self):
        community = (
            self.env["hanling.community"]
            .with_user(self.users["t_manager"])
            .create({"name": "翰岭东苑", "code": "HLE", "company_id": self.company.id})
        )
        account = community.sudo().analytic_account_id
        self.assertEqual(account.name, "翰岭东苑")
        self.assertEqual(
            account.plan_id, self.env.ref("hanling_property.analytic_plan_communities")
        )
        self.assertEqual(community._hanling_analytic_account(), community.analytic_account_id)

    def test_getters_read_only(self):
        Analytic = self.env["account.analytic.account"]
        before = Analytic.search_count([])
        self.community.sudo().analytic_account_id = False
        with self.assertRaisesRegex(UserError, "has no analytic account"):
            self.community._hanling_analytic_account()
        money = self.env["hanling.money.service"]
        with self.assertRaisesRegex(UserError, "has no analytic account"):
            money._create_invoices(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.owner.id,
                        "hanling_community_id": self.community.id,
                        "invoice_line_ids": [
                            Command.create(
                                {"product_id": self.paid_service.product_id.id, "price_unit": 9.0}
                            )
                        ],
                    }
                ]
            )
        self.assertEqual(Analytic.search_count([]), before)
        # The set-up (installation, upgrade, new chart) gives it one again, once.
        self.company._hanling_setup_accounting()
        self.company._hanling_setup_accounting()
        self.assertTrue(self.community.analytic_account_id)
        self.assertEqual(Analytic.search_count([]), before + 1)

    def test_new_company_configured_when_its_chart_is_loaded(self):
        company = self.env["res.company"].create({"name": "翰岭二号物业服务中心"})
        self.env.user.company_ids |= company
        self.env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        account = self.env.ref(f"hanling_property.{company.id}_deposit_account")
        self.assertEqual(company.hanling_deposit_account_id, account)
        self.assertEqual(account.company_ids, company)
        self.assertEqual(account.with_context(lang="zh_CN").name, "在押装修押金")
        self.assertEqual(company.hanling_deposit_journal_id.company_id, company)
        self.assertEqual(company.hanling_deposit_journal_id.type, "general")
        self.assertEqual(company.hanling_deposit_income_account_id.company_ids, company)
        # Loading it again (an update of the chart) finds what was made.
        accounts = self.env["account.account"].search_count([("company_ids", "in", company.ids)])
        company._hanling_setup_accounting()
        self.assertEqual(
            self.env["account.account"].search_count([("company_ids", "in", company.ids)]), accounts
        )
