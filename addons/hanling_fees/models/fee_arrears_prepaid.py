"""Prepaid balances applied automatically (issue 17, item 4), with the receipt trail; the
ownership transfer's arrears check (item 3)."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.hanling_property.tools.workflow import workflow_step

from .fee_arrears import OPEN_PAYMENT_STATES, _is_manager, _num, _unit_open_bills


class HanlingFeePrepaidApplication(models.Model):
    """One prepayment (its 收据) applied to one bill: the receipt trail of 预收.

    Made only by ``_apply``, right after the money service's application entry: which receipt's
    money paid how much of which bill, by which entry.
    """

    _name = "hanling.fee.prepaid.application"
    _description = "Prepayment Applied to a Bill"
    _order = "date, id"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Payer", readonly=True, index=True)
    source = fields.Selection(
        [("prepaid", "Prepayment (收据)"), ("bank", "Bank Collection Credit")],
        string="Paid From",
        default="prepaid",
        required=True,
        readonly=True,
        help="Prepayment: money taken at the counter in advance (its 收据). Bank collection "
        "credit: a collection the bank made after its bills had been paid.",
    )
    receipt_id = fields.Many2one("hanling.fee.receipt", readonly=True, index=True)
    payment_id = fields.Many2one("account.payment", string="Payment", readonly=True)
    invoice_id = fields.Many2one("account.move", string="Bill", readonly=True, index=True)
    entry_id = fields.Many2one("account.move", string="Application Entry", readonly=True)
    amount = fields.Monetary(readonly=True)
    date = fields.Date(readonly=True)

    @api.model
    def _prepaid_domain(self, company, partners):
        """The payers' open prepayments on 预收 (the 收据's prepaid part)."""
        prepaid, _deferred, _journal = company._hanling_fee_accounting()
        return self.env["hanling.money.service"]._open_credits_domain(company, partners) + [
            ("account_id", "=", prepaid.id)
        ]

    @api.model
    def _bank_credit_domain(self, company, partners):
        """The payers' open bank credits: the receivable part of a bank collection's payment
        left over when its bills were paid meanwhile (at the counter, on the portal)."""
        # sudo: the collected lines' payments, read to find the credits (nobody edits them).
        collected = (
            self.env["hanling.fee.bank.batch.line"]
            .sudo()
            ._search(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "child_of", partners.ids),
                    ("state", "=", "collected"),
                ]
            )
        )
        return self.env["hanling.money.service"]._open_credits_domain(company, partners) + [
            ("account_id.account_type", "=", "asset_receivable"),
            (
                "move_id.origin_payment_id",
                "in",
                collected.subselect(SQL.identifier(collected.table, "payment_id")),
            ),
        ]

    @api.model
    def _credit_holders(self, company, partners):
        """Those of ``partners`` (commercial) with an open prepayment or bank credit."""
        # sudo: the payers' open credits are read to decide what to apply.
        Line = self.env["account.move.line"].sudo()
        holders = self.env["res.partner"]
        for domain in (
            self._prepaid_domain(company, partners),
            self._bank_credit_domain(company, partners),
        ):
            for (partner,) in Line._read_group(domain, ["partner_id"]):
                holders |= partner
        return holders.commercial_partner_id

    @api.model
    def _apply(self, invoices):
        """Apply the payers' open prepayments, then their open bank credits, to their open
        fee bills, the oldest bill first (the ones just posted and any older one still owed),
        and record the trail."""
        # sudo: the payers' posted bills read for the billing step; the money service moves.
        invoices = invoices.sudo().filtered(
            lambda m: m.state == "posted"
            and m.move_type == "out_invoice"
            and m.payment_state in OPEN_PAYMENT_STATES
        )
        if not invoices:
            return self.browse()
        money = self.env["hanling.money.service"]
        made = self.browse()
        for company, batch in invoices.grouped("company_id").items():
            prepaid, _deferred, journal = company._hanling_fee_accounting()
            holding = self._credit_holders(company, batch.commercial_partner_id)
            if not holding:
                continue
            # Older bills of these payers still owed come first (oldest first).
            targets = (batch | self._open_bills(company, holding)).filtered(
                lambda m, holding=holding: m.commercial_partner_id in holding
            )
            entries = money._apply_prepayments(targets, prepaid, journal)
            # sudo: the application entries (made by the money service) are read for the trail.
            made |= self._record(entries.sudo(), prepaid)
            made |= self._apply_bank_credits(company, targets, holding)
        return made.with_env(self.env)

    @api.model
    def _open_bills(self, company, payers):
        """The payers' posted fee bills and late-fee bills still owed."""
        bills = (
            self.env["hanling.fee.bill.line"]
            # sudo: the payers' fee bills still owed, read for the application.
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "child_of", payers.ids),
                    ("move_id.payment_state", "in", OPEN_PAYMENT_STATES),
                    ("move_id.state", "=", "posted"),
                ]
            )
            .move_id
        )
        late = (
            self.env["hanling.fee.late.fee"]
            # sudo: the payers' open late-fee bills, read for the application.
            .sudo()
            .search([("partner_id", "child_of", payers.ids), ("state", "=", "charged")])
            .late_invoice_id.filtered(lambda m: m.payment_state in OPEN_PAYMENT_STATES)
        )
        return bills | late

    @api.model
    def _apply_to_payers(self, company, partners):
        """Apply these payers' open credits to the fee bills they still owe (a bank collection
        just left a credit: an older bill may be owed)."""
        return self._apply(self._open_bills(company, partners.commercial_partner_id))

    @api.model
    def _apply_bank_credits(self, company, targets, holding):
        """The payers' open bank credits pay their bills still owed, oldest first (the money
        service reconciles each payer's receivable lines by due date); each payment's part of
        a bill is a line of the trail."""
        # sudo: the open bank credits of these payers (accounting lines), for the money service.
        credits = (
            self.env["account.move.line"].sudo().search(self._bank_credit_domain(company, holding))
        )
        targets = targets.filtered(lambda m: m.payment_state in OPEN_PAYMENT_STATES)
        if not credits or not targets:
            return self.browse()
        payments = credits.move_id.origin_payment_id
        before = credits.matched_debit_ids
        self.env["hanling.money.service"]._reconcile_receivables(
            targets.filtered(lambda m: m.commercial_partner_id in credits.partner_id), payments
        )
        vals_list = [
            {
                "source": "bank",
                "company_id": company.id,
                "partner_id": credit.partner_id.id,
                "payment_id": credit.move_id.origin_payment_id.id,
                "invoice_id": partial.debit_move_id.move_id.id,
                "entry_id": credit.move_id.id,
                "amount": partial.amount,
                "date": partial.max_date,
            }
            for credit in credits
            for partial in credit.matched_debit_ids - before
        ]
        # sudo: the trail is written by this step only (nobody creates one by hand).
        made = self.sudo().create(vals_list)
        for application in made:
            application.invoice_id.message_post(
                body=_(
                    "%(amount)s of the bank's collection %(payment)s (collected after its own "
                    "bills were paid) applied to this bill.",
                    amount=_num(application.amount),
                    payment=application.payment_id.name,
                )
            )
        return made

    @api.model
    def _record(self, entries, prepaid):
        # sudo: the receipt of each prepayment is found for the trail (desk reads receipts).
        Receipt = self.env["hanling.fee.receipt"].sudo()
        vals_list = []
        for entry in entries:
            liability = entry.line_ids.filtered(lambda line: line.account_id == prepaid)
            receivable = entry.line_ids - liability
            invoice = receivable.matched_debit_ids.debit_move_id.move_id.filtered(
                lambda m: m.move_type == "out_invoice"
            )[:1]
            for partial in liability.matched_credit_ids:
                payment = partial.credit_move_id.move_id.origin_payment_id
                receipt = Receipt.search([("payment_ids", "in", payment.ids)], limit=1)
                vals_list.append(
                    {
                        "company_id": entry.company_id.id,
                        "partner_id": entry.partner_id.id,
                        "receipt_id": receipt.id,
                        "payment_id": payment.id,
                        "invoice_id": invoice.id,
                        "entry_id": entry.id,
                        "amount": partial.amount,
                        "date": entry.date,
                    }
                )
        # sudo: the trail is written by this step only (nobody creates one by hand).
        made = self.sudo().create(vals_list)
        for application in made.filtered("receipt_id"):
            application.receipt_id.message_post(
                body=_(
                    "%(amount)s of this prepayment applied to %(bill)s (%(entry)s).",
                    amount=_num(application.amount),
                    bill=application.invoice_id.name,
                    entry=application.entry_id.name,
                )
            )
        return made


