from odoo import Command, api, fields, models
from odoo.exceptions import UserError

PAYMENT_JOURNAL_TYPES = ("cash", "bank")
SALE_MOVE_TYPES = ("out_invoice", "out_refund")


class HanlingMoneyService(models.AbstractModel):
    """The one place where the procedures make accounting records (docs/architecture.md, money).

    Work orders, counter sales, class registrations, decoration deposits, compensations and
    errands call it; no other code of the addons creates an ``account.move`` or an
    ``account.payment``. It picks the journals, builds and posts invoices and credit notes in
    batches, registers payments against them (``account.payment.register``), creates and posts
    the payments that stand on their own (prepayments, deposits, refunds, compensations), posts
    journal entries (deposit deductions) and reconciles receivables.

    Every method is private (no RPC reaches them): the caller is a procedure's action, which
    has checked the step (state, role, amount) before it asks for money to move. Records come
    back in the caller's environment, with the caller's rights.
    """

    _name = "hanling.money.service"
    _description = "Resident Services Money"

    # ------------------------------------------------------------------ the boundary

    @api.model
    def _books(self, company):
        """The environment the accounting records are made in, for ``company``."""
        # sudo: the one privilege boundary of the money the procedures move. Desk staff,
        # technicians and supervisors bill, collect and refund without accounting rights; each
        # caller has checked its step (state, role, amount) first, and every record made here
        # is built from the document's values, the catalogue and the company's configuration.
        return self.sudo().with_company(company)

    @api.model
    def _company(self, vals, company=None):
        company_id = vals.get("company_id") or (company or self.env.company).id
        return self.env["res.company"].browse(company_id)

    @api.model
    def _by_company(self, vals_list, company=None):
        """{company: [(position, vals), ...]} in the order of ``vals_list``."""
        groups = {}
        for position, given in enumerate(vals_list):
            owner = self._company(given, company)
            groups.setdefault(owner, []).append((position, dict(given, company_id=owner.id)))
        return groups

    @api.model
    def _mine(self, records):
        """Hand the records back with the caller's rights."""
        return records.with_env(self.env)

    @api.model
    def _read(self, records):
        """The caller's accounting records (made here before), to be read or moved on here."""
        return self._books(self.env.company).env[records._name].browse(records.ids)

    @api.model
    def _references(self, records):
        """The accounting numbers of records made here, for the chatter of their document."""
        return ", ".join(self._read(records).mapped("display_name"))

    # ------------------------------------------------------------------ journals

    @api.model
    def _sale_journal(self, company):
        """The sales journal of the company's resident services."""
        journal = (
            self._books(company)
            .env["account.journal"]
            .search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
        )
        if not journal:
            raise UserError(
                self.env._(
                    "Configure a sales journal for %(company)s before billing resident services.",
                    company=company.name,
                )
            )
        return self._mine(journal)

    @api.model
    def _payment_journal(self, company, channels=PAYMENT_JOURNAL_TYPES, raise_if_not_found=True):
        """The company's journal for money taken or paid by ``channels`` (cash, bank), in order."""
        Journal = self._books(company).env["account.journal"]
        for channel in channels:
            journal = Journal.search(
                [("company_id", "=", company.id), ("type", "=", channel)], limit=1
            )
            if journal:
                return self._mine(journal)
        if not raise_if_not_found:
            return self.env["account.journal"]
        if len(channels) != 1:
            raise UserError(
                self.env._(
                    "Configure a cash or bank journal for %(company)s to receive and pay money.",
                    company=company.name,
                )
            )
        raise UserError(
            self.env._(
                "No payment journal of type “%(type)s” is configured.",
                type=dict(Journal._fields["type"]._description_selection(self.env))[channels[0]],
            )
        )

    @api.model
    def _check_payment_journal(self, journal, company):
        """Money moves through a cash or bank journal of the document's own company."""
        journal = self._books(company).env["account.journal"].browse(journal.ids)
        if (
            len(journal) != 1
            or journal.type not in PAYMENT_JOURNAL_TYPES
            or journal.company_id != company
        ):
            raise UserError(
                self.env._("Choose a bank or cash journal of %(company)s.", company=company.name)
            )

    @api.model
    def _deposit_accounting(self, company):
        """(liability account, deduction income account, deduction journal) of the company."""
        return company._hanling_deposit_accounting()

    # ------------------------------------------------------------------ invoices and entries

    @api.model
    def _invoice_values(self, company, partner, lines, community=None, **values):
        """Values of an invoice, credit note or bill: one line per dict of ``lines``.

        ``community`` (resident services) puts the income on its analytic account;
        ``values`` add or override fields (``move_type`` defaults to a customer invoice).
        """
        return {
            "move_type": "out_invoice",
            "company_id": company.id,
            "partner_id": partner.id,
            "hanling_community_id": community.id if community else False,
            "invoice_line_ids": [Command.create(line) for line in lines],
            **values,
        }

    @api.model
    def _create_invoices(self, vals_list, company=None, post=True, bulk=False):
        """Create (and post) the invoices, credit notes or bills of ``vals_list`` in batches.

        One ``create`` per company, then one ``_post`` of that batch; customer documents
        without a journal go to the company's sales journal. Returns the moves in the order of
        ``vals_list``.

        ``bulk`` (the billing run's thousands of invoices): no chatter on each new invoice
        (creation note, state tracking, the creating user as follower), unless the company
        keeps Odoo's accounting audit trail, which is that chatter. The payer still follows
        the invoice (``_post`` subscribes them: the portal shows it through that). Nothing
        else changes: every check of the moves runs as without it.
        """
        ids = [None] * len(vals_list)
        for owner, items in self._by_company(vals_list, company).items():
            sale_journal = None
            for _position, vals in items:
                if vals.get("move_type") in SALE_MOVE_TYPES and not vals.get("journal_id"):
                    sale_journal = sale_journal or self._sale_journal(owner)
                    vals["journal_id"] = sale_journal.id
            books = self._books(owner)
            if bulk and not owner.check_account_audit_trail:
                books = books.with_context(tracking_disable=True)
            if bulk and post:
                self._preset_checked(books, [vals for _p, vals in items])
            # Where every invoice carries all its lines already, the receivable one included
            # (``_preset_terms``), Odoo's synchronisation of the dynamic lines would compute
            # the same line again for each invoice: it is skipped for the create only (the
            # moves come back in the books' own environment).
            preset = bool(bulk and self._preset_terms(owner, [vals for _p, vals in items]))
            moves = (
                books.env["account.move"]
                .with_context(skip_invoice_sync=preset)
                .create([vals for _p, vals in items])
                .with_env(books.env)
            )
            if post:
                if bulk:
                    self._subscribe_partners(moves)
                moves._post(soft=False)
            for (position, _vals), move in zip(items, moves, strict=True):
                ids[position] = move.id
        return self.env["account.move"].browse(ids)

    @api.model
    def _untaxed_products(self, company, products):
        """The ``products`` (``product.product``) without a sales tax of ``company``."""
        return products.filtered(
            lambda product: (
                not product.taxes_id.filtered(
                    lambda tax: tax.company_id in (company, *company.parent_ids)
                )
            )
        )

    @api.model
    def _preset_terms(self, company, vals_list):
        """Give each customer invoice of ``vals_list`` its receivable line, as Odoo's
        synchronisation of the dynamic lines would make it after the create
        (``account.move._compute_needed_terms`` without a payment term: one line of the
        total, due on the due date), when that line is all it would make: every invoice line
        carries its ``balance`` in the company's currency, on a product without tax, with no
        discount; the invoice has a due date and no payment term nor cash rounding. Then
        nothing else (tax, rounding, discount or early-payment lines) is needed.

        Returns True when every invoice qualified and got its line (else nothing is changed
        and Odoo computes the lines as usual). Account, partner and label of the line are
        computed by Odoo as for the line it makes; ``_check_balanced`` still checks each
        invoice."""
        currency = company.currency_id
        products = set()
        for vals in vals_list:
            lines = vals.get("invoice_line_ids") or []
            if (
                vals.get("move_type") != "out_invoice"
                or not vals.get("invoice_date")
                or not vals.get("invoice_date_due")
                or vals.get("invoice_payment_term_id")
                or vals.get("invoice_cash_rounding_id")
                or vals.get("line_ids")
                or vals.get("currency_id", currency.id) != currency.id
                or not lines
            ):
                return False
            for command in lines:
                line = command[2] if command[0] == Command.CREATE else None
                if (
                    not line
                    or "balance" not in line
                    or line.get("tax_ids")
                    or line.get("discount")
                    or line.get("display_type", "product") != "product"
                    or not line.get("product_id")
                ):
                    return False
                products.add(line["product_id"])
        journals = {vals["journal_id"] for vals in vals_list if vals.get("journal_id")}
        if any(
            journal.currency_id and journal.currency_id != currency
            for journal in self.env["account.journal"].browse(journals)
        ):
            return False
        product_set = self.env["product.product"].browse(products)
        if self._untaxed_products(company, product_set) != product_set:
            return False
        for vals in vals_list:
            # The credits of the lines: the receivable line is their sum (the total).
            total = -sum(command[2]["balance"] for command in vals["invoice_line_ids"])
            vals["line_ids"] = [
                Command.create(
                    {
                        "display_type": "payment_term",
                        "date_maturity": vals["invoice_date_due"],
                        "balance": currency.round(total),
                        "amount_currency": currency.round(total),
                        "discount_date": False,
                        "discount_balance": 0.0,
                        "discount_amount_currency": 0.0,
                    }
                )
            ]
        return True

    @api.model
    def _preset_checked(self, books, vals_list):
        """``checked`` as ``_post`` sets it (the journal's "checked on post"), given at
        creation: ``_post`` then writes each move's value unchanged, a write that
        ``account.move.write`` skips (``hanling_property/models/account_move.py``) instead of
        re-synchronising every invoice of the batch one by one."""
        autocheck = {}
        for vals in vals_list:
            if "checked" in vals or not vals.get("journal_id"):
                continue
            if vals["journal_id"] not in autocheck:
                journal = books.env["account.journal"].browse(vals["journal_id"])
                autocheck[vals["journal_id"]] = journal.autocheck_on_post
            vals["checked"] = autocheck[vals["journal_id"]]

    @api.model
    def _subscribe_partners(self, moves):
        """The partner of each move follows it, as ``account.move._post`` makes them one move
        at a time (``message_subscribe``: active partners, a customer with the model's
        external default subtypes, a user with the default ones), for the batch at once;
        ``_post`` then finds them following and adds nobody."""
        books = moves  # made in the books (``_books``): the accounting environment already
        partners = books.partner_id.filtered("active")
        if not partners:
            return
        Followers = books.env["mail.followers"]
        existing = {
            (follower.res_id, follower.partner_id.id)
            for follower in Followers.search(
                [
                    ("res_model", "=", moves._name),
                    ("res_id", "in", moves.ids),
                    ("partner_id", "in", partners.ids),
                ]
            )
        }
        default, _internal, external = books.env["mail.message.subtype"].default_subtypes(
            moves._name
        )
        Followers.create(
            [
                {
                    "res_model": moves._name,
                    "res_id": move.id,
                    "partner_id": move.partner_id.id,
                    "subtype_ids": [
                        Command.set(external.ids if move.partner_id.partner_share else default.ids)
                    ],
                }
                for move in books
                if move.partner_id in partners and (move.id, move.partner_id.id) not in existing
            ]
        )

    @api.model
    def _post_entries(self, vals_list, company=None):
        """Create and post journal entries (deposit deductions), one batch per company."""
        return self._create_invoices(
            [dict(vals, move_type="entry") for vals in vals_list], company=company
        )

    @api.model
    def _reverse_invoices(self, moves, default_values_list=None, cancel=False):
        """Posted credit notes of posted invoices; ``cancel`` reconciles each with its invoice."""
        moves = self._read(moves)
        ids = [None] * len(moves)
        positions = {move.id: position for position, move in enumerate(moves)}
        for owner, invoices in moves.grouped("company_id").items():
            values = default_values_list and [
                default_values_list[positions[invoice.id]] for invoice in invoices
            ]
            books = self._books(owner).env["account.move"].browse(invoices.ids)
            made = books._reverse_moves(values, cancel=cancel)
            made.filtered(lambda move: move.state == "draft")._post(soft=False)
            for invoice, reversal in zip(invoices, made, strict=True):
                ids[positions[invoice.id]] = reversal.id
        return self.env["account.move"].browse(ids)

    # ------------------------------------------------------------------ payments

    @api.model
    def _register_payments(self, moves, journal, date=None, memo=None, values=None):
        """Pay posted invoices or credit notes in full through ``account.payment.register``.

        The wizard reconciles each payment with its move. ``values`` are written on the new
        payments (the document they belong to).
        """
        moves = self._read(moves)
        company = moves.company_id
        if len(company) != 1:
            raise UserError(self.env._("Register the payments of one company at a time."))
        self._check_payment_journal(journal, company)
        wizard_vals = {
            "journal_id": journal.id,
            "payment_date": date or fields.Date.context_today(self),
        }
        if memo:
            wizard_vals["communication"] = memo
        payments = (
            self._books(company)
            .env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create(wizard_vals)
            ._create_payments()
        )
        if values:
            payments.write(values)
        return self._mine(payments)

    @api.model
    def _make_payments(self, vals_list, company=None, entry_values=None):
        """Create and post payments that stand on their own: prepayments, deposits, refunds.

        Each needs its ``journal_id`` (a cash or bank journal of its company). An inbound
        customer payment is an outstanding credit on the resident until it is reconciled.
        ``entry_values`` are written on the payments' journal entries.
        """
        ids = [None] * len(vals_list)
        for owner, items in self._by_company(vals_list, company).items():
            books = self._books(owner).env
            for _position, vals in items:
                self._check_payment_journal(
                    self.env["account.journal"].browse(vals.get("journal_id")), owner
                )
            payments = books["account.payment"].create([vals for _p, vals in items])
            payments.action_post()
            if entry_values:
                payments.move_id.write(entry_values)
            for (position, _vals), payment in zip(items, payments, strict=True):
                ids[position] = payment.id
        return self.env["account.payment"].browse(ids)

    # ------------------------------------------------------------------ reconciliation

    @api.model
    def _reconcile_receivables(self, *records):
        """Reconcile the open receivable lines of these moves and payments, per partner.

        ``records``: recordsets of ``account.move`` and/or ``account.payment``; drafts and
        cancelled ones are left out.
        """
        lines = self._read(self.env["account.move.line"])
        for given in records:
            recordset = self._read(given)
            moves = recordset.move_id if recordset._name == "account.payment" else recordset
            lines |= moves.line_ids
        for owner, company_lines in lines.grouped("company_id").items():
            open_lines = (
                self._books(owner)
                .env["account.move.line"]
                .browse(company_lines.ids)
                .filtered(
                    lambda line: line.parent_state == "posted"
                    and line.account_id.account_type == "asset_receivable"
                    and not line.reconciled
                )
            )
            groups = open_lines.grouped(
                lambda line: (line.account_id, line.partner_id.commercial_partner_id)
            )
            for group in groups.values():
                if group.filtered(lambda line: line.balance > 0) and group.filtered(
                    lambda line: line.balance < 0
                ):
                    group.reconcile()
        return True

    @api.model
    def _reconcile_lines(self, lines):
        """Reconcile open posted lines of one reconcilable account, per partner (prepayments
        held on a liability account with the entries applying them)."""
        lines = self._read(lines)
        for owner, company_lines in lines.grouped("company_id").items():
            open_lines = (
                self._books(owner)
                .env["account.move.line"]
                .browse(company_lines.ids)
                .filtered(lambda line: line.parent_state == "posted" and not line.reconciled)
            )
            groups = open_lines.grouped(
                lambda line: (line.account_id, line.partner_id.commercial_partner_id)
            )
            for group in groups.values():
                if group.filtered(lambda line: line.balance > 0) and group.filtered(
                    lambda line: line.balance < 0
                ):
                    group.reconcile()
        return True

    @api.model
    def _open_credits_domain(self, company, partners):
        """The posted credit lines of ``partners`` (and their contacts) not reconciled yet:
        money of theirs waiting to pay a bill (callers add the account)."""
        return [
            ("company_id", "=", company.id),
            ("partner_id", "child_of", partners.ids),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("balance", "<", 0),
        ]

    @api.model
    def _apply_prepayments(self, invoices, account, journal):
        """Apply each payer's open prepayment held on ``account`` (a reconcilable liability)
        to these posted customer invoices, oldest prepayment first, oldest invoice first.

        For each invoice one posted entry moves min(prepaid left, amount due) from the
        liability to the receivable (in ``journal``), reconciled with the prepayment on the
        liability and with the invoice on the receivable. Returns the entries.
        """
        invoices = self._read(invoices).filtered(
            lambda move: move.state == "posted"
            and move.move_type == "out_invoice"
            and move.payment_state in ("not_paid", "partial")
        )
        entries = self.env["account.move"]
        for (company, partner), batch in invoices.grouped(
            lambda move: (move.company_id, move.commercial_partner_id)
        ).items():
            Line = self._books(company).env["account.move.line"]
            credits = Line.search(
                self._open_credits_domain(company, partner) + [("account_id", "=", account.id)],
                order="date, id",
            )
            left = -sum(credits.mapped("amount_residual"))
            currency = company.currency_id
            for invoice in batch.sorted(lambda move: (move.invoice_date or move.date, move.id)):
                amount = min(left, invoice.amount_residual)
                if currency.compare_amounts(amount, 0) <= 0:
                    break
                left -= amount
                receivable = invoice.line_ids.filtered(
                    lambda line: line.account_id.account_type == "asset_receivable"
                )[:1].account_id
                label = self.env._("Prepayment applied to %(invoice)s", invoice=invoice.name)
                entry = self._post_entries(
                    [
                        {
                            "journal_id": journal.id,
                            "date": max(invoice.invoice_date or invoice.date, credits[:1].date),
                            "ref": label,
                            "partner_id": partner.id,
                            "hanling_community_id": invoice.hanling_community_id.id,
                            "line_ids": [
                                Command.create(
                                    {
                                        "name": label,
                                        "account_id": account.id,
                                        "partner_id": partner.id,
                                        "debit": amount,
                                    }
                                ),
                                Command.create(
                                    {
                                        "name": label,
                                        "account_id": receivable.id,
                                        "partner_id": partner.id,
                                        "credit": amount,
                                    }
                                ),
                            ],
                        }
                    ],
                    company=company,
                )
                self._reconcile_lines(
                    credits
                    | self._read(entry).line_ids.filtered(lambda line: line.account_id == account)
                )
                self._reconcile_receivables(invoice, entry)
                entries |= entry
                credits = credits.filtered(lambda line: not line.reconciled)
        return self._mine(entries)

    # ------------------------------------------------------------------ bank collection
    # (hanling_fees, issue 17 item 2: the bank's return file of a collection batch)

    @api.model
    def _collect_bank_payments(self, items, journal, date, batch_size=500):
        """Posted customer payments of the bank's collection, each reconciled with its bills.

        ``items``: dicts of ``partner``, ``amount``, ``invoices`` (posted customer invoices)
        and ``memo``, all of the journal's company. Made in batches of ``batch_size``: one
        ``create`` and one ``action_post`` of the payments, then one reconciliation plan of
        each payment's receivable line with its invoices' open receivable lines (what
        ``account.payment.register`` does one group at a time). Returns the payments in the
        order of ``items``.
        """
        company = journal.company_id
        self._check_payment_journal(journal, company)
        # Odoo's own switch for mass records: no "created" message nor tracking values per
        # payment and entry (the return file's record and its batch's chatter trace them).
        books = self._books(company).with_context(tracking_disable=True).env
        payment_ids = []
        for start in range(0, len(items), batch_size):
            chunk = items[start : start + batch_size]
            payments = books["account.payment"].create(
                [
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": item["partner"].id,
                        "amount": item["amount"],
                        "journal_id": journal.id,
                        "date": date,
                        "memo": item["memo"],
                        "company_id": company.id,
                    }
                    for item in chunk
                ]
            )
            payments.action_post()
            invoices = books["account.move"].browse(
                {move_id for item in chunk for move_id in item["invoices"].ids}
            )
            receivable = {}
            for line in invoices.line_ids:
                if line.account_id.account_type == "asset_receivable" and not line.reconciled:
                    receivable.setdefault(line.move_id.id, []).append(line.id)
            Line = books["account.move.line"]
            plan = []
            for payment, item in zip(payments, chunk, strict=True):
                counterpart = payment.move_id.line_ids.filtered(
                    lambda line: line.account_id.account_type == "asset_receivable"
                )
                plan.append(
                    counterpart
                    | Line.browse(
                        [i for move_id in item["invoices"].ids for i in receivable.get(move_id, [])]
                    )
                )
            Line._reconcile_plan(plan)
            payment_ids += payments.ids
            books.flush_all()
            books.invalidate_all()
        return self.env["account.payment"].browse(payment_ids)

    # ------------------------------------------------------------------ configuration

    @api.model
    def _create_community_analytic_accounts(self, communities):
        """Each community's analytic account in the Communities plan (made with the community)."""
        plan = self.env.ref("hanling_property.analytic_plan_communities")
        for community in communities.filtered(lambda c: not c.analytic_account_id):
            books = self._books(community.company_id or self.env.company)
            account = books.env["account.analytic.account"].create(
                {
                    "name": community.name,
                    "code": community.code,
                    "plan_id": plan.id,
                    "company_id": community.company_id.id,
                }
            )
            community.with_env(books.env).analytic_account_id = account
        return True
