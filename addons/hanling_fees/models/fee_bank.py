"""Bank collection round trip (银行代扣 / 托收), issue 17 item 2.

A payer's collection mandate (委托银行代收费合同, made by the move-in's 一卡通 step), the bank's
file layouts, the collection batch of a period (the file sent to the bank) and the bank's return
file: each collected line a posted payment reconciled with its bills (through
``hanling.money.service._collect_bank_payments``), each rejected line left owed with the bank's
reason and a follow-up for the front desk. A return file is imported once (its hash is unique
per company) and each batch line is settled once (its state), so a second import changes
nothing; a line matching no batch line is reported, never guessed.
"""

import base64
import csv
import hashlib
import io
import re

from dateutil.relativedelta import relativedelta
from stdnum import luhn

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare, formatLang

from odoo.addons.hanling_property.tools.locking import lock_for_update
from odoo.addons.hanling_property.tools.workflow import workflow_step
from odoo.addons.queue_job.delay import group

from ..tools.tabular import UnreadableWorkbook, csv_rows, xlsx_rows

COLUMN_KEYS = [
    ("reference", "Line Reference"),
    ("contract", "Mandate Number"),
    ("account_number", "Account Number"),
    ("holder", "Account Holder"),
    ("amount", "Amount"),
    ("period", "Period"),
    ("status", "Result"),
    ("reason", "Reason"),
]
RETURN_REQUIRED = ("reference", "amount", "status")
ENCODINGS = [
    ("gbk", "GBK"),
    ("gb18030", "GB18030"),
    ("utf-8", "UTF-8"),
    ("utf-8-sig", "UTF-8 with BOM"),
]
MAX_RETURN_BYTES = 64 * 2**20
# A return file of more collected lines than this is posted by queue jobs of this many lines
# each (a 100,000-line file would hold one request and its transaction for over an hour); the
# system parameter ``hanling_fees.bank_collect_chunk`` sets another size.
COLLECT_CHUNK = 500
AMOUNT = re.compile(r"^\d+(\.\d{1,2})?$")


def normalize_account_number(value):
    return re.sub(r"[\s-]", "", value or "")