class HanlingFeeReceipt(models.Model):
    _inherit = "hanling.fee.receipt"

    prepaid_application_ids = fields.One2many(
        "hanling.fee.prepaid.application", "receipt_id", string="Prepayment Applied"
    )
    amount_prepaid_left = fields.Monetary(
        string="Prepaid Left", compute="_compute_amount_prepaid_left"
    )

    def _compute_amount_prepaid_left(self):
        for receipt in self:
            receipt.amount_prepaid_left = receipt.amount_prepaid - sum(
                receipt.prepaid_application_ids.mapped("amount")
            )


class HanlingOwnershipTransfer(models.Model):
    """过户 with fees: the unit's arrears show on the form; the transfer completes only once
    they are cleared or the office manager records an exception (结清证明)."""

    _inherit = "hanling.ownership.transfer"
    _workflow_fields = (
        "state",
        "date_done",
        "ended_occupancy_ids",
        "occupancy_id",
        "arrears_exception_by_id",
        "date_arrears_exception",
        "arrears_exception_amount",
    )

    arrears_amount = fields.Monetary(
        string="Fees Owed", compute="_compute_arrears", currency_field="arrears_currency_id"
    )
    arrears_currency_id = fields.Many2one(related="company_id.currency_id")
    arrears_invoice_ids = fields.Many2many(
        "account.move", string="Bills Owed", compute="_compute_arrears"
    )
    arrears_exception_note = fields.Text(
        string="Clearance Exception (结清证明)",
        help="Why the transfer may complete with fees still owed, as the office manager records it.",
    )
    arrears_exception_by_id = fields.Many2one(
        "res.users", string="Exception Recorded by", readonly=True, copy=False
    )
    date_arrears_exception = fields.Datetime(
        string="Exception Recorded on", readonly=True, copy=False
    )
    arrears_exception_amount = fields.Monetary(
        string="Owed at the Exception",
        readonly=True,
        copy=False,
        currency_field="arrears_currency_id",
    )

    def _unit_arrears(self):
        """The unit's posted fee bills and late fees still owed."""
        self.ensure_one()
        return _unit_open_bills(self.env, self.unit_id)

    @api.depends("unit_id")
    def _compute_arrears(self):
        for transfer in self:
            invoices = transfer._unit_arrears() if transfer.unit_id else self.env["account.move"]
            transfer.arrears_invoice_ids = invoices.ids
            transfer.arrears_amount = sum(invoices.mapped("amount_residual"))

    @workflow_step
    def action_record_arrears_exception(self):
        """The office manager lets the transfer complete with fees owed (结清证明 recorded)."""
        if not _is_manager(self.env):
            raise AccessError(_("Only the office manager records a clearance exception."))
        self._check_state(["draft"], _("Recording a clearance exception"))
        for transfer in self:
            if not (transfer.arrears_exception_note or "").strip():
                raise UserError(_("Write the clearance exception (结清证明) first."))
            transfer.write(
                {
                    "arrears_exception_by_id": self.env.uid,
                    "date_arrears_exception": fields.Datetime.now(),
                    "arrears_exception_amount": transfer.arrears_amount,
                }
            )
            transfer.message_post(
                body=_(
                    "Clearance exception recorded by %(user)s with %(amount)s owed: %(note)s",
                    user=self.env.user.name,
                    amount=_num(transfer.arrears_amount),
                    note=transfer.arrears_exception_note,
                )
            )
        return True

    def _check_arrears_cleared(self):
        """Called by ``_action_done``: no transfer with fees owed and no manager's exception."""
        for transfer in self:
            owed = transfer._unit_arrears()
            if owed and not transfer.arrears_exception_by_id:
                raise UserError(
                    _(
                        "%(unit)s still owes %(amount)s in fees (%(bills)s): clear them first or "
                        "ask the office manager to record a clearance exception (结清证明).",
                        unit=transfer.unit_id.display_name,
                        amount=_num(sum(owed.mapped("amount_residual"))),
                        bills=", ".join(owed.mapped("name")),
                    )
                )


