from odoo import _, models

from .fee_run import _months, _overlap_days


class HanlingOwnershipTransfer(models.Model):
    _inherit = "hanling.ownership.transfer"

    def _action_done(self):
        # Before the occupancies move: previous_owner_ids still names the sellers.
        for transfer in self:
            Subscription = self.env["hanling.fee.subscription"]
            ended, _started = Subscription._transfer(transfer)
            # Fees the seller did not pay (none recorded) start for the buyer all the same.
            Subscription._start_for_owner(
                transfer.unit_id, transfer.partner_id, transfer.date_transfer, origin=transfer
            )
            transfer._hanling_credit_sellers_advance(ended)
        return super()._action_done()

    # ------------------------------------------------------------------ advance fees credited

    def _hanling_credit_sellers_advance(self, ended):
        """The seller billed in advance beyond the transfer day gets those days back.

        ``ended``: the sellers' subscriptions this transfer has just ended (the links on the
        subscriptions are not trusted: they are not the server's alone).
        For each bill line of those subscriptions whose stretch runs past the
        day before the transfer, one posted credit note (through the money service) for the
        days from the transfer on, prorated by day within each natural month as the billing
        run prorates; reconciled with the invoice while that one is still open. Returns the
        credit notes.
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
                ]
            )
        )
        money = self.env["hanling.money.service"]
        vals_list, invoices = [], []
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
        if not vals_list:
            return self.env["account.move"]
        credits = money._create_invoices(vals_list, company=self.company_id)
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
        return credits

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
