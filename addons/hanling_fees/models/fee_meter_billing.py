"""Metered fees in the billing run (issue 17 item 1): one bill line per unit, fee and month
from the month's confirmed reading, its invoice line carrying the previous and current dial;
the common meter's difference shared by floor area; a corrected reading rebilled."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_round, formatLang

from .fee_meter import _g

BILLABLE = ("confirmed", "billed")


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    hanling_meter_previous = fields.Float(string="Previous Reading", digits=(16, 2), copy=False)
    hanling_meter_current = fields.Float(string="Current Reading", digits=(16, 2), copy=False)
    hanling_meter_use = fields.Float(string="Metered Use", digits=(16, 4), copy=False)


class HanlingFeeBillLine(models.Model):
    _inherit = "hanling.fee.bill.line"

    meter_reading_ids = fields.One2many(
        "hanling.fee.meter.reading", "bill_line_id", string="Readings", readonly=True
    )
    meter_previous = fields.Float(string="Previous Reading", digits=(16, 2), readonly=True)
    meter_current = fields.Float(string="Current Reading", digits=(16, 2), readonly=True)
    meter_use = fields.Float(string="Metered Use", digits=(16, 4), readonly=True)
    meter_share = fields.Float(string="Shared Common Use", digits=(16, 4), readonly=True)


class HanlingFeeRun(models.Model):
    _inherit = "hanling.fee.run"

    def _plan(self, units, fee_types=None):
        """The base plan without the metered fees still waiting for a confirmed reading; a
        metered fee is billed once per unit and month, to the payer of its latest
        subscription of the month (a transfer in the month does not bill the reading twice)."""
        segments, skipped, failures, failed_units = super()._plan(units, fee_types)
        kept, metered = [], {}
        for segment in segments:
            if segment.get("meter_wait"):
                continue
            if segment.get("meter_reading"):
                key = (segment["unit"].id, segment["fee_type"].id)
                other = metered.get(key)
                if other and other["subscription"].date_start >= segment["subscription"].date_start:
                    continue
                metered[key] = segment
                continue
            kept.append(segment)
        return kept + list(metered.values()), skipped, failures, failed_units

    def _segment(self, subscription, start, end, period_start, period_end, discounts):
        if subscription.fee_type_id.kind == "metered":
            return self._meter_segment(subscription, period_start, period_end)
        return super()._segment(subscription, start, end, period_start, period_end, discounts)

    def _bill_line_vals(self, segment):
        vals = super()._bill_line_vals(segment)
        if segment.get("meter_reading"):
            vals.update(
                meter_previous=segment["meter_previous"],
                meter_current=segment["meter_current"],
                meter_use=segment["meter_use"],
                meter_share=segment["meter_share"],
            )
        return vals

    def _fee_invoice_vals(self, partner, community, segments):
        vals = super()._fee_invoice_vals(partner, community, segments)
        for command, segment in zip(vals["invoice_line_ids"], segments, strict=True):
            if segment.get("meter_reading"):
                command[2].update(self._meter_invoice_line_vals(segment))
        return vals

    def _issue(self, items):
        super()._issue(items)
        self._meter_mark_billed(items)

    # ------------------------------------------------------------------ metered segments

    @api.model
    def _meter_invoice_line_vals(self, segment):
        return {
            "hanling_meter_previous": segment["meter_previous"],
            "hanling_meter_current": segment["meter_current"],
            "hanling_meter_use": segment["meter_use"],
        }

    def _meter_mark_billed(self, items):
        """The readings billed by ``items`` are billed (their bill line linked)."""
        segments = [s for _key, lines in items for s in lines if s.get("meter_reading")]
        if not segments:
            return
        bills = self.env["hanling.fee.bill.line"].search(
            [
                ("run_id", "=", self.id),
                ("unit_id", "in", [s["unit"].id for s in segments]),
                ("fee_type_id", "in", list({s["fee_type"].id for s in segments})),
            ]
        )
        by_key = {(b.unit_id.id, b.fee_type_id.id, b.period_start): b for b in bills}
        for segment in segments:
            bill = by_key[segment["unit"].id, segment["fee_type"].id, segment["period_start"]]
            segment["meter_reading"]._bill(bill)

    def _meter_segment(self, subscription, period_start, period_end):
        """The bill line of a metered fee for the month: the unit meter's confirmed reading
        (and its share of the common meter's difference). ``{"meter_wait": True}`` while the
        month's reading (or one the share needs) is missing, draft or held: the unit is billed
        by a later run of the same month once it is confirmed."""
        fee_type, unit = subscription.fee_type_id, subscription.unit_id
        wait = {"meter_wait": True}
        meter = self.env["hanling.fee.meter"].search(
            [("unit_id", "=", unit.id), ("fee_type_id", "=", fee_type.id)], limit=1
        )
        if not meter:
            return wait
        reading = self._meter_reading_of(meter, period_start, period_end)
        if not reading or reading.state != "confirmed":
            return wait
        share = self._meter_share(meter, unit, period_start, period_end)
        if share is None:
            return wait
        tariff = fee_type._tariff_on(period_start)
        if not tariff:
            raise UserError(
                _(
                    "%(unit)s: %(fee)s has no tariff in effect on %(date)s.",
                    unit=unit.display_name,
                    fee=fee_type.name,
                    date=period_start,
                )
            )
        charge = self._meter_charge(
            fee_type, tariff, unit, reading, share, period_start, period_end
        )
        return {
            "subscription": subscription,
            "unit": unit,
            "fee_type": fee_type,
            "tariff": tariff,
            "partner": subscription.partner_id,
            "community": unit.community_id,
            "period_start": period_start,
            "period_end": period_end,
            "fee_period_start": period_start,
            "fee_period_end": period_end,
            "rate": tariff.rate,
            "meter_reading": reading,
            **charge,
        }

    @api.model
    def _meter_reading_of(self, meter, period_start, period_end):
        return self.env["hanling.fee.meter.reading"].search(
            [
                ("meter_id", "=", meter.id),
                ("period_start", ">=", period_start),
                ("period_start", "<=", period_end),
                ("state", "in", ("draft", "held", "confirmed", "billed")),
            ],
            order="id desc",
            limit=1,
        )

    @api.model
    def _meter_share(self, meter, unit, period_start, period_end):
        """This unit's part of the common meter's difference (its master's use minus all its
        sub-meters'), by floor area; 0 when the office bears it; None while a reading it
        needs is not confirmed."""
        master = meter.parent_id
        if not master or master.share_method != "area":
            return 0.0
        return self._meter_share_of(self._meter_common(master, period_start, period_end), unit)

    @api.model
    def _meter_common(self, master, period_start, period_end):
        """(difference, floor area of the sub-meters' units) of ``master``'s month, or None
        while a reading it needs is not confirmed."""
        master_reading = self._meter_reading_of(master, period_start, period_end)
        if master_reading.state not in BILLABLE:
            return None
        subs = master.child_ids.filtered("active")
        use = 0.0
        for sub in subs:
            sub_reading = self._meter_reading_of(sub, period_start, period_end)
            if sub_reading.state not in BILLABLE:
                return None
            use += sub_reading.consumption
        return master_reading.consumption - use, sum(subs.unit_id.mapped("floor_area"))

    @api.model
    def _meter_share_of(self, common, unit):
        """``unit``'s share of ``common`` (``_meter_common``), None when it is not known."""
        if common is None:
            return None
        difference, area = common
        if difference <= 0 or area <= 0:
            return 0.0
        return float_round(difference * unit.floor_area / area, precision_digits=2)

    @api.model
    def _meter_used_before(self, unit, fee_type, period_start):
        """The use of ``unit`` under ``fee_type`` billed earlier in the tier period (the year's
        cumulative use for yearly tiers)."""
        if fee_type.tier_period != "year":
            return 0.0
        lines = self.env["hanling.fee.bill.line"].search_fetch(
            [
                ("unit_id", "=", unit.id),
                ("fee_type_id", "=", fee_type.id),
                ("period_start", ">=", period_start.replace(month=1, day=1)),
                ("period_start", "<", period_start),
            ],
            ["meter_use"],
        )
        return sum(lines.mapped("meter_use"))

    @api.model
    def _meter_charge(self, fee_type, tariff, unit, reading, share, period_start, period_end):
        """Amount, line quantity and price, and the line's text of a reading (and share)."""
        currency = fee_type.company_id.currency_id
        use = reading.consumption
        used_before = self._meter_used_before(unit, fee_type, period_start)
        amount, parts = fee_type._meter_price(tariff, use, used_before)
        if used_before:
            parts.insert(0, _("used this year before: %(use)s", use=_g(used_before)))
        base_rate = fee_type._meter_base_rate(tariff)
        if share:
            amount += share * base_rate
            parts.append(
                _(
                    "common use shared by floor area: %(use)s × %(rate)s",
                    use=_g(share),
                    rate=_g(base_rate),
                )
            )
        amount = currency.round(amount)
        dial = _(
            "meter %(meter)s: %(previous)s → %(current)s",
            meter=reading.meter_id.name,
            previous=_g(reading.previous_value),
            current=_g(reading.value),
        )
        if reading.event == "rollover":
            dial += _(" (dial rolled over)")
        elif reading.event == "replacement":
            dial += _(
                " (meter replaced: old meter to %(old)s, new meter from %(new)s)",
                old=_g(reading.old_final_value),
                new=_g(reading.new_start_value),
            )
        if reading.multiplier != 1.0:
            dial += _(" × multiplier %(factor)s", factor=_g(reading.multiplier))
        dial += _(" = %(use)s", use=_g(use))
        digits = self.env["decimal.precision"].precision_get("Product Price")
        if (
            not tariff.tier_ids
            and not share
            and not float_compare(
                currency.round(use * float_round(tariff.rate, precision_digits=digits)),
                amount,
                precision_rounding=currency.rounding,
            )
        ):
            line_quantity, line_price = use, tariff.rate
        else:
            line_quantity, line_price = 1.0, amount
        name = _(
            "%(fee)s %(unit)s %(start)s–%(end)s: %(reading)s",
            fee=fee_type.name,
            unit=unit.display_name,
            start=period_start,
            end=period_end,
            reading="; ".join([dial, *parts]),
        )
        return {
            "quantity": use + share,
            "amount": amount,
            "line_quantity": line_quantity,
            "line_price": line_price,
            "name": name,
            "meter_previous": reading.previous_value,
            "meter_current": reading.value,
            "meter_use": use,
            "meter_share": share,
        }

    # ------------------------------------------------------------------ correction

    @api.model
    def _meter_rebill(self, bill, reading, share=None):
        """A corrected reading of a billed month: a posted credit note of the billed invoice
        line and a posted new bill of the corrected use (its share of the common meter counted
        again, the same tariff and payer), both through the money service; the bill line then
        carries the new invoice line. Returns (credit note, new invoice)."""
        money = self.env["hanling.money.service"]
        old_line = bill.invoice_line_id
        old_move = old_line.move_id
        company = bill.company_id
        if share is None:
            share = self._meter_share(
                reading.meter_id, bill.unit_id, bill.period_start, bill.period_end
            )
            if share is None:  # a reading the share needs was reset meanwhile: keep the billed
                share = bill.meter_share
        charge = self._meter_charge(
            bill.fee_type_id,
            bill.tariff_id,
            bill.unit_id,
            reading,
            share,
            bill.period_start,
            bill.period_end,
        )
        period = {
            "hanling_period_start": bill.period_start,
            "hanling_period_end": bill.period_end,
        }
        credit_line = {
            "product_id": old_line.product_id.id,
            "name": _("Correction of %(name)s", name=old_line.name),
            "quantity": old_line.quantity,
            "price_unit": old_line.price_unit,
            "hanling_meter_previous": old_line.hanling_meter_previous,
            "hanling_meter_current": old_line.hanling_meter_current,
            "hanling_meter_use": old_line.hanling_meter_use,
            **period,
        }
        new_line = {
            "product_id": old_line.product_id.id,
            "name": charge["name"],
            "quantity": charge["line_quantity"],
            "price_unit": charge["line_price"],
            "hanling_meter_previous": charge["meter_previous"],
            "hanling_meter_current": charge["meter_current"],
            "hanling_meter_use": charge["meter_use"],
            **period,
        }
        today = fields.Date.context_today(self)
        credit_note, invoice = money._create_invoices(
            [
                money._invoice_values(
                    company,
                    old_move.partner_id,
                    [credit_line],
                    community=bill.community_id,
                    move_type="out_refund",
                    invoice_date=today,
                    reversed_entry_id=old_move.id,
                    invoice_origin=old_move.name,
                    ref=_("Corrected meter reading"),
                ),
                money._invoice_values(
                    company,
                    old_move.partner_id,
                    [new_line],
                    community=bill.community_id,
                    invoice_date=today,
                    invoice_origin=old_move.name,
                ),
            ],
            company=company,
        )
        # The credit note settles the old bill as far as it is still open.
        money._reconcile_receivables(old_move, credit_note)
        # What the old bill had been paid (at the counter, by the bank) is left on the credit
        # note: the payer's money, which pays the new bill of the same month first.
        if credit_note.payment_state in ("not_paid", "partial"):
            owed = invoice.amount_residual
            money._reconcile_receivables(invoice, credit_note)
            paid = owed - invoice.amount_residual
            if not company.currency_id.is_zero(paid):
                invoice.message_post(
                    body=_(
                        "%(amount)s of this bill paid by the credit note %(credit)s: the bill "
                        "%(bill)s it corrects had been paid.",
                        amount=formatLang(self.env, paid, currency_obj=company.currency_id),
                        credit=credit_note.name,
                        bill=old_move.name,
                    )
                )
        # sudo: the bill line is the billing's own record; the reading's step (the
        # accountant's correction) checked the state and the right.
        bill.sudo().write(
            {
                "name": charge["name"],
                "quantity": charge["quantity"],
                "amount": charge["amount"],
                "meter_previous": charge["meter_previous"],
                "meter_current": charge["meter_current"],
                "meter_use": charge["meter_use"],
                "meter_share": charge["meter_share"],
                "invoice_line_id": invoice.invoice_line_ids[:1].id,
            }
        )
        return credit_note, invoice

    @api.model
    def _meter_resplit(self, reading):
        """A sub-meter's corrected month changes the common meter's difference: each other
        unit's share of that month is counted again and, where it changed, its bill is
        credited and billed anew (its own reading unchanged). Returns the new invoices."""
        master = reading.meter_id.parent_id
        if not master or master.share_method != "area":
            return self.env["account.move"]
        siblings = master.child_ids.filtered("active") - reading.meter_id
        # sudo: the other units' bills of the month are the billing's own records; the
        # accountant's correction (the calling step) checked the right.
        Reading = self.env["hanling.fee.meter.reading"].sudo()
        billed = Reading.search(
            [
                ("meter_id", "in", siblings.ids),
                ("period_start", "=", reading.period_start),
                ("state", "=", "billed"),
            ]
        )
        invoices = self.env["account.move"]
        month = reading.bill_line_id
        # The month's difference, counted once for every unit sharing it.
        common = self._meter_common(master, month.period_start, month.period_end)
        if common is None:
            return invoices
        for other in billed:
            bill = other.bill_line_id
            if not bill or bill.invoice_line_id.parent_state != "posted":
                continue
            share = self._meter_share_of(common, bill.unit_id)
            old = bill.meter_share
            if share is None or not float_compare(share, old, precision_digits=2):
                continue
            _credit_note, invoice = self._meter_rebill(bill, other, share=share)
            invoice.message_post(
                body=_(
                    "Common use shared again: the reading of %(meter)s for %(month)s was "
                    "corrected (share %(old)s → %(new)s).",
                    meter=reading.meter_id.display_name,
                    month=reading.period_start.strftime("%Y-%m"),
                    old=_g(old),
                    new=_g(share),
                )
            )
            invoices |= invoice
        return invoices
