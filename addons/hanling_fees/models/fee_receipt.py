from psycopg2.errors import UniqueViolation

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.hanling_property.tools.amounts import amount_in_chinese
from odoo.addons.hanling_property.tools.workflow import workflow_step

from .fee_accounting import RECEIPT_SEQUENCE


class HanlingFeeReceipt(models.Model):
    """收据: the numbered receipt of money taken at the counter for fees (issue 16, item 5).

    Issued only by the counter's payment step (``_issue``), which numbers it in the same
    transaction as the payments: a number is never sent by the client, never skipped and never
    used twice (``_take_number``).
    """

    _name = "hanling.fee.receipt"
    _description = "Fee Receipt"
    _inherit = ["hanling.workflow.mixin", "mail.thread"]
    _order = "id desc"
    _check_company_auto = True
    _sequence_code = RECEIPT_SEQUENCE
    _workflow_fields = (
        "state",
        "partner_id",
        "unit_id",
        "amount_bills",
        "amount_prepaid",
        "journal_id",
        "date",
        "payment_ids",
        "invoice_ids",
        "issued_by_id",
        "sequence_number",
    )

    name = fields.Char(string="Receipt Number", readonly=True, copy=False, default="/")
    sequence_number = fields.Integer(
        string="Number in Sequence", readonly=True, copy=False, index=True
    )
    state = fields.Selection(
        [("issued", "Issued")], default="issued", required=True, readonly=True, copy=False
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Payer", readonly=True, index=True, copy=False
    )
    unit_id = fields.Many2one("hanling.unit", readonly=True, index=True, copy=False)
    community_id = fields.Many2one(related="unit_id.community_id", store=True, index=True)
    date = fields.Date(readonly=True, copy=False)
    journal_id = fields.Many2one("account.journal", string="Paid by", readonly=True, copy=False)
    amount_bills = fields.Monetary(string="For Bills", readonly=True, copy=False)
    amount_prepaid = fields.Monetary(string="Prepaid Fees", readonly=True, copy=False)
    amount_total = fields.Monetary(string="Amount", compute="_compute_amount_total", store=True)
    amount_words = fields.Char(string="Amount in Words", compute="_compute_amount_words")
    invoice_ids = fields.Many2many(
        "account.move",
        "hanling_fee_receipt_invoice_rel",
        "receipt_id",
        "move_id",
        string="Bills Paid",
        readonly=True,
        copy=False,
    )
    payment_ids = fields.Many2many(
        "account.payment",
        "hanling_fee_receipt_payment_rel",
        "receipt_id",
        "payment_id",
        string="Payments",
        readonly=True,
        copy=False,
    )
    issued_by_id = fields.Many2one("res.users", string="Received by", readonly=True, copy=False)

    _sql_constraints = [
        ("name_company_unique", "UNIQUE(name, company_id)", "A receipt number is used once."),
        (
            "sequence_number_company_unique",
            "UNIQUE(company_id, sequence_number)",
            "A receipt number is used once in a company.",
        ),
    ]

    @api.depends("amount_bills", "amount_prepaid")
    def _compute_amount_total(self):
        for receipt in self:
            receipt.amount_total = receipt.amount_bills + receipt.amount_prepaid

    @api.depends("amount_total")
    def _compute_amount_words(self):
        for receipt in self:
            receipt.amount_words = amount_in_chinese(receipt.amount_total)

    def _lines(self):
        """What the receipt pays for: [(description, amount)], for the printed receipt."""
        self.ensure_one()
        # sudo: the printed receipt names the bills it paid (numbers, periods, amounts) for
        # front-desk users without accounting rights.
        rows = []
        for invoice in self.sudo().invoice_ids.sorted("id"):
            lines = invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product")
            periods = sorted(
                {
                    f"{line.hanling_period_start}–{line.hanling_period_end}"
                    for line in lines
                    if line.hanling_period_start
                }
            )
            names = ", ".join(dict.fromkeys(lines.product_id.mapped("name")))
            rows.append(
                (
                    _(
                        "%(invoice)s %(fees)s %(periods)s",
                        invoice=invoice.name,
                        fees=names,
                        periods=", ".join(periods),
                    ),
                    invoice.amount_total,
                )
            )
        if self.amount_prepaid:
            rows.append((_("Fees paid in advance (预收)"), self.amount_prepaid))
        return rows

    @api.model
    def _assign_numbers(self, vals_list):
        # The number is taken by the payment step once the receipt exists (_take_number), not
        # drawn from the sequence at create.
        return vals_list

    @api.model
    @workflow_step
    def _issue(self, vals):
        """The counter's payment step: the receipt of the payments just made, numbered now."""
        company = self.env["res.company"].browse(vals["company_id"])
        sequence = company._hanling_receipt_sequence()
        # sudo: receipts are made by this step only (no role may create one).
        receipt = self.sudo().create(dict(vals, name=False, issued_by_id=self.env.uid))
        receipt._take_number(sequence)
        return receipt.with_env(self.env)

    def _take_number(self, sequence):
        """Give the new receipt the company's next number, gap-free, without a shared counter.

        The company's sequence gives the format (SJ2026-000042) and the first number; the next
        one is the company's last receipt's plus one. Two clerks at the counter take numbers at
        the same moment: the second one's number is held by the first one's unique index entry
        until the first transaction ends; then it is either free (the first one rolled back:
        no gap) or taken (it moves to the next one). This is how Odoo numbers posted journal
        entries (sequence.mixin._locked_increment). A counter updated by every payment (an
        ir.sequence "no gap" row) made every payment that overlapped another one's commit fail
        with a serialization error; at the office's peak some failed five times in a row and
        the clerk saw the error (docs/benchmarks.md, concurrency).
        """
        self.ensure_one()
        self.flush_recordset()
        cr = self.env.cr
        cr.execute(
            "SELECT max(sequence_number) FROM hanling_fee_receipt WHERE company_id = %s",
            [self.company_id.id],
        )
        number = max((cr.fetchone()[0] or 0) + 1, sequence.number_next)
        with cr.savepoint(flush=False) as savepoint:
            while True:
                try:
                    cr.execute(
                        SQL(
                            "UPDATE hanling_fee_receipt SET name = %s, sequence_number = %s "
                            "WHERE id = %s",
                            sequence.get_next_char(number),
                            number,
                            self.id,
                        ),
                        log_exceptions=False,
                    )
                    break
                except UniqueViolation:
                    savepoint.rollback()
                    number += 1
        self.invalidate_recordset(["name", "sequence_number"])

    def unlink(self):
        raise UserError(_("A receipt is never deleted: its number is accounted for."))