class HanlingFeeBankLayout(models.Model):
    """How one bank wants its collection file and writes its return file."""

    _name = "hanling.fee.bank.layout"
    _description = "Bank Collection File Layout"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: the layout serves every company."
    )
    bank_ids = fields.Many2many("res.bank", string="Banks", help="The banks using this layout.")
    file_format = fields.Selection(
        [("csv", "CSV"), ("xlsx", "Excel (XLSX)")], required=True, default="csv"
    )
    encoding = fields.Selection(
        ENCODINGS, required=True, default="gbk", help="Of CSV files (XLSX carries its own)."
    )
    delimiter = fields.Char(default=",", size=1, required=True)
    success_codes = fields.Char(
        string="Collected When Result Is",
        required=True,
        default="成功,0000,S",
        help="Comma-separated results of the return file meaning the amount was collected; "
        "any other result is a rejection.",
    )
    column_ids = fields.One2many("hanling.fee.bank.layout.column", "layout_id", string="Columns")

    @api.constrains("column_ids")
    def _check_columns(self):
        for layout in self:
            export = layout.column_ids.filtered(lambda c: c.usage == "export")
            returned = set(layout.column_ids.filtered(lambda c: c.usage == "return").mapped("key"))
            if "reference" not in export.mapped("key"):
                raise ValidationError(
                    _(
                        "The collection file of %(layout)s needs the line reference.",
                        layout=layout.name,
                    )
                )
            missing = [key for key in RETURN_REQUIRED if key not in returned]
            if missing:
                labels = dict(
                    self.env["hanling.fee.bank.layout.column"]
                    ._fields["key"]
                    ._description_selection(self.env)
                )
                raise ValidationError(
                    _(
                        "The return file of %(layout)s needs the columns %(columns)s.",
                        layout=layout.name,
                        columns=", ".join(labels[key] for key in missing),
                    )
                )

    def _columns(self, usage):
        return self.column_ids.filtered(lambda c: c.usage == usage).sorted("sequence")

    def _success_codes(self):
        return {code.strip() for code in (self.success_codes or "").split(",") if code.strip()}

    # ------------------------------------------------------------------ writing

    def _write_file(self, rows, usage="export"):
        """A file of the layout: the columns' headers, then one row per dict of ``rows``.

        The collection file (``usage="export"``) the office sends, or a return file as the bank
        writes it (``usage="return"``): the demo office's and the benchmark's bank answer.
        """
        self.ensure_one()
        columns = self._columns(usage)
        table = [columns.mapped("header")] + [
            [row.get(column.key, "") for column in columns] for row in rows
        ]
        if self.file_format == "xlsx":
            import xlsxwriter

            buffer = io.BytesIO()
            book = xlsxwriter.Workbook(buffer, {"in_memory": True})
            sheet = book.add_worksheet()
            for r, values in enumerate(table):
                for c, value in enumerate(values):
                    sheet.write_string(r, c, str(value))
            book.close()
            return buffer.getvalue()
        text = io.StringIO()
        csv.writer(text, delimiter=self.delimiter, lineterminator="\r\n").writerows(table)
        return text.getvalue().encode(self.encoding)

    # ------------------------------------------------------------------ reading

    def _read_table(self, content):
        """The rows of a return file as lists of strings (header first), or a UserError."""
        self.ensure_one()
        if self.file_format == "xlsx":
            try:
                rows = xlsx_rows(content)
            except UnreadableWorkbook as error:
                raise UserError(
                    _(
                        "The return file is not an Excel (XLSX) file as the layout %(layout)s says.",
                        layout=self.name,
                    )
                ) from error
            return [[str(value).strip() for value in row] for row in rows]
        try:
            text = content.decode(self.encoding)
        except UnicodeDecodeError as error:
            raise UserError(self._encoding_error()) from error
        rows = [[cell.strip() for cell in row] for row in csv_rows(text, self.delimiter)]
        if rows and not self._has_headers(rows[0]):
            # A file written in another encoding can decode into other characters: say so
            # rather than that its columns are missing.
            for other, _label in ENCODINGS:
                try:
                    first = csv_rows(content.decode(other), self.delimiter)[:1]
                except UnicodeDecodeError:
                    continue
                if first and self._has_headers([cell.strip() for cell in first[0]]):
                    raise UserError(self._encoding_error())
        return rows

    def _has_headers(self, header):
        return all(
            column.header in header
            for column in self._columns("return")
            if column.key in RETURN_REQUIRED
        )

    def _encoding_error(self):
        return _(
            "The return file is not encoded in %(encoding)s as the layout %(layout)s says: "
            "nothing was imported.",
            encoding=dict(ENCODINGS)[self.encoding],
            layout=self.name,
        )

    def _parse_return(self, content):
        """[{line number, key: value}] of a return file, checked whole before anything is posted.

        Refused with a UserError naming the file's first fault: wrong encoding, a missing
        column, an amount that is not a positive number, a line given twice.
        """
        rows = [row for row in self._read_table(content) if any(row)]
        if not rows:
            raise UserError(_("The return file is empty."))
        header, body = rows[0], rows[1:]
        columns = self._columns("return")
        missing = [c.header for c in columns if c.key in RETURN_REQUIRED and c.header not in header]
        if missing:
            raise UserError(
                _(
                    "The return file has no column %(columns)s (layout %(layout)s): nothing was "
                    "imported.",
                    columns=", ".join(f"“{name}”" for name in missing),
                    layout=self.name,
                )
            )
        positions = {c.key: header.index(c.header) for c in columns if c.header in header}
        lines, seen = [], {}
        for number, row in enumerate(body, start=2):
            values = {
                key: row[position] if position < len(row) else ""
                for key, position in positions.items()
            }
            values["line"] = number
            reference = values["reference"]
            if not reference:
                raise UserError(
                    _("Line %(line)s of the return file has no line reference.", line=number)
                )
            raw = values["amount"].replace(",", "")
            if not AMOUNT.match(raw) or not float(raw) > 0:
                raise UserError(
                    _(
                        "Line %(line)s of the return file: the amount “%(amount)s” is not a "
                        "positive number; nothing was imported.",
                        line=number,
                        amount=values["amount"],
                    )
                )
            values["amount"] = float(raw)
            if reference in seen:
                raise UserError(
                    _(
                        "Line %(line)s of the return file repeats the line %(reference)s of line "
                        "%(first)s; nothing was imported.",
                        line=number,
                        reference=reference,
                        first=seen[reference],
                    )
                )
            seen[reference] = number
            lines.append(values)
        return lines


