from odoo import _, models
from odoo.fields import Command

from .fee_run import _months, _overlap_days


class HanlingOwnershipTransfer(models.Model):
    _inherit = "hanling.ownership.transfer"

    def _action_done(self):
        # Before the occupancies move: previous_owner_ids still names the sellers.
        credited = {}
        for transfer in self:
            Subscription = self.env["hanling.fee.subscription"]
            ended, _started = Subscription._transfer(transfer)
            # Fees the seller did not pay (none recorded) start for the buyer all the same.
            Subscription._start_for_owner(
                transfer.unit_id, transfer.partner_id, transfer.date_transfer, origin=transfer
            )
            credited[transfer] = transfer._hanling_credit_sellers_advance(ended)
        # Issue 17: what the unit still owes (after the credits above) is cleared or excepted.
        self._check_arrears_cleared()
        for transfer in self:
            transfer._hanling_bill_buyer(credited[transfer])
        return super()._action_done()

    # ------------------------------------------------------------------ advance fees credited

    def _hanling_credit_sellers_advance(self, ended):
        """The seller billed in advance beyond the transfer day gets those days back.

        ``ended``: the sellers' subscriptions this transfer has just ended (the links on the
        subscriptions are not trusted: they are not the server's alone).
        For each bill line of those subscriptions whose stretch runs past the
        day before the transfer, one posted credit note (through the money service) for the
        days from the transfer on, prorated by day within each natural month as the billing
        run prorates; reconciled with the invoice while that one is still open; the line is
        then credited from the transfer day (``credited_from``). Returns the credited lines.
        """
        self.ensure_one()
        day = self.date_transfer
        # sudo: the bill lines and invoices are the billing run's records; the transfer's step
        # (its state checked) credits what the seller paid for days after the sale.
        lines = (
            self.env["hanling.fee.bill.line"]
            .sudo()
            .search(
                [
                    ("subscription_id", "in", ended.ids),
                    ("unit_id", "=", self.unit_id.id),
                    ("period_end", ">=", day),
                    ("move_id.state", "=", "posted"),
                    ("credited_from", "=", False),
                    # A metered bill charges the use read, not days: not prorated.
                    ("fee_type_id.kind", "!=", "metered"),
                ]
            )
        )
        money = self.env["hanling.money.service"]
        vals_list, invoices, credited = [], [], []
        for line in lines:
            amount = self._hanling_credit_amount(line, day)
            if line.currency_id.is_zero(amount):
                continue
            invoice_line = line.invoice_line_id
            vals_list.append(
                money._invoice_values(
                    line.company_id,
                    line.partner_id,
                    [
                        {
                            "product_id": invoice_line.product_id.id,
                            "name": _(
                                "%(line)s: credited from %(day)s (ownership transfer %(name)s)",
                                line=line.name,
                                day=day,
                                name=self.name,
                            ),
                            "quantity": 1.0,
                            "price_unit": amount,
                            "account_id": (
                                invoice_line.hanling_income_account_id or invoice_line.account_id
                            ).id,
                            "tax_ids": [(6, 0, invoice_line.tax_ids.ids)],
                            "hanling_period_start": day,
                            "hanling_period_end": line.period_end,
                        }
                    ],
                    community=line.community_id,
                    move_type="out_refund",
                    reversed_entry_id=line.move_id.id,
                    invoice_origin=self.name,
                    ref=_("Ownership transfer %(name)s", name=self.name),
                )
            )
            invoices.append(line.move_id)
            credited.append(line)
        if not vals_list:
            return lines.browse()
        credits = money._create_invoices(vals_list, company=self.company_id)
        for line in credited:
            # The days from ``day`` on no longer count as billed: the buyer is billed them.
            line.credited_from = max(day, line.period_start)
        for invoice, credit in zip(invoices, credits, strict=True):
            if invoice.payment_state in ("not_paid", "partial"):
                money._reconcile_receivables(invoice, credit)
        self.message_post(
            body=_(
                "Fees the seller was billed in advance for the days from %(day)s are credited: "
                "%(credits)s.",
                day=day,
                credits=", ".join(money._read(credits).mapped("name")),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return lines.browse([line.id for line in credited])

    def _hanling_bill_buyer(self, lines):
        """The days credited to the seller (``lines``) are billed to the buyer at once.

        For each period whose bills the transfer credited, a billing run of that period for
        the unit's credited fees, performed here (``hanling.fee.run._bill_now``): it bills the
        buyer's subscriptions what is not billed, as any run, on an invoice dated the
        transfer day (or the period's first day, billed ahead). Returns the runs.
        """
        self.ensure_one()
        lines = lines.filtered("run_id")
        # sudo: the transfer's step (its state checked) runs the billing engine for the unit,
        # which the front desk cannot start by hand.
        Run = self.env["hanling.fee.run"].sudo()
        runs = Run.browse()
        for period, period_lines in sorted(
            lines.grouped(lambda line: line.run_id.period_start).items()
        ):
            run = Run.create(
                {
                    "company_id": self.company_id.id,
                    "period_start": period,
                    "community_ids": [Command.set(self.unit_id.community_id.ids)],
                    "date_invoice": max(self.date_transfer, period),
                    "chunk_size": 1,
                }
            )
            run._bill_now(self.unit_id, period_lines.fee_type_id)
            runs |= run
        invoices = runs.bill_line_ids.move_id
        if invoices:
            self.message_post(
                body=_(
                    "The days credited to the seller are billed to the new owner: %(bills)s.",
                    bills=", ".join(invoices.mapped("name")),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return runs

    def _hanling_credit_amount(self, line, day):
        """The part of ``line.amount`` for [day, period_end], by covered days of each month."""
        if day <= line.period_start:
            return line.amount
        end = line.period_end
        weight = credited = 0.0
        for month_start, month_end in _months(line.period_start, end):
            days = (month_end - month_start).days + 1
            weight += _overlap_days(line.period_start, end, month_start, month_end) / days
            credited += _overlap_days(day, end, month_start, month_end) / days
        return line.currency_id.round(line.amount * credited / weight) if weight else 0.0