class HanlingFeeCounterPayment(models.TransientModel):
    """The front desk takes a payment for a unit's open bills (and fees paid ahead)."""

    _name = "hanling.fee.counter.payment"
    _description = "Take a Fee Payment at the Counter"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    unit_id = fields.Many2one("hanling.unit", required=True, check_company=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Payer",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    bill_line_ids = fields.Many2many(
        "hanling.fee.bill.line",
        string="Bills to Pay",
        compute="_compute_bill_line_ids",
        store=True,
        readonly=False,
        precompute=True,
        help="The open bills of the unit; each one's invoice is paid in full.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Paid by",
        required=True,
        check_company=True,
        domain="[('company_id', '=', company_id), ('type', 'in', ('cash', 'bank'))]",
        default=lambda self: self.env["hanling.money.service"]._payment_journal(
            self.env.company, raise_if_not_found=False
        ),
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    amount_bills = fields.Monetary(string="For Bills", compute="_compute_amount_bills")
    amount_prepaid = fields.Monetary(
        string="Pay in Advance", help="Fees paid ahead: held as 预收 until the bills are issued."
    )
    amount_total = fields.Monetary(string="Total", compute="_compute_amount_bills")

    def _open_bill_lines(self, unit, partner=None):
        """Bill lines of ``unit`` (of ``partner``) whose posted invoice is not paid yet."""
        domain = [
            ("unit_id", "=", unit.id),
            ("move_id", "!=", False),
            ("move_id.state", "=", "posted"),
            ("move_id.payment_state", "in", ("not_paid", "partial")),
        ]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        # sudo: the front desk finds a unit's open bills (their invoices' state) without
        # accounting rights; the lines come back with the caller's rights.
        return self.env["hanling.fee.bill.line"].sudo().search(domain).with_env(self.env)

    def _invoices(self):
        """The invoices the chosen bills are on (sudo: read for the front desk)."""
        return self.bill_line_ids.sudo().move_id

    @api.depends("unit_id")
    def _compute_partner_id(self):
        for wizard in self:
            source = wizard._open_bill_lines(wizard.unit_id) if wizard.unit_id else False
            if not source and wizard.unit_id:
                # The payer of the unit's current fees (who prepays them).
                source = self.env["hanling.fee.subscription"].search(
                    [("unit_id", "=", wizard.unit_id.id), ("date_end", "=", False)], limit=1
                )
            wizard.partner_id = source[:1].partner_id if source else False

    @api.depends("unit_id", "partner_id")
    def _compute_bill_line_ids(self):
        for wizard in self:
            wizard.bill_line_ids = (
                wizard._open_bill_lines(wizard.unit_id, wizard.partner_id)
                if wizard.unit_id and wizard.partner_id
                else False
            )

    @api.depends("bill_line_ids", "amount_prepaid")
    def _compute_amount_bills(self):
        for wizard in self:
            wizard.amount_bills = sum(wizard._invoices().mapped("amount_residual"))
            wizard.amount_total = wizard.amount_bills + wizard.amount_prepaid

    def action_pay(self):
        """Take the money: pay the bills chosen in full, hold the rest as 预收, print the 收据."""
        self.ensure_one()
        if not self.env.user.has_group("hanling_property.group_duty_officer"):
            raise AccessError(_("Only the front desk takes payments at the counter."))
        company = self.company_id
        money = self.env["hanling.money.service"]
        money._check_payment_journal(self.journal_id, company)
        if self.bill_line_ids - self._open_bill_lines(self.unit_id, self.partner_id):
            raise UserError(_("Choose open bills of this unit and payer only."))
        invoices = self._invoices()
        if self.amount_prepaid < 0:
            raise UserError(_("An amount paid in advance cannot be negative."))
        if not invoices and not company.currency_id.compare_amounts(self.amount_prepaid, 0) > 0:
            raise UserError(_("Choose the bills paid or enter an amount paid in advance."))
        memo = _("Fees of %(unit)s", unit=self.unit_id.display_name)
        payments = self.env["account.payment"]
        amount_bills = sum(invoices.mapped("amount_residual"))
        if invoices:
            payments |= money._register_payments(
                invoices, self.journal_id, date=self.date, memo=memo
            )
        if self.amount_prepaid:
            prepaid, _deferred, _journal = company._hanling_fee_accounting()
            payments |= money._make_payments(
                [
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": self.partner_id.id,
                        "amount": self.amount_prepaid,
                        "journal_id": self.journal_id.id,
                        "date": self.date,
                        "memo": _(
                            "Fees of %(unit)s paid in advance", unit=self.unit_id.display_name
                        ),
                        "destination_account_id": prepaid.id,
                        "company_id": company.id,
                    }
                ],
                company=company,
            )
        receipt = self.env["hanling.fee.receipt"]._issue(
            {
                "company_id": company.id,
                "partner_id": self.partner_id.id,
                "unit_id": self.unit_id.id,
                "date": self.date,
                "journal_id": self.journal_id.id,
                "amount_bills": amount_bills,
                "amount_prepaid": self.amount_prepaid,
                "invoice_ids": [fields.Command.set(invoices.ids)],
                "payment_ids": [fields.Command.set(payments.ids)],
            }
        )
        # sudo: the receipt's own chatter records the money taken (the front desk reads
        # receipts only; the author stays the clerk).
        receipt.sudo().message_post(
            body=_(
                "%(amount)s received (%(journal)s): %(payments)s.",
                amount=receipt.amount_total,
                journal=self.journal_id.sudo().name,
                payments=money._references(payments) if payments else "",
            )
        )
        return self.env.ref("hanling_fees.action_report_fee_receipt").report_action(receipt)