class HanlingFeeCounterPayment(models.TransientModel):
    """The counter takes the unit's late fees too (their own invoices), on the same 收据."""

    _inherit = "hanling.fee.counter.payment"

    late_fee_ids = fields.Many2many(
        "hanling.fee.late.fee",
        string="Late Fees to Pay",
        compute="_compute_late_fee_ids",
        store=True,
        readonly=False,
        precompute=True,
        help="The unit's late fees still owed; each one's invoice is paid in full.",
    )

    def _open_late_fees(self, unit, partner):
        late = _unit_open_bills(self.env, unit, partner)
        return self.env["hanling.fee.late.fee"].search(
            [("late_invoice_id", "in", late.ids), ("state", "=", "charged")]
        )

    @api.depends("unit_id", "partner_id")
    def _compute_late_fee_ids(self):
        for wizard in self:
            wizard.late_fee_ids = (
                wizard._open_late_fees(wizard.unit_id, wizard.partner_id)
                if wizard.unit_id and wizard.partner_id
                else False
            )

    def _invoices(self):
        # sudo: the late fees' invoices, read for the front desk (paid by the money service).
        return super()._invoices() | self.late_fee_ids.sudo().late_invoice_id

    @api.depends("bill_line_ids", "amount_prepaid", "late_fee_ids")
    def _compute_amount_bills(self):
        return super()._compute_amount_bills()

    def action_pay(self):
        if self.late_fee_ids - self._open_late_fees(self.unit_id, self.partner_id):
            raise UserError(_("Choose open late fees of this unit and payer only."))
        return super().action_pay()
