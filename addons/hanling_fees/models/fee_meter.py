"""Meters (issue 17 item 1): water, electricity and gas meters of units and common meters of
a building or community, the metered fee kind and its tiered prices (阶梯水价 / 阶梯电价)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _lt, api, fields, models
from odoo.exceptions import UserError, ValidationError

METER_KINDS = [("water", "Water"), ("electricity", "Electricity"), ("gas", "Gas")]
# The verification reminder goes to the meter's responsible this many days before the date.
VERIFICATION_NOTICE_DAYS = 30


def _g(value):
    """A number as a reading shows it: 12.5, 1020, 0.4883."""
    return f"{value:g}"


class HanlingFeeType(models.Model):
    _inherit = "hanling.fee.type"

    kind = fields.Selection(
        selection_add=[("metered", "Metered (Water, Electricity, Gas)")],
        ondelete={"metered": "cascade"},
    )
    meter_kind = fields.Selection(METER_KINDS, string="Meter Kind")
    tier_period = fields.Selection(
        [("month", "Per Month"), ("year", "Per Year (cumulative use)")],
        string="Tiers Counted",
        default="month",
        help="Monthly tiers start again each month; yearly tiers count the year's cumulative "
        "use of the unit, so a month's use climbs into the next tier once the year's total "
        "passes its limit.",
    )
    meter_spike_multiple = fields.Float(
        string="Hold Use Above × Average",
        default=3.0,
        digits=(6, 2),
        help="A reading whose use is more than this multiple of the meter's average use is "
        "held for review before billing (0: no spike check).",
    )
    meter_hold_zero = fields.Boolean(
        string="Hold Zero Use", default=True, help="A reading with no use is held for review."
    )
    meter_average_count = fields.Integer(
        string="Average over Readings",
        default=6,
        help="How many earlier readings of the meter make its average use.",
    )

    @api.constrains("kind", "periodicity", "meter_spike_multiple", "meter_average_count")
    def _check_metered(self):
        for fee_type in self.filtered(lambda f: f.kind == "metered"):
            if fee_type.periodicity != "month":
                raise ValidationError(
                    self.env._("A metered fee is billed every month, from the month's readings.")
                )
            if fee_type.meter_spike_multiple < 0 or fee_type.meter_average_count < 1:
                raise ValidationError(
                    self.env._(
                        "The spike multiple cannot be negative and the average needs at least "
                        "one reading."
                    )
                )

    def _meter_hold_rules(self):
        """(hold zero use?, spike multiple, readings averaged) of this fee (defaults without)."""
        if not self:
            return True, 3.0, 6
        self.ensure_one()
        return self.meter_hold_zero, self.meter_spike_multiple, self.meter_average_count

    def _meter_price(self, tariff, use, used_before=0.0):
        """The amount of ``use`` at ``tariff`` and how it reads: (amount, [text]).

        ``used_before``: the use already billed in the tier period (the year's cumulative use
        for yearly tiers, 0 for monthly ones); the tiers fill from there.
        """
        self.ensure_one()
        tiers = tariff.tier_ids.sorted("sequence")
        if not tiers:
            return use * tariff.rate, [f"{use:g} × {tariff.rate:g}"]
        amount, parts = 0.0, []
        position, left = used_before, use
        for tier in tiers:
            upper = tier.up_to or float("inf")
            if left <= 0:
                break
            if position < upper:
                taken = min(left, upper - position)
                if taken > 0:
                    amount += taken * tier.rate
                    parts.append(
                        self.env._(
                            "tier %(tier)s: %(use)s × %(rate)s",
                            tier=tier.name or tier.sequence,
                            use=_g(round(taken, 4)),
                            rate=_g(tier.rate),
                        )
                    )
                    left -= taken
                    position += taken
        return amount, parts

    def _meter_base_rate(self, tariff):
        """The rate of the first tier (or the tariff's): the price of a shared common use."""
        tiers = tariff.tier_ids.sorted("sequence")
        return tiers[:1].rate if tiers else tariff.rate


class HanlingFeeTariff(models.Model):
    _inherit = "hanling.fee.tariff"

    tier_ids = fields.One2many(
        "hanling.fee.tariff.tier", "tariff_id", string="Tiers (阶梯价)", copy=True
    )


class HanlingFeeTariffTier(models.Model):
    """One step of a tiered price: the use up to ``up_to`` (in the fee's tier period) at
    ``rate``; the last tier has no limit."""

    _name = "hanling.fee.tariff.tier"
    _description = "Tariff Tier"
    _order = "tariff_id, sequence, id"

    tariff_id = fields.Many2one("hanling.fee.tariff", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="tariff_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=1)
    name = fields.Char(string="Tier", translate=True)
    up_to = fields.Float(
        string="Up to (Use)",
        digits=(12, 2),
        help="The use (m³, kWh) of the tier period up to which this tier's rate applies; "
        "0 for the last tier (no limit).",
    )
    rate = fields.Float(required=True, digits="Product Price")

    _sql_constraints = [
        ("tier_rate_not_negative", "CHECK(rate >= 0 AND up_to >= 0)", "Tiers are not negative."),
    ]

    @api.constrains("up_to", "sequence", "tariff_id")
    def _check_order(self):
        for tariff in self.tariff_id:
            limits = tariff.tier_ids.sorted("sequence").mapped("up_to")
            open_ended = [i for i, limit in enumerate(limits) if not limit]
            bounded = [limit for limit in limits if limit]
            if (open_ended and open_ended != [len(limits) - 1]) or bounded != sorted(set(bounded)):
                raise ValidationError(
                    self.env._(
                        "The tiers of %(tariff)s rise: each limit above the one before, and "
                        "only the last tier without a limit.",
                        tariff=tariff.display_name,
                    )
                )

    def _check_tariff_unused(self):
        tariffs = self.tariff_id
        tariffs.invalidate_recordset(["is_used"])  # computed without dependencies: read it now
        used = tariffs.filtered("is_used")
        if used:
            raise UserError(
                self.env._(
                    "The tariff %(tariff)s has billed units: its tiers are never rewritten. "
                    "Add a new version with a later effective date.",
                    tariff=", ".join(used.mapped("display_name")),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        tiers = super().create(vals_list)
        tiers._check_tariff_unused()
        return tiers

    def write(self, vals):
        self._check_tariff_unused()
        result = super().write(vals)
        self._check_tariff_unused()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        self._check_tariff_unused()


class HanlingFeeMeter(models.Model):
    """A water, electricity or gas meter: of a unit (billed to its payer under a metered fee)
    or common (公用表) of a building or community, whose use beyond its sub-meters' is shared
    by floor area (公摊) when the office chooses."""

    _name = "hanling.fee.meter"
    _description = "Meter"
    _inherit = [
        "hanling.workflow.mixin",
        "hanling.deadline.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    # No state of its own: the guard owns only the server's computed fields (the verification
    # reminder's flag and date), which a client may not forge.
    _workflow_fields = ()
    _order = "community_id, building_id, unit_id, kind, name"
    _rec_names_search = ["name", "unit_id"]
    _check_company_auto = True
    _deadlines = {
        "verification": {
            "due": "date_verification_notice",
            "flag": "is_verification_due",
            "activity": "mail.mail_activity_data_todo",
            "user": ("user_id",),
            "summary": _lt("Meter verification due: %(name)s"),
        },
    }

    name = fields.Char(string="Meter No.", required=True, tracking=True)
    kind = fields.Selection(METER_KINDS, required=True, default="water", tracking=True)
    scope = fields.Selection(
        [("unit", "Unit Meter"), ("common", "Common Meter")],
        required=True,
        default="unit",
        tracking=True,
    )
    unit_id = fields.Many2one("hanling.unit", index=True, check_company=True, tracking=True)
    building_id = fields.Many2one(
        "hanling.building",
        compute="_compute_place",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        help="The building of a common meter (empty for a community's meter).",
    )
    community_id = fields.Many2one(
        "hanling.community",
        compute="_compute_place",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    fee_type_id = fields.Many2one(
        "hanling.fee.type",
        string="Metered Fee",
        index=True,
        check_company=True,
        domain="[('kind', '=', 'metered'), ('community_id', '=', community_id)]",
        help="The metered fee the unit's readings bill under (its tariff, tiers and checks).",
    )
    parent_id = fields.Many2one(
        "hanling.fee.meter",
        string="Common Meter",
        index=True,
        check_company=True,
        domain="[('scope', '=', 'common'), ('kind', '=', kind)]",
        help="The master meter this meter is a sub-meter of.",
    )
    child_ids = fields.One2many("hanling.fee.meter", "parent_id", string="Sub-meters")
    share_method = fields.Selection(
        [("none", "Borne by the Office"), ("area", "Shared by Floor Area (公摊)")],
        string="Common Use",
        default="none",
        help="What happens to the master's use beyond its sub-meters' (losses, common areas): "
        "shared among the sub-meters' units by floor area on their bills, or borne by the office.",
    )
    date_install = fields.Date(string="Installed On")
    initial_value = fields.Float(
        string="Reading at Installation", digits=(16, 2), help="The dial when installed."
    )
    multiplier = fields.Float(
        default=1.0, digits=(10, 4), help="The dial times this is the use (current transformers)."
    )
    digits = fields.Integer(
        string="Dial Digits",
        default=5,
        help="Whole digits of the dial: a rollover passes 10^digits (99999 → 00000).",
    )
    date_last_verification = fields.Date(string="Last Verified On", tracking=True)
    date_next_verification = fields.Date(string="Next Verification", tracking=True)
    date_verification_notice = fields.Date(
        compute="_compute_verification_notice",
        store=True,
        help="The responsible is reminded from this day (30 days before the verification).",
    )
    is_verification_due = fields.Boolean(
        string="Verification Due",
        compute="_compute_deadline_flags",
        store=True,
        readonly=True,
        index=True,
        copy=False,
    )
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True
    )
    reading_ids = fields.One2many("hanling.fee.meter.reading", "meter_id", string="Readings")
    last_value = fields.Float(
        string="Last Reading", compute="_compute_last_reading", digits=(16, 2)
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("multiplier_positive", "CHECK(multiplier > 0)", "A meter's multiplier is positive."),
        ("digits_positive", "CHECK(digits > 0 AND digits < 13)", "A dial has 1 to 12 digits."),
    ]

    @api.depends("unit_id")
    def _compute_place(self):
        for meter in self:
            if meter.unit_id:
                meter.building_id = meter.unit_id.building_id
                meter.community_id = meter.unit_id.community_id
            elif not meter.community_id and meter.building_id:
                meter.community_id = meter.building_id.community_id

    @api.depends("date_next_verification")
    def _compute_verification_notice(self):
        for meter in self:
            meter.date_verification_notice = meter.date_next_verification and (
                meter.date_next_verification - timedelta(days=VERIFICATION_NOTICE_DAYS)
            )

    def _compute_last_reading(self):
        for meter in self:
            meter.last_value = meter._previous_value(fields.Date.to_date("9999-12-01"))

    @api.depends("name", "kind", "unit_id", "building_id", "community_id", "scope")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for meter in self:
            place = (meter.unit_id or meter.building_id or meter.community_id).display_name
            meter.display_name = f"{place or ''} {kinds.get(meter.kind, '')} {meter.name or ''}"

    @api.constrains("scope", "unit_id", "parent_id", "fee_type_id", "kind", "active")
    def _check_scope(self):
        for meter in self:
            if meter.scope == "unit" and not meter.unit_id:
                raise ValidationError(self.env._("A unit meter belongs to a unit."))
            if meter.scope == "common" and (meter.unit_id or meter.parent_id):
                raise ValidationError(
                    self.env._(
                        "A common meter belongs to a building or community, not a unit, and "
                        "is nobody's sub-meter."
                    )
                )
            if meter.parent_id and (
                meter.parent_id.scope != "common" or meter.parent_id.kind != meter.kind
            ):
                raise ValidationError(
                    self.env._("A sub-meter's master is a common meter of the same kind.")
                )
            if meter.fee_type_id and (
                meter.fee_type_id.kind != "metered"
                or meter.fee_type_id.community_id != meter.community_id
            ):
                raise ValidationError(
                    self.env._("A meter bills under a metered fee of its own community.")
                )
            if meter.scope == "unit" and meter.fee_type_id and meter.active:
                twins = self.search_count(
                    [
                        ("id", "!=", meter.id),
                        ("unit_id", "=", meter.unit_id.id),
                        ("fee_type_id", "=", meter.fee_type_id.id),
                    ]
                )
                if twins:
                    raise ValidationError(
                        self.env._(
                            "%(unit)s has a meter billed under %(fee)s already: a replaced "
                            "meter is recorded on its reading, not as a second meter.",
                            unit=meter.unit_id.display_name,
                            fee=meter.fee_type_id.name,
                        )
                    )

    def action_record_verification(self):
        """The meter was verified (检定) today: the next verification is due in the same
        interval as before (one year when none was set), and its reminder is done."""
        today = fields.Date.context_today(self)
        spec = self._deadline_specs()["verification"]
        for meter in self:
            interval = relativedelta(years=1)
            if meter.date_last_verification and meter.date_next_verification:
                interval = (
                    relativedelta(meter.date_next_verification, meter.date_last_verification)
                    or interval
                )
            meter.write(
                {"date_last_verification": today, "date_next_verification": today + interval}
            )
            reminders = meter._deadline_reminders(spec)
            if reminders:
                reminders.action_feedback()
        return True

    def _previous_value(self, period_start):
        """The dial of the last reading before ``period_start`` (the installation's when none):
        the one the next reading starts from."""
        self.ensure_one()
        last = self.env["hanling.fee.meter.reading"].search(
            [
                ("meter_id", "=", self.id),
                ("period_start", "<", period_start),
                ("state", "in", ("held", "confirmed", "billed")),
            ],
            order="period_start desc, id desc",
            limit=1,
        )
        return last.value if last else self.initial_value
