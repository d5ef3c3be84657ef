import logging
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from psycopg2 import OperationalError

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import float_compare, float_round

from odoo.addons.hanling_property.tools.workflow import workflow_step
from odoo.addons.queue_job.delay import group

_logger = logging.getLogger(__name__)

FAR = fields.Date.to_date("9999-12-31")


def _months(start, end):
    """The natural months touched by [start, end]: (month start, month end) pairs."""
    month = start.replace(day=1)
    while month <= end:
        following = month + relativedelta(months=1)
        yield month, following - timedelta(days=1)
        month = following


def _number(value, digits=None):
    """A quantity as the line reads it: 96.80, 2, 1.1."""
    return f"{value:.{digits}f}" if digits is not None else f"{value:g}"


def _overlap_days(start, end, other_start, other_end):
    return max(0, (min(end, other_end) - max(start, other_start)).days + 1)


class HanlingFeeRun(models.Model):
    """A billing run: the fees of a period for a set of communities (issue 16).

    Starting it splits the units into chunks (``chunk_size`` units each), one OCA
    ``queue_job`` job per chunk, and a last job that depends on all of them (a queue_job
    group). Each chunk job bills its chunk in its own transaction and writes its counts on its
    own ``hanling.fee.run.chunk`` row, never on the run's: chunks on several workers never
    update a common row (under REPEATABLE READ the second would fail to serialise and bill its
    whole chunk again). The last job adds the chunks' counts up on the run and ends it. A unit, fee and period is billed once (``hanling.fee.bill.line``); a
    job that runs again, or a new run of the same period, skips what is billed already.
    """

    _name = "hanling.fee.run"
    _description = "Fee Billing Run"
    _inherit = ["hanling.workflow.mixin", "mail.thread", "hanling.fee.job.mixin"]
    _order = "period_start desc, id desc"
    _check_company_auto = True
    _sequence_code = "hanling.fee.run"
    _hanling_job_methods = ("_job_bill_chunk", "_job_finish")
    _workflow_fields = (
        "state",
        "chunk_count",
        "billed_count",
        "skipped_count",
        "failed_count",
        "invoice_count",
        "date_started",
        "date_done",
        "started_by_id",
    )
    _workflow_lock = {
        ("running", "done", "cancel"): (
            "period_start",
            "community_ids",
            "date_invoice",
            "chunk_size",
            "company_id",
        )
    }

    name = fields.Char(string="Number", readonly=True, copy=False, default="/")
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("done", "Done"), ("cancel", "Cancelled")],
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
    period_start = fields.Date(
        string="Period",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="The first day of the month the run bills. Fees billed in advance bill the "
        "period starting that day; fees billed after the period bill the one ending the day "
        "before. Quarterly fees bill in the first month of a quarter, yearly ones in January.",
    )
    community_ids = fields.Many2many(
        "hanling.community", string="Communities", required=True, check_company=True
    )
    date_invoice = fields.Date(
        string="Invoice Date", help="The date of the invoices; the period's first day if empty."
    )
    chunk_size = fields.Integer(default=500, help="Units billed per job.")
    chunk_count = fields.Integer(string="Chunks", readonly=True, copy=False)
    chunk_ids = fields.One2many("hanling.fee.run.chunk", "run_id", string="Chunk Results")
    chunk_done_count = fields.Integer(string="Chunks Done", compute="_compute_progress")
    progress = fields.Float(compute="_compute_progress")
    billed_count = fields.Integer(string="Billed", readonly=True, copy=False)
    skipped_count = fields.Integer(
        string="Skipped", readonly=True, copy=False, help="Already billed before this run."
    )
    failed_count = fields.Integer(string="Failed", readonly=True, copy=False)
    invoice_count = fields.Integer(string="Invoices", readonly=True, copy=False)
    date_started = fields.Datetime(string="Started", readonly=True, copy=False)
    date_done = fields.Datetime(string="Finished", readonly=True, copy=False)
    started_by_id = fields.Many2one("res.users", string="Started by", readonly=True, copy=False)
    bill_line_ids = fields.One2many("hanling.fee.bill.line", "run_id", string="Bills")
    failure_ids = fields.One2many("hanling.fee.run.failure", "run_id", string="Failures")

    _sql_constraints = [
        ("chunk_size_positive", "CHECK(chunk_size > 0)", "A chunk holds at least one unit."),
    ]

    @api.depends("chunk_count", "chunk_ids.state", "state")
    def _compute_progress(self):
        done = dict(
            self.env["hanling.fee.run.chunk"]._read_group(
                [("run_id", "in", self.ids), ("state", "=", "done")], ["run_id"], ["__count"]
            )
        )
        for run in self:
            run.chunk_done_count = done.get(run, 0)
            if run.state == "done":
                run.progress = 100.0
            else:
                run.progress = (
                    100.0 * run.chunk_done_count / run.chunk_count if run.chunk_count else 0.0
                )

    @api.constrains("period_start")
    def _check_period_start(self):
        for run in self:
            if run.period_start.day != 1:
                raise UserError(_("A billing run starts on the first day of a month."))

    # ------------------------------------------------------------------ steps

    @workflow_step
    def action_start(self):
        """Split the units into chunks: one job per chunk, then the job that ends the run."""
        self.check_access("write")
        self._check_state(["draft"], _("Starting a billing run"))
        for run in self:
            unit_ids = run._units_to_bill()
            chunks = [
                unit_ids[i : i + run.chunk_size] for i in range(0, len(unit_ids), run.chunk_size)
            ]
            run.write(
                {
                    "state": "running" if chunks else "done",
                    "chunk_count": len(chunks),
                    "date_started": fields.Datetime.now(),
                    "date_done": False if chunks else fields.Datetime.now(),
                    "started_by_id": self.env.uid,
                }
            )
            run._queue_chunks(chunks)
        return True

    def _queue_chunks(self, chunks, first=1):
        """One result row and one job per chunk (lists of unit ids, numbered from ``first``),
        and the job that ends the run once they are all done."""
        self.ensure_one()
        if not chunks:
            return
        # sudo: the chunk rows are the run's own results, written by its jobs only.
        rows = (
            self.env["hanling.fee.run.chunk"]
            .sudo()
            .create(
                [
                    {"run_id": self.id, "sequence": index, "unit_count": len(ids)}
                    for index, ids in enumerate(chunks, start=first)
                ]
            )
        )
        count = first - 1 + len(chunks)
        jobs = [
            self.delayable(
                description=_(
                    "%(run)s: units, chunk %(index)s of %(count)s",
                    run=self.name,
                    index=row.sequence,
                    count=count,
                ),
                identity_key=f"hanling.fee.run-{self.id}-{row.sequence}",
            )._job_bill_chunk(ids, row.id)
            for row, ids in zip(rows, chunks, strict=True)
        ]
        finish = self.delayable(
            description=_("%(run)s: adding up the chunks", run=self.name),
            identity_key=f"hanling.fee.run-{self.id}-done-{count}",
        )._job_finish()
        group(*jobs).on_done(finish).delay()

    @workflow_step
    def _bill_now(self, units, fee_types):
        """Bill ``units`` (``fee_types``) in this transaction, without jobs: the run as if its
        one chunk had run. An ownership transfer bills the buyer so the days it credits the
        seller (``hanling.ownership.transfer._hanling_bill_buyer``)."""
        self.ensure_one()
        self._check_state(["draft"], _("Starting a billing run"))
        now = fields.Datetime.now()
        result = self._bill_units(units, fee_types)
        self.write({"chunk_count": 1, "date_started": now, "started_by_id": self.env.uid})
        # sudo: the chunk row is the run's own result, as a job would write it.
        self.env["hanling.fee.run.chunk"].sudo().create(
            {
                "run_id": self.id,
                "sequence": 1,
                "unit_count": len(units),
                **self._chunk_result_vals(result),
            }
        )
        self._add_up_chunks()
        return result

    @workflow_step
    def action_cancel(self):
        self._check_state(["draft"], _("Cancelling a billing run"))
        self.write({"state": "cancel"})
        return True

    @workflow_step
    def _job_bill_chunk(self, unit_ids, chunk_id):
        """The job of one chunk: bill its units, write the counts on the chunk's row (its own:
        the run's row is written by the last job only, ``_job_finish``)."""
        self.ensure_one()
        if self.state != "running":
            return f"{self.name} is {self.state}: nothing billed"
        chunk = self.chunk_ids.browse(chunk_id).exists()
        if chunk.run_id != self:
            raise UserError(
                _("The chunk %(chunk)s is not one of %(run)s.", chunk=chunk_id, run=self.name)
            )
        units = self.env["hanling.unit"].browse(unit_ids).exists()
        result = self._bill_units(units)
        # sudo: the chunk's row is the run's own result (readonly to everyone).
        chunk.sudo().write(self._chunk_result_vals(result))
        return (
            f"{len(units)} units: {result['billed']} billed, {result['skipped']} skipped, "
            f"{result['failed']} failed"
        )

    @workflow_step
    def _job_finish(self):
        """The last job, after every chunk's: the run's counts are its chunks' and it is done."""
        self.ensure_one()
        if self.state != "running":
            return f"{self.name} is {self.state}"
        if self.chunk_ids.filtered(lambda chunk: chunk.state != "done"):
            return f"{self.name}: chunks still to bill"  # a later group ends it
        self._add_up_chunks()
        return f"{self.name}: {self.invoice_count} invoices"

    @api.model
    def _chunk_result_vals(self, result):
        """A billed chunk's row values, from ``_bill_units``'s result."""
        return {
            "state": "done",
            "billed_count": result["billed"],
            "skipped_count": result["skipped"],
            "failed_count": result["failed"],
            "invoice_count": result["invoices"],
            "date_done": fields.Datetime.now(),
        }

    def _add_up_chunks(self):
        """The run is done: its counts are its chunks' (the one write of its row after the
        start, by its last job or ``_bill_now``)."""
        chunks = self.chunk_ids
        self.write(
            {
                "state": "done",
                "billed_count": sum(chunks.mapped("billed_count")),
                "skipped_count": sum(chunks.mapped("skipped_count")),
                "failed_count": sum(chunks.mapped("failed_count")),
                "invoice_count": sum(chunks.mapped("invoice_count")),
                "date_done": fields.Datetime.now(),
            }
        )

    # ------------------------------------------------------------------ what is billed

    def _fee_types(self):
        self.ensure_one()
        return self.env["hanling.fee.type"].search(
            [
                ("community_id", "in", self.community_ids.ids),
                ("company_id", "=", self.company_id.id),
            ]
        )

    def _fee_period(self, fee_type):
        """(start, end) of the period of ``fee_type`` this run bills, or None this month."""
        self.ensure_one()
        if fee_type.kind == "one_off":
            start = self.period_start
            return start, start + relativedelta(months=1) - timedelta(days=1)
        months = fee_type._period_months()
        start = self.period_start
        if fee_type.billing_timing == "arrears":
            start -= relativedelta(months=months)
        if (start.month - 1) % months:
            return None
        return start, start + relativedelta(months=months) - timedelta(days=1)

    def _periods(self, fee_types=None):
        """{fee type: (start, end)} of the fee types billed by this run (of ``fee_types``)."""
        periods = {}
        for fee_type in self._fee_types() & fee_types if fee_types else self._fee_types():
            period = self._fee_period(fee_type)
            if period:
                periods[fee_type] = period
        return periods

    def _subscription_domain(self, periods):
        clauses = []
        for fee_type, (start, end) in periods.items():
            if fee_type.kind == "one_off":
                clauses.append(
                    [
                        ("fee_type_id", "=", fee_type.id),
                        ("date_start", "<=", end),
                        ("bill_line_ids", "=", False),
                    ]
                )
            else:
                clauses.append(
                    [
                        ("fee_type_id", "=", fee_type.id),
                        ("date_start", "<=", end),
                        "|",
                        ("date_end", "=", False),
                        ("date_end", ">=", start),
                    ]
                )
        return expression.OR(clauses) if clauses else expression.FALSE_DOMAIN

    def _units_to_bill(self):
        """Ids of the units with a subscription the run may bill, in order."""
        self.ensure_one()
        periods = self._periods()
        groups = self.env["hanling.fee.subscription"]._read_group(
            self._subscription_domain(periods), ["unit_id"]
        )
        return sorted(unit.id for (unit,) in groups)

    def _plan(self, units, fee_types=None):
        """What to bill for ``units``: (segments, skipped count, {payer: reasons}, {payer: units}).

        A segment is a dict of one bill line: a subscription's days inside its fee's period,
        not yet billed (or credited back by an ownership transfer), with its amount and the
        reading of the rule. ``fee_types``: only these.
        """
        self.ensure_one()
        periods = self._periods(fee_types)
        subscriptions = self.env["hanling.fee.subscription"].search(
            [("unit_id", "in", units.ids)] + self._subscription_domain(periods)
        )
        if not subscriptions:
            return [], 0, {}, {}
        window_start = min(start for start, _end in periods.values())
        window_end = max(end for _start, end in periods.values())
        billed = defaultdict(list)
        for line in self.env["hanling.fee.bill.line"].search_fetch(
            [
                ("unit_id", "in", units.ids),
                ("fee_type_id", "in", subscriptions.fee_type_id.ids),
                ("period_end", ">=", window_start),
                ("period_start", "<=", window_end),
            ],
            ["unit_id", "fee_type_id", "period_start", "period_end", "credited_from"],
        ):
            stretch = line._billed_stretch()
            if stretch:
                billed[line.unit_id.id, line.fee_type_id.id].append(stretch)
        discounts = defaultdict(lambda: self.env["hanling.fee.discount"])
        for rule in self.env["hanling.fee.discount"].search(
            [
                ("unit_id", "in", units.ids),
                ("date_end", ">=", window_start),
                ("date_start", "<=", window_end),
            ]
        ):
            discounts[rule.unit_id.id] |= rule
        segments, skipped = [], 0
        failures, failed_units = defaultdict(list), defaultdict(set)
        for subscription in subscriptions:
            fee_type = subscription.fee_type_id
            period_start, period_end = periods[fee_type]
            if fee_type.kind == "one_off":
                start = end = subscription.date_start
            else:
                start = max(subscription.date_start, period_start)
                end = min(subscription.date_end or FAR, period_end)
            key = (subscription.unit_id.id, fee_type.id)
            if any(_overlap_days(start, end, s, e) for s, e in billed[key]):
                skipped += 1
                continue
            try:
                segment = self._segment(
                    subscription,
                    start,
                    end,
                    period_start,
                    period_end,
                    discounts[subscription.unit_id.id]._applies_to(fee_type),
                )
            except UserError as error:
                failures[subscription.partner_id].append(error.args[0])
                failed_units[subscription.partner_id].add(subscription.unit_id.display_name)
                continue
            segments.append(segment)
        return segments, skipped, failures, failed_units

    def _segment(self, subscription, start, end, period_start, period_end, discounts):
        """The bill line of ``subscription`` for [start, end]: amount, quantity, rate, reading."""
        fee_type = subscription.fee_type_id
        unit = subscription.unit_id
        currency = self.company_id.currency_id
        tariff = fee_type._tariff_on(start)
        if not tariff:
            raise UserError(
                _(
                    "%(unit)s: %(fee)s has no tariff in effect on %(date)s.",
                    unit=unit.display_name,
                    fee=fee_type.name,
                    date=start,
                )
            )
        if fee_type.kind == "area":
            quantity = unit.floor_area
            if quantity <= 0:
                raise UserError(
                    _(
                        "%(unit)s has no floor area to bill %(fee)s on.",
                        unit=unit.display_name,
                        fee=fee_type.name,
                    )
                )
        elif fee_type.kind == "unit":
            quantity = 1.0
        else:
            quantity = subscription.quantity
        coefficient = fee_type._coefficient_for(unit)
        monthly = tariff.rate * quantity * coefficient
        reading = [self._reading_base(fee_type, quantity, tariff.rate, coefficient)]
        if fee_type.kind == "one_off":
            total, whole, months = monthly, True, 1
        else:
            total, whole, months = 0.0, True, 0
            for month_start, month_end in _months(start, end):
                days = (month_end - month_start).days + 1
                first, last = max(start, month_start), min(end, month_end)
                covered = (last - first).days + 1
                off = 0.0
                for rule in discounts:
                    overlap = _overlap_days(first, last, rule.date_start, rule.date_end)
                    if overlap:
                        off += overlap * rule.percentage / 100.0
                        reading.append(
                            _(
                                "%(reason)s −%(percent)s%% × %(days)s days",
                                reason=rule.name,
                                percent=_number(rule.percentage),
                                days=overlap,
                            )
                        )
                if covered != days:
                    reading.append(
                        _(
                            "%(month)s: %(covered)s/%(days)s days",
                            month=month_start.strftime("%Y-%m"),
                            covered=covered,
                            days=days,
                        )
                    )
                    whole = False
                whole = whole and not off
                total += monthly * (covered - off) / days
                months += 1
            if whole and months > 1:
                reading.append(_("× %(months)s months", months=months))
        amount = currency.round(total)
        price = tariff.rate * coefficient * months
        if not whole or float_compare(
            currency.round(quantity * float_round(price, precision_digits=self._price_digits())),
            amount,
            precision_rounding=currency.rounding,
        ):
            line_quantity, line_price = 1.0, amount
        else:
            line_quantity, line_price = (
                quantity,
                float_round(price, precision_digits=self._price_digits()),
            )
        name = _(
            "%(fee)s %(unit)s %(start)s–%(end)s: %(reading)s",
            fee=fee_type.name,
            unit=unit.display_name,
            start=start,
            end=end,
            reading="; ".join(reading),
        )
        return {
            "subscription": subscription,
            "unit": unit,
            "fee_type": fee_type,
            "tariff": tariff,
            "partner": subscription.partner_id,
            "community": unit.community_id,
            "period_start": start,
            "period_end": end,
            "fee_period_start": period_start,
            "fee_period_end": period_end,
            "rate": tariff.rate,
            "quantity": quantity,
            "amount": amount,
            "line_quantity": line_quantity,
            "line_price": line_price,
            "name": name,
        }

    def _price_digits(self):
        return self.env["decimal.precision"].precision_get("Product Price")

    def _reading_base(self, fee_type, quantity, rate, coefficient):
        if fee_type.kind == "area":
            text = _(
                "%(area)s m² × %(rate)s per m² and month", area=_number(quantity, 2), rate=rate
            )
        elif fee_type.kind == "one_off":
            text = _("%(quantity)s × %(rate)s", quantity=_number(quantity), rate=rate)
        else:
            text = _("%(quantity)s × %(rate)s per month", quantity=_number(quantity), rate=rate)
        if coefficient != 1.0:
            text += _(" × coefficient %(factor)s", factor=_number(coefficient))
        return text

    # ------------------------------------------------------------------ billing

    def _bill_units(self, units, fee_types=None):
        """Bill ``units`` (their ``fee_types`` only, if given): one posted invoice per payer
        and community. A payer that fails is reported with the reason and leaves the others
        billed."""
        self.ensure_one()
        segments, skipped, failures, failed_units = self._plan(units, fee_types)
        groups = defaultdict(list)
        for segment in segments:
            if segment["partner"] in failures:
                continue
            groups[segment["partner"], segment["community"]].append(segment)
        for segment in segments:
            if segment["partner"] in failures:
                failed_units[segment["partner"]].add(segment["unit"].display_name)
        billed = invoices = 0
        items = list(groups.items())
        try:
            # The whole chunk at once: one create and one post of its invoices.
            with self.env.cr.savepoint():
                self._issue(items)
            billed, invoices = sum(len(lines) for _key, lines in items), len(items)
        except OperationalError:
            raise  # a concurrency error: the job is retried as a whole
        except Exception:  # noqa: BLE001 - then payer by payer, to report the one that fails
            self._forget_rolled_back_numbers()
            for key, lines in items:
                try:
                    with self.env.cr.savepoint():
                        self._issue([(key, lines)])
                    billed += len(lines)
                    invoices += 1
                except OperationalError:
                    raise
                except Exception as error:  # noqa: BLE001 - reported on the run
                    self._forget_rolled_back_numbers()
                    _logger.info("%s: billing %s failed: %s", self.name, key[0].display_name, error)
                    failures[key[0]].append(str(error.args[0]) if error.args else repr(error))
                    failed_units[key[0]].update(s["unit"].display_name for s in lines)
        self._record_failures(failures, failed_units)
        return {
            "billed": billed,
            "skipped": skipped,
            "failed": len(failures),
            "invoices": invoices,
        }

    def _forget_rolled_back_numbers(self):
        """After a savepoint is rolled back: drop the invoice numbers Odoo's sequence mixin
        keeps for the transaction (``sequence.mixin`` in ``cr.precommit.data``). They count
        the numbers drawn inside the savepoint, whose invoices are gone: kept, the next invoice
        would skip them and leave a gap in the journal. Dropped, the next one reads the last
        number from the database again (and takes the lock again)."""
        self.env.cr.precommit.data.pop("sequence.mixin", None)

    def _issue(self, items):
        """Bill lines first (the database refuses a second bill), then their posted invoices."""
        if not items:
            return
        # sudo: bill lines are the billing run's own records (nobody creates one by hand); the
        # run's step has checked the run's state and the caller's right to run it.
        BillLine = self.env["hanling.fee.bill.line"].sudo()
        vals_list, bill_values = [], []
        for (partner, community), lines in items:
            vals_list.append(self._fee_invoice_vals(partner, community, lines))
            bill_values.extend(self._bill_line_vals(line) for line in lines)
        bills = BillLine.create(bill_values)
        bills.flush_recordset()
        self._preset_community_analytics(vals_list)
        self._preset_line_balances(vals_list, [lines for _key, lines in items])
        moves = self.env["hanling.money.service"]._create_invoices(
            vals_list, company=self.company_id, bulk=True
        )
        invoice_lines = self.env["account.move.line"]
        for move in moves:
            invoice_lines |= move.invoice_line_ids.sorted("id")
        for bill, invoice_line in zip(bills, invoice_lines, strict=True):
            bill.invoice_line_id = invoice_line.id

    def _preset_line_balances(self, vals_list, segments_list):
        """Give each untaxed fee line its balance (a credit of its amount) at creation.

        Odoo computes a line's balance from its price and quantity after the create and writes
        it line by line (``account.move._sync_tax_lines``): three writes per invoice, each
        re-synchronising its invoice, most of the billing run's time. It keeps a balance given
        with the line when the line has no taxes (its own rule). The amount is the one the
        run computed and checked against price × quantity (``_segment``), in the company's
        currency, so the balance is the one Odoo would write; lines of a taxed product, or an
        invoice in another currency, are left to Odoo.
        """
        company = self.company_id
        journal = self.env["hanling.money.service"]._sale_journal(company)
        if journal.currency_id and journal.currency_id != company.currency_id:
            return
        untaxed = self.env["hanling.money.service"]._untaxed_products(
            company,
            self.env["product.product"].union(
                *(
                    segment["fee_type"].product_id
                    for segments in segments_list
                    for segment in segments
                )
            ),
        )
        for vals, segments in zip(vals_list, segments_list, strict=True):
            if vals.get("currency_id", company.currency_id.id) != company.currency_id.id:
                continue
            for command, segment in zip(vals["invoice_line_ids"], segments, strict=True):
                if segment["fee_type"].product_id in untaxed:
                    command[2].update(
                        balance=-segment["amount"], amount_currency=-segment["amount"]
                    )

    def _preset_community_analytics(self, vals_list):
        """Give the invoice lines the analytic account of their community at creation, as
        ``account.move._post`` would give it (``_hanling_apply_community_analytics``: income
        lines without a distribution), so that neither Odoo's per-line search of a default
        distribution nor a second write of every line at posting is needed. Only where no
        analytic distribution model of the company could apply (else Odoo's default wins,
        computed as usual); lines on the deferred revenue account (a liability) get none."""
        # sudo: reading the company's analytic configuration (accountants' settings).
        Model = self.env["account.analytic.distribution.model"].sudo()
        if Model.search_count([("company_id", "in", [False, self.company_id.id])], limit=1):
            return
        income_groups = ("income", "expense")
        analytic_of, income_of = {}, {}
        for vals in vals_list:
            community = self.env["hanling.community"].browse(vals.get("hanling_community_id"))
            if not community:
                continue
            if community not in analytic_of:
                analytic_of[community] = {str(community._hanling_analytic_account().id): 100}
            for command in vals["invoice_line_ids"]:
                line = command[2]
                if "analytic_distribution" in line:
                    continue
                if line.get("account_id"):
                    account = self.env["account.account"].browse(line["account_id"])
                else:
                    if line["product_id"] not in income_of:
                        product = self.env["product.product"].browse(line["product_id"])
                        income_of[line["product_id"]] = product.product_tmpl_id.with_company(
                            self.company_id
                        ).get_product_accounts()["income"]
                    account = income_of[line["product_id"]]
                    if not account:
                        continue  # the journal's default account: left to Odoo and the hook
                line["analytic_distribution"] = (
                    analytic_of[community] if account.internal_group in income_groups else False
                )

    def _bill_line_vals(self, segment):
        return {
            "name": segment["name"],
            "run_id": self.id,
            "unit_id": segment["unit"].id,
            "fee_type_id": segment["fee_type"].id,
            "subscription_id": segment["subscription"].id,
            "tariff_id": segment["tariff"].id,
            "partner_id": segment["partner"].id,
            "community_id": segment["community"].id,
            "company_id": self.company_id.id,
            "period_start": segment["period_start"],
            "period_end": segment["period_end"],
            "fee_period_start": segment["fee_period_start"],
            "fee_period_end": segment["fee_period_end"],
            "rate": segment["rate"],
            "quantity": segment["quantity"],
            "amount": segment["amount"],
        }

    def _fee_invoice_vals(self, partner, community, segments):
        """The invoice of one payer, community and period: one line per fee of each unit.

        The one place the fee invoices are built (prepayments and revenue recognition build
        on the lines' ``hanling_period_start`` / ``hanling_period_end``).
        """
        self.ensure_one()
        lines = [
            {
                "product_id": segment["fee_type"].product_id.id,
                "name": segment["name"],
                "quantity": segment["line_quantity"],
                "price_unit": segment["line_price"],
                "hanling_period_start": segment["period_start"],
                "hanling_period_end": segment["period_end"],
            }
            for segment in segments
        ]
        invoice_date = self.date_invoice or self.period_start
        return self.env["hanling.money.service"]._invoice_values(
            self.company_id,
            partner,
            lines,
            community=community,
            invoice_date=invoice_date,
            # Due on its invoice date (the late-fee policy's grace days count from it), not on
            # the day the run made it: with no payment term Odoo keeps the due date it is given.
            invoice_date_due=invoice_date,
            invoice_origin=self.name,
        )

    def _record_failures(self, failures, failed_units):
        if not failures:
            return
        # sudo: the failures are the run's own report, written by its job only.
        self.env["hanling.fee.run.failure"].sudo().create(
            [
                {
                    "run_id": self.id,
                    "partner_id": partner.id,
                    "unit_names": ", ".join(sorted(failed_units.get(partner, ()))),
                    "reason": "\n".join(dict.fromkeys(reasons)),
                }
                for partner, reasons in failures.items()
            ]
        )