class HanlingFeeBankLayoutColumn(models.Model):
    _name = "hanling.fee.bank.layout.column"
    _description = "Bank File Column"
    _order = "layout_id, usage, sequence, id"

    layout_id = fields.Many2one(
        "hanling.fee.bank.layout", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    usage = fields.Selection(
        [("export", "Collection File"), ("return", "Return File")], required=True, default="export"
    )
    key = fields.Selection(COLUMN_KEYS, string="Content", required=True)
    header = fields.Char(required=True, help="The column's title in the file's first row.")


class HanlingFeeBankMandate(models.Model):
    """委托银行代收费合同: a payer lets the bank collect the fees from an account (篇1 一 1 3)."""

    _name = "hanling.fee.bank.mandate"
    _description = "Bank Collection Mandate"
    _inherit = ["hanling.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _sequence_code = "hanling.fee.bank.mandate"
    _workflow_fields = ("state", "date_activated", "activated_by_id", "move_in_id")
    _workflow_lock = {
        ("active", "ended", "cancel"): (
            "partner_id",
            "unit_id",
            "bank_id",
            "account_kind",
            "account_holder",
            "account_number",
            "date_start",
            "company_id",
            "signed_copy",
        ),
        ("ended", "cancel"): ("date_end", "layout_id"),
    }

    name = fields.Char(string="Number", readonly=True, copy=False, default="/")
    state = fields.Selection(
        [("draft", "Draft"), ("active", "In Force"), ("ended", "Ended"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner", string="Payer", required=True, index=True, tracking=True
    )
    unit_id = fields.Many2one(
        "hanling.unit", required=True, index=True, tracking=True, check_company=True
    )
    community_id = fields.Many2one(related="unit_id.community_id", store=True, index=True)
    bank_id = fields.Many2one("res.bank", string="Bank", tracking=True)
    layout_id = fields.Many2one(
        "hanling.fee.bank.layout",
        string="File Layout",
        compute="_compute_layout_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    account_kind = fields.Selection(
        [("card", "Bank Card"), ("account", "Account / Passbook")],
        required=True,
        default="card",
        help="Bank card numbers (16–19 digits) carry a Luhn check digit, which is checked.",
    )
    account_holder = fields.Char(tracking=True)
    account_number = fields.Char(tracking=True)
    signed_copy = fields.Binary(string="Signed Mandate", attachment=True, copy=False)
    signed_copy_name = fields.Char(copy=False)
    date_start = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    date_end = fields.Date(tracking=True)
    move_in_id = fields.Many2one("hanling.move.in", string="Move-in", readonly=True, copy=False)
    date_activated = fields.Datetime(readonly=True, copy=False)
    activated_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    line_ids = fields.One2many("hanling.fee.bank.batch.line", "mandate_id", string="Collections")

    @api.depends("bank_id", "company_id")
    def _compute_layout_id(self):
        Layout = self.env["hanling.fee.bank.layout"]
        for mandate in self:
            if mandate.layout_id or not mandate.bank_id:
                continue
            mandate.layout_id = Layout.search(
                [
                    ("bank_ids", "in", mandate.bank_id.ids),
                    ("company_id", "in", [False, mandate.company_id.id]),
                ],
                limit=1,
            ) or self.env.ref("hanling_fees.bank_layout_common", raise_if_not_found=False)

    @api.constrains("account_number", "account_kind")
    def _check_account_number(self):
        for mandate in self:
            number = mandate.account_number or ""
            if not number:
                continue
            if not number.isdigit():
                raise ValidationError(
                    _("An account number has digits only (%(number)s).", number=number)
                )
            if mandate.account_kind == "card":
                if not 16 <= len(number) <= 19 or not luhn.is_valid(number):
                    raise ValidationError(
                        _(
                            "%(number)s is not a valid bank card number (16 to 19 digits with "
                            "its check digit).",
                            number=number,
                        )
                    )
            elif not 8 <= len(number) <= 32:
                raise ValidationError(
                    _("%(number)s is not a valid account number (8 to 32 digits).", number=number)
                )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for mandate in self:
            if mandate.date_end and mandate.date_end < mandate.date_start:
                raise ValidationError(_("A mandate cannot end before it starts."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "account_number" in vals:
                vals["account_number"] = normalize_account_number(vals["account_number"])
        return super().create(vals_list)

    def write(self, vals):
        if "account_number" in vals:
            vals = dict(vals, account_number=normalize_account_number(vals["account_number"]))
        return super().write(vals)

    def _check_manager(self):
        self.check_access("write")

    @workflow_step
    def action_activate(self):
        """The signed mandate is in force: its payer's fees are collected by the bank."""
        self._check_manager()
        self._check_state(["draft"], message=_("Only a draft mandate can be put in force."))
        for mandate in self:
            if not (mandate.bank_id and mandate.account_holder and mandate.account_number):
                raise UserError(
                    _(
                        "Enter the bank, the account holder and the account number of %(payer)s's "
                        "mandate first.",
                        payer=mandate.partner_id.display_name,
                    )
                )
            if not mandate.signed_copy:
                raise UserError(
                    _(
                        "Attach the signed mandate (委托银行代收费合同) of %(payer)s first.",
                        payer=mandate.partner_id.display_name,
                    )
                )
            overlapping = self.search_count(
                [
                    ("id", "!=", mandate.id),
                    ("unit_id", "=", mandate.unit_id.id),
                    ("partner_id", "=", mandate.partner_id.id),
                    ("state", "=", "active"),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">=", mandate.date_start),
                ]
            )
            if overlapping:
                raise UserError(
                    _(
                        "%(payer)s already has a mandate in force for %(unit)s.",
                        payer=mandate.partner_id.display_name,
                        unit=mandate.unit_id.display_name,
                    )
                )
        self.write(
            {
                "state": "active",
                "date_activated": fields.Datetime.now(),
                "activated_by_id": self.env.uid,
            }
        )
        return True

    @workflow_step
    def action_end(self):
        self._check_manager()
        self._check_state(["active"], message=_("Only a mandate in force can be ended."))
        today = fields.Date.context_today(self)
        for mandate in self:
            mandate.write({"state": "ended", "date_end": min(mandate.date_end or today, today)})
        return True

    @workflow_step
    def action_cancel(self):
        self._check_manager()
        self._check_state(["draft"], message=_("Only a draft mandate can be cancelled."))
        self.write({"state": "cancel"})
        return True

    @api.model
    @workflow_step
    def _from_move_in(self, move_in, vals):
        """The 一卡通 step of a move-in: the payer's mandate, in force when its copy is signed."""
        mandate = self.create(dict(vals))
        mandate.write({"move_in_id": move_in.id})
        if mandate.signed_copy and mandate.account_number:
            mandate.action_activate()
        return mandate

    def _follow_up(self, line):
        """A to-do for the front desk: the bank could not collect ``line``."""
        self.ensure_one()
        users = self.env["res.users"]._hanling_role_users(
            "hanling_property.group_duty_officer", self.company_id
        )
        user = (self.move_in_id.user_id & users) or users[:1] or self.env.user
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user[:1].id,
            summary=_("Bank collection rejected: %(reason)s", reason=line.reason),
            note=_(
                "The bank did not collect %(amount)s (%(reference)s) from %(payer)s: %(reason)s. "
                "Ask the payer to pay at the counter or to renew the mandate.",
                amount=line.amount,
                reference=line.reference,
                payer=self.partner_id.display_name,
                reason=line.reason,
            ),
        )


class HanlingFeeBankBatch(models.Model):
    """托收批次: what is due per mandate of one bank for a period, sent to the bank as a file."""

    _name = "hanling.fee.bank.batch"
    _description = "Bank Collection Batch"
    _inherit = ["hanling.workflow.mixin", "mail.thread", "hanling.fee.job.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _sequence_code = "hanling.fee.bank.batch"
    _hanling_job_methods = ("_job_collect", "_job_collect_done")
    _workflow_fields = (
        "state",
        "line_ids",
        "export_file",
        "export_filename",
        "date_exported",
        "exported_by_id",
        "return_ids",
    )
    _workflow_lock = {
        ("exported", "done", "cancel"): (
            "bank_id",
            "layout_id",
            "journal_id",
            "period_start",
            "company_id",
        ),
    }

    name = fields.Char(string="Number", readonly=True, copy=False, default="/")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("exported", "Sent to the Bank"),
            ("done", "Returned"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    bank_id = fields.Many2one("res.bank", string="Bank", required=True)
    layout_id = fields.Many2one(
        "hanling.fee.bank.layout",
        string="File Layout",
        required=True,
        default=lambda self: self.env.ref(
            "hanling_fees.bank_layout_common", raise_if_not_found=False
        ),
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Collected Into",
        required=True,
        check_company=True,
        domain="[('company_id', '=', company_id), ('type', '=', 'bank')]",
        default=lambda self: self.env["hanling.money.service"]._payment_journal(
            self.env.company, channels=("bank",), raise_if_not_found=False
        ),
    )
    period_start = fields.Date(
        string="Period",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="The month collected: the bills open at its end, of mandates in force in it.",
    )
    line_ids = fields.One2many(
        "hanling.fee.bank.batch.line", "batch_id", string="Lines", readonly=True
    )
    return_ids = fields.One2many(
        "hanling.fee.bank.return", "batch_id", string="Return Files", readonly=True
    )
    export_file = fields.Binary(
        string="Collection File", attachment=True, readonly=True, copy=False
    )
    export_filename = fields.Char(readonly=True, copy=False)
    date_exported = fields.Datetime(readonly=True, copy=False)
    exported_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    line_count = fields.Integer(compute="_compute_figures", store=True)
    amount_total = fields.Monetary(string="Sent", compute="_compute_figures", store=True)
    amount_collected = fields.Monetary(string="Collected", compute="_compute_figures", store=True)
    collected_count = fields.Integer(compute="_compute_figures", store=True)
    rejected_count = fields.Integer(compute="_compute_figures", store=True)

    @api.depends("line_ids.state", "line_ids.amount")
    def _compute_figures(self):
        for batch in self:
            lines = batch.line_ids
            collected = lines.filtered(lambda line: line.state == "collected")
            batch.line_count = len(lines)
            batch.amount_total = sum(lines.mapped("amount"))
            batch.amount_collected = sum(collected.mapped("amount"))
            batch.collected_count = len(collected)
            batch.rejected_count = len(lines.filtered(lambda line: line.state == "rejected"))

    def _check_accountant(self):
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(_("Only the accountant sends and imports bank collection files."))

    def _period_end(self):
        return self.period_start + relativedelta(months=1, days=-1)

    def _due_by_mandate(self):
        """[(mandate, invoices)]: the open posted fee invoices of each mandate in force."""
        self.ensure_one()
        start, end = self.period_start, self._period_end()
        mandates = self.env["hanling.fee.bank.mandate"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("bank_id", "=", self.bank_id.id),
                ("state", "=", "active"),
                ("date_start", "<=", end),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", start),
            ],
            order="id",
        )
        if not mandates:
            return []
        # sudo: the batch reads the bills' invoices (state, residual) of its mandates' payers.
        bills = (
            self.env["hanling.fee.bill.line"]
            .sudo()
            .search(
                [
                    ("unit_id", "in", mandates.unit_id.ids),
                    ("partner_id", "in", mandates.partner_id.ids),
                    ("move_id.state", "=", "posted"),
                    ("move_id.payment_state", "in", ("not_paid", "partial")),
                    ("move_id.invoice_date", "<=", end),
                ]
            )
        )
        # A bill already sent in a batch the bank has not answered stays out.
        # sudo: lines are read-only records of the batches (other companies' never match).
        pending = (
            self.env["hanling.fee.bank.batch.line"]
            .sudo()
            .search([("state", "=", "sent"), ("invoice_ids", "in", bills.move_id.ids)])
        )
        taken = set(pending.invoice_ids.ids)
        by_key = {}
        for bill in bills:
            move = bill.move_id
            if move.id not in taken:
                by_key.setdefault((bill.unit_id.id, bill.partner_id.id), set()).add(move.id)
        # sudo: the invoices found above, handed to the export step for their residuals.
        Move = self.env["account.move"].sudo()
        return [
            (mandate, Move.browse(sorted(by_key[(mandate.unit_id.id, mandate.partner_id.id)])))
            for mandate in mandates
            if (mandate.unit_id.id, mandate.partner_id.id) in by_key
        ]

    @workflow_step
    def action_export(self):
        """Send to the bank: one line per mandate with what it owes, in the bank's layout."""
        self._check_accountant()
        self.check_access("write")
        self._check_state(["draft"], message=_("Only a draft batch is sent to the bank."))
        Line = self.env["hanling.fee.bank.batch.line"]
        for batch in self:
            due = batch._due_by_mandate()
            if not due:
                raise UserError(
                    _(
                        "No open bill of a mandate of %(bank)s for %(period)s: nothing to send.",
                        bank=batch.bank_id.name,
                        period=batch.period_start.strftime("%Y-%m"),
                    )
                )
            # sudo: lines are made by this step only (nobody creates one by hand).
            lines = Line.sudo().create(
                [
                    {
                        "batch_id": batch.id,
                        "sequence": position,
                        "reference": f"{batch.name}-{position:06d}",
                        "mandate_id": mandate.id,
                        "partner_id": mandate.partner_id.id,
                        "amount": sum(invoices.mapped("amount_residual")),
                        "invoice_ids": [fields.Command.set(invoices.ids)],
                    }
                    for position, (mandate, invoices) in enumerate(due, start=1)
                ]
            )
            period = batch.period_start.strftime("%Y%m")
            rows = [
                {
                    "reference": line.reference,
                    "contract": line.mandate_id.name,
                    "account_number": line.mandate_id.account_number,
                    "holder": line.mandate_id.account_holder,
                    "amount": f"{line.amount:.2f}",
                    "period": period,
                }
                for line in lines
            ]
            content = batch.layout_id._write_file(rows)
            batch.write(
                {
                    "state": "exported",
                    "export_file": base64.b64encode(content),
                    "export_filename": f"{batch.name}.{batch.layout_id.file_format}",
                    "date_exported": fields.Datetime.now(),
                    "exported_by_id": self.env.uid,
                }
            )
        return True

    @workflow_step
    def action_cancel(self):
        self._check_accountant()
        self._check_state(["draft", "exported"], message=_("A returned batch is not cancelled."))
        if self.return_ids:
            raise UserError(_("A batch the bank has answered is not cancelled."))
        # sudo: the lines are this step's own records (no role deletes one by hand).
        self.line_ids.sudo().unlink()
        self.write({"state": "cancel"})
        return True

    @workflow_step
    def _import_return(self, content, filename, date=None):
        """Import the bank's return file (bytes): collected lines paid and reconciled, rejected
        ones left owed with the bank's reason and a follow-up; returns the import record.

        The whole file is checked before anything is posted; the same file (by its hash) is
        refused the second time, and a line settled before is counted, not settled again. The
        rejected lines are settled here; the collected ones too, up to ``COLLECT_CHUNK`` of
        them, else queue jobs of ``COLLECT_CHUNK`` lines post their payments (the import is
        "collecting" until its last job, ``_job_collect_done``, and the batch takes no other
        return file meanwhile).
        """
        self.ensure_one()
        self._check_accountant()
        self.check_access("write")
        lock_for_update(self)
        if self.state not in ("exported", "done"):
            raise UserError(_("Send the batch to the bank before importing its return file."))
        posting = self.return_ids.filtered(lambda record: record.state == "collecting")
        if posting:
            raise UserError(
                _(
                    "The payments of the return file %(import)s are still being posted: import "
                    "another file of %(batch)s once they are.",
                    **{"import": posting[0].name, "batch": self.name},
                )
            )
        if len(content) > MAX_RETURN_BYTES:
            raise UserError(_("The return file is larger than 64 MB."))
        digest = hashlib.sha256(content).hexdigest()
        # sudo: import records are made by this step only (no role creates one by hand).
        Return = self.env["hanling.fee.bank.return"].sudo()
        earlier = Return.search(
            [("company_id", "=", self.company_id.id), ("file_hash", "=", digest)], limit=1
        )
        if earlier:
            raise UserError(
                _(
                    "This return file was imported already (%(import)s, %(date)s): nothing was "
                    "changed.",
                    **{
                        "import": earlier.name,
                        "date": earlier.create_date.strftime("%Y-%m-%d %H:%M"),
                    },
                )
            )
        parsed = self.layout_id._parse_return(content)
        # sudo: the batch's lines are settled by this step only (read-only for every role).
        lines = self.line_ids.sudo()
        collected, rejected, unknown, already = self._match_return(parsed, lines)
        credits = self._credit_report(collected)
        day = date or fields.Date.context_today(self)
        chunk = self._collect_chunk()
        by_jobs = len(collected) > chunk
        record = Return.create(
            {
                "state": "collecting" if by_jobs else "done",
                "batch_id": self.id,
                "company_id": self.company_id.id,
                "file_hash": digest,
                "filename": filename,
                "file": base64.b64encode(content),
                "date": day,
                "line_count": len(parsed),
                "collected_count": len(collected),
                "rejected_count": len(rejected),
                "already_count": already,
                "unknown_count": len(unknown),
                "unknown_report": "\n".join(unknown),
                "credit_count": len(credits),
                "credit_report": "\n".join(text for _line, text in credits),
            }
        )
        credited = self.env["res.partner"].union(*(line.partner_id for line, _text in credits))
        if by_jobs:
            self._queue_collect(collected, record, credited, chunk)
        elif collected:
            self._collect(collected, record, day, credited)
        for line, reason in rejected:
            line._settle_rejected(reason, record)
            # sudo: the front desk's follow-up on the mandate (the accountant may not write it).
            line.mandate_id.sudo()._follow_up(line)
        if not by_jobs and all(line.state != "sent" for line in lines):
            self.write({"state": "done"})
        figures = {
            "file": filename,
            "collected": len(collected),
            "rejected": len(rejected),
            "unknown": len(unknown),
            "already": already,
        }
        if by_jobs:
            body = _(
                "Return file %(file)s: %(collected)s collected (their payments are being posted "
                "by queue jobs), %(rejected)s rejected, %(unknown)s not matched, %(already)s "
                "settled before.",
                **figures,
            )
        else:
            body = _(
                "Return file %(file)s: %(collected)s collected, %(rejected)s rejected, "
                "%(unknown)s not matched, %(already)s settled before.",
                **figures,
            )
        self.message_post(body=body)
        return record.with_env(self.env)

    def _match_return(self, parsed, lines):
        """The parsed return file's lines against the batch's ``lines``: (collected lines,
        (line, reason) pairs rejected, texts of the lines matching nothing, count of the lines
        settled before)."""
        success = self.layout_id._success_codes()
        currency = self.company_id.currency_id
        by_reference = {line.reference: line for line in lines}
        collected, rejected, unknown, already = [], [], [], 0
        for values in parsed:
            line = by_reference.get(values["reference"])
            problem = None
            if not line:
                problem = _(
                    "no line %(reference)s in %(batch)s",
                    reference=values["reference"],
                    batch=self.name,
                )
            elif (
                values.get("account_number")
                and normalize_account_number(values["account_number"])
                != line.mandate_id.account_number
            ):
                problem = _("the account number differs from the mandate's")
            elif float_compare(values["amount"], line.amount, precision_rounding=currency.rounding):
                problem = _(
                    "the amount %(amount)s differs from the %(sent)s sent",
                    amount=values["amount"],
                    sent=line.amount,
                )
            if problem:
                unknown.append(
                    _("Line %(line)s: %(problem)s", line=values["line"], problem=problem)
                )
                continue
            if line.state != "sent":
                already += 1
                continue
            if values["status"] in success:
                collected.append(line)
            else:
                rejected.append((line, values.get("reason") or values["status"]))
        return collected, rejected, unknown, already

    @api.model
    def _collect_chunk(self):
        """Collected lines per job of a long return file: the system parameter
        ``hanling_fees.bank_collect_chunk`` (a positive whole number), else ``COLLECT_CHUNK``."""
        # sudo: a technical setting read by the import (ir.config_parameter is admin-only).
        value = self.env["ir.config_parameter"].sudo().get_param("hanling_fees.bank_collect_chunk")
        try:
            chunk = int(value or COLLECT_CHUNK)
        except ValueError:
            chunk = COLLECT_CHUNK
        return chunk if chunk > 0 else COLLECT_CHUNK

    def _queue_collect(self, collected, record, credited, chunk):
        """The collected lines' payments as queue jobs of ``chunk`` lines (run as the importing
        accountant), then the job that ends the import once they are all done."""
        parts = [collected[start : start + chunk] for start in range(0, len(collected), chunk)]
        jobs = [
            self.delayable(
                description=_(
                    "%(import)s: payments, part %(index)s of %(count)s",
                    **{"import": record.name, "index": index, "count": len(parts)},
                ),
                identity_key=f"hanling.fee.bank.return-{record.id}-{index}",
            )._job_collect(
                [line.id for line in part],
                record.id,
                [line.partner_id.id for line in part if line.partner_id in credited],
            )
            for index, part in enumerate(parts, start=1)
        ]
        done = self.delayable(
            description=_("%(import)s: the import is posted", **{"import": record.name}),
            identity_key=f"hanling.fee.bank.return-{record.id}-done",
        )._job_collect_done(record.id)
        group(*jobs).on_done(done).delay()

    def _collecting_return(self, return_id):
        """The import ``return_id`` of this batch whose payments are being posted, or an empty
        record if it is posted already; an import of another batch is refused."""
        self.ensure_one()
        # sudo: import records are written by the import's steps only.
        record = self.env["hanling.fee.bank.return"].sudo().browse(return_id).exists()
        if record.batch_id != self:
            raise UserError(
                _(
                    "The return file %(import)s is not one of %(batch)s.",
                    **{"import": return_id, "batch": self.name},
                )
            )
        return record.filtered(lambda rec: rec.state == "collecting")

    @workflow_step
    def _job_collect(self, line_ids, return_id, credited_ids):
        """The job of one part of a long return file: post and reconcile the payments of its
        collected lines still sent (a job performed again posts nothing twice). The batch's
        row is left alone (parts run side by side on several workers): its figures are
        written by the last job."""
        record = self._collecting_return(return_id)
        if not record:
            return f"{return_id} is posted already: nothing posted"
        # sudo: the batch's lines are settled by the import's steps only.
        lines = (
            self.env["hanling.fee.bank.batch.line"]
            .sudo()
            .browse(line_ids)
            .exists()
            .filtered(lambda line: line.batch_id == self and line.state == "sent")
        )
        if lines:
            credited = self.env["res.partner"].browse(credited_ids)
            self._collect(list(lines), record, record.date, credited, figures=False)
        return f"{len(lines)} of {len(line_ids)} lines posted"

    @workflow_step
    def _job_collect_done(self, return_id):
        """The last job of a long return file, after every part: the batch's figures and
        state, the import done."""
        record = self._collecting_return(return_id)
        if not record:
            return f"{return_id} is posted already"
        # sudo: the batch's lines are settled by the import's steps only.
        lines = self.line_ids.sudo()
        lines.modified(["state"])  # the parts left the batch's figures to this job
        if all(line.state != "sent" for line in lines):
            self.write({"state": "done"})
        record.write({"state": "done"})
        self.message_post(
            body=_(
                "Return file %(file)s: the payments of its %(count)s collected lines are posted.",
                file=record.filename,
                count=record.posted_count,
            )
        )
        return f"{record.name}: {record.posted_count} payments"

    def _collect(self, collected, record, day, credited, figures=True):
        """The collected lines' payments, posted and reconciled with their bills; the credit
        left to the ``credited`` payers (bills paid meanwhile) pays what they still owe now,
        the rest their next bills."""
        payments = self.env["hanling.money.service"]._collect_bank_payments(
            [
                {
                    "partner": line.partner_id,
                    "amount": line.amount,
                    "invoices": line.invoice_ids,
                    # self.env._: a comprehension's frame has no ``self`` to take the
                    # language from (a warning with its stack for each line otherwise).
                    "memo": self.env._("Bank collection %(reference)s", reference=line.reference),
                }
                for line in collected
            ],
            self.journal_id,
            day,
        )
        # sudo: the lines collected are settled by this step (read-only for every role).
        self.env["hanling.fee.bank.batch.line"].sudo()._settle_collected(
            collected, payments, record, figures=figures
        )
        if credited:
            self.env["hanling.fee.prepaid.application"]._apply_to_payers(self.company_id, credited)

    def _credit_report(self, collected):
        """A bill paid at the counter after the file went to the bank, which collected it all
        the same: the money is the payer's (a posted payment, its open part their credit, which
        ``_collect`` applies to their bills); the return file says so, line by line.
        Returns (line, text) pairs."""
        currency = self.company_id.currency_id
        credits = []
        for line in collected:
            owed = sum(
                line.invoice_ids.filtered(lambda move: move.state == "posted").mapped(
                    "amount_residual"
                )
            )
            if float_compare(owed, line.amount, precision_rounding=currency.rounding) < 0:
                credits.append(
                    (
                        line,
                        _(
                            "%(reference)s (%(payer)s): %(amount)s collected, %(owed)s still owed on "
                            "its bills; %(credit)s is the payer's credit, applied to what they still owe "
                            "and to their next bills as they are posted.",
                            reference=line.reference,
                            payer=line.partner_id.display_name,
                            amount=formatLang(self.env, line.amount, currency_obj=currency),
                            owed=formatLang(self.env, owed, currency_obj=currency),
                            credit=formatLang(self.env, line.amount - owed, currency_obj=currency),
                        ),
                    )
                )
        return credits


class HanlingFeeBankBatchLine(models.Model):
    """One mandate's collection in a batch; settled once, by the batch's return file."""

    _name = "hanling.fee.bank.batch.line"
    _description = "Bank Collection Line"
    _inherit = ["hanling.workflow.mixin"]
    _order = "batch_id desc, sequence, id"
    _check_company_auto = True
    _workflow_parent = "batch_id"
    _workflow_fields = (
        "state",
        "batch_id",
        "sequence",
        "reference",
        "mandate_id",
        "partner_id",
        "amount",
        "invoice_ids",
        "payment_id",
        "reason",
        "return_id",
    )

    batch_id = fields.Many2one(
        "hanling.fee.bank.batch", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="batch_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    sequence = fields.Integer(readonly=True)
    reference = fields.Char(required=True, readonly=True, index=True)
    mandate_id = fields.Many2one(
        "hanling.fee.bank.mandate", required=True, readonly=True, index=True, ondelete="restrict"
    )
    unit_id = fields.Many2one(related="mandate_id.unit_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Payer", readonly=True, index=True)
    amount = fields.Monetary(readonly=True)
    invoice_ids = fields.Many2many(
        "account.move",
        "hanling_fee_bank_line_invoice_rel",
        "line_id",
        "move_id",
        string="Bills",
        readonly=True,
    )
    state = fields.Selection(
        [("sent", "Sent"), ("collected", "Collected"), ("rejected", "Rejected")],
        default="sent",
        required=True,
        readonly=True,
        index=True,
    )
    payment_id = fields.Many2one("account.payment", readonly=True, index="btree_not_null")
    reason = fields.Char(string="Bank's Reason", readonly=True)
    return_id = fields.Many2one("hanling.fee.bank.return", string="Return File", readonly=True)

    _sql_constraints = [
        (
            "reference_unique",
            "UNIQUE(reference, company_id)",
            "A collection line reference is used once.",
        ),
        ("amount_positive", "CHECK(amount > 0)", "A collection line asks for a positive amount."),
    ]

    def _settle_collected(self, lines, payments, record, figures=True):
        """Mark the collected lines with their payments (one UPDATE per 1,000 lines);
        ``figures=False`` leaves the batch's figures to be recomputed later (a part of a long
        return file, ``_job_collect``)."""
        Line = self.browse([line.id for line in lines])
        self.env.flush_all()
        rows = [(line.id, payment.id) for line, payment in zip(lines, payments, strict=True)]
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE hanling_fee_bank_batch_line AS line
                       SET state = 'collected', payment_id = v.payment_id, return_id = %s,
                           write_uid = %s, write_date = (now() at time zone 'UTC')
                      FROM (VALUES %s) AS v(id, payment_id)
                     WHERE line.id = v.id AND line.state = 'sent'
                    """,
                    record.id,
                    self.env.uid,
                    SQL(", ").join(
                        SQL("(%s, %s)", line_id, payment_id) for line_id, payment_id in chunk
                    ),
                )
            )
            if self.env.cr.rowcount != len(chunk):
                raise UserError(_("A collection line was settled meanwhile: import again."))
        Line.invalidate_recordset(["state", "payment_id", "return_id"])
        if figures:
            Line.batch_id.modified(["line_ids"])
            Line.modified(["state"])
        return True

    def _settle_rejected(self, reason, record):
        self.write({"state": "rejected", "reason": reason, "return_id": record.id})


class HanlingFeeBankReturn(models.Model):
    """One return file of the bank as imported: its hash makes a second import change nothing."""

    _name = "hanling.fee.bank.return"
    _description = "Bank Return File"
    _inherit = ["hanling.workflow.mixin"]
    _order = "id desc"
    _check_company_auto = True
    # Made and ended by the batch's import steps only (``_import_return``, its last job).
    _workflow_parent = "batch_id"
    _workflow_fields = ("state",)

    name = fields.Char(compute="_compute_name", store=True)
    state = fields.Selection(
        [("collecting", "Posting Payments"), ("done", "Done")],
        string="Status",
        default="done",
        required=True,
        readonly=True,
        help="A long file's payments are posted by queue jobs after the import: until the last "
        "one, the batch takes no other return file.",
    )
    batch_id = fields.Many2one(
        "hanling.fee.bank.batch", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    file_hash = fields.Char(required=True, readonly=True)
    filename = fields.Char(readonly=True)
    file = fields.Binary(attachment=True, readonly=True)
    date = fields.Date(string="Collected On", readonly=True)
    line_count = fields.Integer(string="Lines", readonly=True)
    collected_count = fields.Integer(string="Collected", readonly=True)
    rejected_count = fields.Integer(string="Rejected", readonly=True)
    already_count = fields.Integer(string="Settled Before", readonly=True)
    unknown_count = fields.Integer(string="Not Matched", readonly=True)
    unknown_report = fields.Text(string="Lines Not Matched", readonly=True)
    credit_count = fields.Integer(
        string="Paid Meanwhile",
        readonly=True,
        help="Collected lines whose bills had been paid (in part or whole) since the export.",
    )
    credit_report = fields.Text(string="Collected for Bills Paid Meanwhile", readonly=True)
    posted_count = fields.Integer(
        string="Payments Posted",
        compute="_compute_posted_count",
        help="Collected lines of this file whose payment is posted and reconciled.",
    )

    _sql_constraints = [
        ("file_hash_unique", "UNIQUE(file_hash, company_id)", "A return file is imported once."),
    ]

    @api.depends("batch_id.name", "filename")
    def _compute_name(self):
        for record in self:
            record.name = f"{record.batch_id.name} / {record.filename or ''}"

    def _compute_posted_count(self):
        # sudo: counting the batch lines, read-only to the roles that read the imports.
        counts = dict(
            self.env["hanling.fee.bank.batch.line"]
            .sudo()
            ._read_group(
                [("return_id", "in", self.ids), ("state", "=", "collected")],
                ["return_id"],
                ["__count"],
            )
        )
        for record in self:
            record.posted_count = counts.get(record, 0)


class HanlingFeeBankReturnImport(models.TransientModel):
    _name = "hanling.fee.bank.return.import"
    _description = "Import a Bank Return File"

    batch_id = fields.Many2one("hanling.fee.bank.batch", required=True)
    file = fields.Binary(string="Return File", required=True)
    filename = fields.Char()
    date = fields.Date(string="Collected On", required=True, default=fields.Date.context_today)

    def action_import(self):
        self.ensure_one()
        record = self.batch_id._import_return(
            base64.b64decode(self.file), self.filename or "", self.date
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "hanling.fee.bank.return",
            "res_id": record.id,
            "view_mode": "form",
            "target": "current",
        }
