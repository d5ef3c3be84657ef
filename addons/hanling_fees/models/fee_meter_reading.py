"""Meter readings (issue 17 item 1): entered by the reader on the phone or imported, checked
before billing (below the previous one, zero use, spikes), billed by the billing run, and
corrected after billing by a credit note and a new bill."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

from odoo.addons.hanling_property.tools.workflow import workflow_step

from .fee_meter import _g

ACCOUNTANT = "account.group_account_invoice"
ENG_SUPERVISOR = "hanling_property.group_eng_supervisor"
LIVE_STATES = ("held", "confirmed", "billed")
USE_DIGITS = 4


class HanlingFeeMeterReading(models.Model):
    """The dial of a meter for a month (抄表), with its photo.

    Confirming compares it with the previous reading: below it is refused unless the reading
    records a rollover (the dial passed 99999) or a meter replacement (换表: the old meter's
    final dial and the new one's start); zero use and a use beyond the fee's multiple of the
    meter's average are held until the accountant (or the engineering supervisor) releases
    them. The billing run bills confirmed readings only; a billed reading is corrected by a
    credit note and a new bill, never by editing the posted invoice.
    """

    _name = "hanling.fee.meter.reading"
    _description = "Meter Reading"
    _inherit = ["hanling.workflow.mixin", "mail.thread"]
    _order = "period_start desc, meter_id, id desc"
    _check_company_auto = True
    _rec_name = "meter_id"
    _workflow_fields = (
        "state",
        "previous_value",
        "consumption",
        "multiplier",
        "hold_reason",
        "hold_average",
        "read_by_id",
        "date_confirmed",
        "released_by_id",
        "date_released",
        "bill_line_id",
        "correction_of_id",
        "corrected_by_id",
        "credit_note_id",
        "invoice_id",
    )
    _workflow_lock = {
        ("held", "confirmed", "billed", "corrected", "cancel"): (
            "meter_id",
            "period_start",
            "date_reading",
            "value",
            "event",
            "old_final_value",
            "new_start_value",
            "new_meter_no",
            "photo",
        )
    }

    meter_id = fields.Many2one(
        "hanling.fee.meter",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    kind = fields.Selection(related="meter_id.kind")
    unit_id = fields.Many2one(related="meter_id.unit_id", store=True, index=True)
    community_id = fields.Many2one(related="meter_id.community_id", store=True, index=True)
    fee_type_id = fields.Many2one(related="meter_id.fee_type_id", store=True, index=True)
    company_id = fields.Many2one(related="meter_id.company_id", store=True, index=True)
    period_start = fields.Date(
        string="Reading Month",
        required=True,
        index=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="The first day of the month the reading closes.",
    )
    date_reading = fields.Date(
        string="Read On", required=True, default=fields.Date.context_today, tracking=True
    )
    value = fields.Float(string="Reading", required=True, digits=(16, 2), tracking=True)
    event = fields.Selection(
        [
            ("normal", "Normal"),
            ("rollover", "Dial Rolled Over"),
            ("replacement", "Meter Replaced"),
        ],
        required=True,
        default="normal",
        tracking=True,
    )
    old_final_value = fields.Float(
        string="Old Meter's Final Reading",
        digits=(16, 2),
        help="Replacement: the old meter's dial when it was removed.",
    )
    new_start_value = fields.Float(
        string="New Meter's Start Reading",
        digits=(16, 2),
        help="Replacement: the new meter's dial when it was fitted.",
    )
    new_meter_no = fields.Char(string="New Meter No.")
    photo = fields.Image(string="Dial Photo", max_width=1600, max_height=1600)
    note = fields.Text()
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("held", "Held for Review"),
            ("confirmed", "Confirmed"),
            ("billed", "Billed"),
            ("corrected", "Corrected"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    previous_value = fields.Float(
        string="Previous Reading", digits=(16, 2), readonly=True, copy=False
    )
    previous_preview = fields.Float(
        string="Previous Dial", digits=(16, 2), compute="_compute_preview"
    )
    use_preview = fields.Float(string="Use This Month", digits=(16, 2), compute="_compute_preview")
    multiplier = fields.Float(digits=(10, 4), readonly=True, copy=False, default=1.0)
    consumption = fields.Float(string="Use", digits=(16, 4), readonly=True, copy=False)
    hold_reason = fields.Selection(
        [("zero", "No use this month"), ("spike", "Use far above the average")],
        string="Held Because",
        readonly=True,
        copy=False,
    )
    hold_average = fields.Float(
        string="Average Use",
        digits=(16, 2),
        readonly=True,
        copy=False,
        help="The meter's average use when the reading was held.",
    )
    hold_detail = fields.Char(string="Held for Review Because", compute="_compute_hold_detail")
    read_by_id = fields.Many2one(
        "res.users",
        string="Read by",
        default=lambda self: self.env.user,
        readonly=True,
        copy=False,
        index=True,
    )
    date_confirmed = fields.Datetime(string="Confirmed", readonly=True, copy=False)
    released_by_id = fields.Many2one("res.users", string="Released by", readonly=True, copy=False)
    date_released = fields.Datetime(string="Released", readonly=True, copy=False)
    bill_line_id = fields.Many2one(
        "hanling.fee.bill.line", string="Bill", readonly=True, copy=False, index="btree_not_null"
    )
    correction_of_id = fields.Many2one(
        "hanling.fee.meter.reading", string="Corrects", readonly=True, copy=False
    )
    corrected_by_id = fields.Many2one(
        "hanling.fee.meter.reading", string="Corrected by", readonly=True, copy=False
    )
    credit_note_id = fields.Many2one(
        "account.move", string="Credit Note", readonly=True, copy=False, index="btree_not_null"
    )
    invoice_id = fields.Many2one(
        "account.move", string="Corrected Bill", readonly=True, copy=False, index="btree_not_null"
    )

    _sql_constraints = [
        (
            "values_not_negative",
            "CHECK(value >= 0 AND old_final_value >= 0 AND new_start_value >= 0)",
            "A reading is never negative.",
        ),
    ]

    def init(self):
        # One live reading per meter and month (a corrected or cancelled one gives way).
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS hanling_fee_meter_reading_meter_period_live
                ON hanling_fee_meter_reading (meter_id, period_start)
             WHERE state NOT IN ('corrected', 'cancel')
            """
        )

    @api.depends(
        "meter_id",
        "period_start",
        "value",
        "event",
        "old_final_value",
        "new_start_value",
        "state",
        "previous_value",
        "consumption",
    )
    def _compute_preview(self):
        for reading in self:
            if reading.state != "draft" or not reading.meter_id or not reading.period_start:
                reading.previous_preview = reading.previous_value
                reading.use_preview = reading.consumption
                continue
            previous = reading.meter_id._previous_value(reading.period_start)
            reading.previous_preview = previous
            try:
                reading.use_preview = reading._use(previous, reading.meter_id.multiplier)
            except UserError:
                reading.use_preview = 0.0

    @api.constrains("period_start")
    def _check_period_start(self):
        for reading in self:
            if reading.period_start.day != 1:
                raise ValidationError(self.env._("A reading's month starts on its first day."))

    def _use(self, previous, multiplier):
        """The use since ``previous`` (dial units × multiplier), or a refusal saying why."""
        self.ensure_one()
        meter = self.meter_id
        if self.event == "rollover":
            if float_compare(self.value, previous, precision_digits=2) >= 0:
                raise UserError(
                    self.env._(
                        "%(meter)s: a rollover reading is below the previous one (%(previous)s).",
                        meter=meter.display_name,
                        previous=_g(previous),
                    )
                )
            raw = 10**meter.digits - previous + self.value
        elif self.event == "replacement":
            if float_compare(self.old_final_value, previous, precision_digits=2) < 0 or (
                float_compare(self.value, self.new_start_value, precision_digits=2) < 0
            ):
                raise UserError(
                    self.env._(
                        "%(meter)s: the old meter's final reading cannot be below the previous "
                        "reading (%(previous)s), nor the new meter's reading below its start.",
                        meter=meter.display_name,
                        previous=_g(previous),
                    )
                )
            raw = (self.old_final_value - previous) + (self.value - self.new_start_value)
        else:
            if float_compare(self.value, previous, precision_digits=2) < 0:
                raise UserError(
                    self.env._(
                        "%(meter)s: the reading %(value)s is below the previous one "
                        "(%(previous)s). Record a meter replacement or a rollover of the dial.",
                        meter=meter.display_name,
                        value=_g(self.value),
                        previous=_g(previous),
                    )
                )
            raw = self.value - previous
        return round(raw * multiplier, USE_DIGITS)

    def _average_use(self):
        """The meter's average use over the fee's number of earlier readings (None without)."""
        self.ensure_one()
        # sudo: the fee's settings, read for the reader as well.
        _zero, _multiple, count = self.meter_id.fee_type_id.sudo()._meter_hold_rules()
        earlier = self.search_fetch(
            [
                ("meter_id", "=", self.meter_id.id),
                ("period_start", "<", self.period_start),
                ("state", "in", ("confirmed", "billed")),
            ],
            ["consumption"],
            order="period_start desc",
            limit=count,
        )
        return sum(earlier.mapped("consumption")) / len(earlier) if earlier else None

    def _hold_reason(self, use):
        """(reason, average) when the use is held for review, (False, 0) otherwise."""
        self.ensure_one()
        # sudo: the hold rules are the fee's settings; the reader has no right on fee types.
        hold_zero, multiple, _count = self.meter_id.fee_type_id.sudo()._meter_hold_rules()
        if hold_zero and float_is_zero(use, precision_digits=USE_DIGITS):
            return "zero", 0.0
        average = self._average_use()
        if multiple and average and use > multiple * average:
            return "spike", round(average, 2)
        return False, 0.0

    @api.depends("hold_reason", "hold_average", "consumption")
    @api.depends_context("lang")
    def _compute_hold_detail(self):
        labels = dict(self._fields["hold_reason"]._description_selection(self.env))
        for reading in self:
            if reading.hold_reason == "spike":
                reading.hold_detail = self.env._(
                    "Use %(use)s against an average of %(average)s",
                    use=_g(reading.consumption),
                    average=_g(reading.hold_average),
                )
            else:
                reading.hold_detail = labels.get(reading.hold_reason, False)

    def _check_no_later_reading(self):
        for reading in self:
            later = self.search_count(
                [
                    ("meter_id", "=", reading.meter_id.id),
                    ("period_start", ">", reading.period_start),
                    ("state", "in", LIVE_STATES),
                    ("id", "!=", reading.id),
                ]
            )
            if later:
                raise UserError(
                    self.env._(
                        "%(meter)s has a later reading already: enter or correct readings "
                        "month by month.",
                        meter=reading.meter_id.display_name,
                    )
                )

    # ------------------------------------------------------------------ steps

    @workflow_step
    def action_confirm(self):
        """Check the reading against the previous one: confirmed, or held for review."""
        self.check_access("write")
        self._check_state(["draft"], self.env._("Confirming a reading"))
        self._check_no_later_reading()
        for reading in self:
            previous = reading.meter_id._previous_value(reading.period_start)
            use = reading._use(previous, reading.meter_id.multiplier)
            reason, average = reading._hold_reason(use)
            reading.write(
                {
                    "previous_value": previous,
                    "multiplier": reading.meter_id.multiplier,
                    "consumption": use,
                    "hold_reason": reason,
                    "hold_average": average,
                    "state": "held" if reason else "confirmed",
                    "date_confirmed": fields.Datetime.now(),
                }
            )
        return True

    @workflow_step
    def action_release(self):
        """The accountant (or the engineering supervisor) checked a held reading: it bills."""
        user = self.env.user
        if not (user.has_group(ACCOUNTANT) or user.has_group(ENG_SUPERVISOR)):
            raise AccessError(
                self.env._(
                    "Only the accountant or the engineering supervisor releases a held reading."
                )
            )
        self.check_access("write")
        self._check_state(["held"], self.env._("Releasing a reading"))
        if any(reading.read_by_id == user for reading in self):
            raise UserError(
                self.env._("A held reading is released by someone other than its reader.")
            )
        self.write(
            {
                "state": "confirmed",
                "released_by_id": user.id,
                "date_released": fields.Datetime.now(),
            }
        )
        return True

    @workflow_step
    def action_reset_draft(self):
        """Back to draft to enter it again (checked again on confirming)."""
        self.check_access("write")
        self._check_state(["held", "confirmed"], self.env._("Resetting a reading"))
        self._check_no_later_reading()
        self.write(
            {
                "state": "draft",
                "hold_reason": False,
                "hold_average": 0.0,
                "released_by_id": False,
                "date_released": False,
                "date_confirmed": False,
            }
        )
        return True

    @workflow_step
    def action_cancel(self):
        self.check_access("write")
        self._check_state(["draft", "held", "confirmed"], self.env._("Cancelling a reading"))
        self.write({"state": "cancel"})
        return True

    @workflow_step
    def _bill(self, bill_line):
        """The billing run billed these confirmed readings on ``bill_line``."""
        self._check_state(["confirmed"], self.env._("Billing a reading"))
        self.write({"state": "billed", "bill_line_id": bill_line.id})

    def _next_live_reading(self):
        """The meter's next reading after this one's month (the one starting from its dial)."""
        self.ensure_one()
        return self.search(
            [
                ("meter_id", "=", self.meter_id.id),
                ("period_start", ">", self.period_start),
                ("state", "in", LIVE_STATES),
            ],
            order="period_start, id",
            limit=1,
        )

    @workflow_step
    def _correct(self, values, previous=None):
        """Replace this billed reading by a corrected one: a credit note of its invoice line
        and a new bill of the corrected use, both posted through the money service; the bill
        line (one per unit, fee and month) then points at the new invoice line.

        A later month's reading starts from the corrected dial: its use is counted again
        (``_follow_correction``), billed or not. ``previous``: the dial this reading starts
        from when the month before it was corrected."""
        self.ensure_one()
        if not self.env.user.has_group(ACCOUNTANT):
            raise AccessError(self.env._("Only the accountant corrects a billed reading."))
        self.check_access("write")
        self._check_state(["billed"], self.env._("Correcting a billed reading"))
        following = self._next_live_reading()
        bill = self.bill_line_id
        old_line = bill.invoice_line_id
        if not old_line or old_line.parent_state != "posted":
            raise UserError(self.env._("The reading's bill is not a posted invoice line."))
        # This reading gives way first: one live reading per meter and month.
        self.write({"state": "corrected"})
        self.flush_recordset(["state"])
        corrected = self.create(
            {
                "meter_id": self.meter_id.id,
                "period_start": self.period_start,
                "date_reading": values.get("date_reading") or self.date_reading,
                "value": values["value"],
                "event": values.get("event") or "normal",
                "old_final_value": values.get("old_final_value") or 0.0,
                "new_start_value": values.get("new_start_value") or 0.0,
                "new_meter_no": values.get("new_meter_no"),
                "note": values.get("note"),
                "photo": self.photo,
            }
        )
        # The corrected reading starts from the same previous dial as the one it replaces.
        start = self.previous_value if previous is None else previous
        use = corrected._use(start, self.multiplier)
        corrected.write(
            {
                "previous_value": start,
                "multiplier": self.multiplier,
                "consumption": use,
                "state": "confirmed",
                "date_confirmed": fields.Datetime.now(),
                "correction_of_id": self.id,
            }
        )
        Run = self.env["hanling.fee.run"]
        credit_note, invoice = Run._meter_rebill(bill, corrected)
        corrected.write({"state": "billed", "bill_line_id": bill.id, "invoice_id": invoice.id})
        self.write({"corrected_by_id": corrected.id, "credit_note_id": credit_note.id})
        # A sub-meter's use changed: the common use of the month is shared again.
        if float_compare(corrected.consumption, self.consumption, precision_digits=USE_DIGITS):
            Run._meter_resplit(corrected)
        if following and float_compare(corrected.value, self.value, precision_digits=2):
            following._follow_correction(corrected)
        return corrected

    @workflow_step
    def _follow_correction(self, corrected):
        """The month before was corrected to ``corrected``: this reading's use is counted again
        from its dial. Billed, it is corrected in turn (a credit note and a new bill, its own
        dial unchanged); confirmed or held, it is checked again as on confirming."""
        self.ensure_one()
        start = corrected.value
        if self.state == "billed":
            return self._correct(
                {
                    "value": self.value,
                    "date_reading": self.date_reading,
                    "event": self.event,
                    "old_final_value": self.old_final_value,
                    "new_start_value": self.new_start_value,
                    "new_meter_no": self.new_meter_no,
                    "note": self.env._(
                        "Counted again from the corrected reading of %(month)s (%(value)s).",
                        month=corrected.period_start.strftime("%Y-%m"),
                        value=_g(start),
                    ),
                },
                previous=start,
            )
        use = self._use(start, self.multiplier)
        reason, average = self._hold_reason(use)
        self.write(
            {
                "previous_value": start,
                "consumption": use,
                "hold_reason": reason,
                "hold_average": average,
                # A held reading the new count makes ordinary needs no review any more.
                "state": "held" if reason else "confirmed",
            }
        )
        self.message_post(
            body=self.env._(
                "Counted again from the corrected reading of %(month)s (%(value)s): use %(use)s.",
                month=corrected.period_start.strftime("%Y-%m"),
                value=_g(start),
                use=_g(use),
            )
        )
        return self