class HanlingFeeRunChunk(models.Model):
    """One chunk of a billing run: its units' counts, written by its job alone."""

    _name = "hanling.fee.run.chunk"
    _inherit = ["hanling.workflow.mixin"]
    _description = "Fee Billing Chunk"
    _order = "run_id, sequence"
    # Written by the run's steps only (its start, its chunk's job, ``_bill_now``).
    _workflow_parent = "run_id"
    _workflow_fields = (
        "state",
        "run_id",
        "sequence",
        "unit_count",
        "billed_count",
        "skipped_count",
        "failed_count",
        "invoice_count",
        "date_done",
    )

    run_id = fields.Many2one(
        "hanling.fee.run", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    sequence = fields.Integer(string="Chunk", readonly=True)
    unit_count = fields.Integer(string="Units", readonly=True)
    state = fields.Selection(
        [("pending", "To Bill"), ("done", "Billed")],
        default="pending",
        required=True,
        readonly=True,
    )
    billed_count = fields.Integer(string="Billed", readonly=True)
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    failed_count = fields.Integer(string="Failed", readonly=True)
    invoice_count = fields.Integer(string="Invoices", readonly=True)
    date_done = fields.Datetime(string="Finished", readonly=True)


class HanlingFeeRunFailure(models.Model):
    """A payer the run could not bill, and why (the others are billed all the same)."""

    _name = "hanling.fee.run.failure"
    _description = "Fee Billing Failure"
    _order = "run_id, id"

    run_id = fields.Many2one(
        "hanling.fee.run", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Payer", readonly=True)
    unit_names = fields.Char(string="Units", readonly=True)
    reason = fields.Text(readonly=True)