class HanlingFeeMeterCorrection(models.TransientModel):
    """The accountant's correction of a billed reading (a credit note and a new bill)."""

    _name = "hanling.fee.meter.correction"
    _description = "Correct a Billed Reading"

    reading_id = fields.Many2one(
        "hanling.fee.meter.reading", required=True, readonly=True, ondelete="cascade"
    )
    previous_value = fields.Float(related="reading_id.previous_value")
    old_value = fields.Float(related="reading_id.value", string="Billed Reading")
    value = fields.Float(string="Corrected Reading", required=True, digits=(16, 2))
    event = fields.Selection(
        [
            ("normal", "Normal"),
            ("rollover", "Dial Rolled Over"),
            ("replacement", "Meter Replaced"),
        ],
        required=True,
        default="normal",
    )
    old_final_value = fields.Float(string="Old Meter's Final Reading", digits=(16, 2))
    new_start_value = fields.Float(string="New Meter's Start Reading", digits=(16, 2))
    note = fields.Text(string="Reason", required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        reading = self.env["hanling.fee.meter.reading"].browse(values.get("reading_id"))
        if reading and "value" in fields_list:
            values["value"] = reading.value
        return values

    def action_correct(self):
        self.ensure_one()
        corrected = self.reading_id._correct(
            {
                "value": self.value,
                "event": self.event,
                "old_final_value": self.old_final_value,
                "new_start_value": self.new_start_value,
                "note": self.note,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": corrected._name,
            "res_id": corrected.id,
            "view_mode": "form",
        }
