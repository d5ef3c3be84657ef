from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class HanlingOccupancy(models.Model):
    _name = "hanling.occupancy"
    _description = "Occupancy"
    _order = "date_start desc, id desc"
    _check_company_auto = True

    unit_id = fields.Many2one(
        "hanling.unit", required=True, index=True, ondelete="cascade", check_company=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Resident", required=True, index=True, ondelete="restrict"
    )
    role = fields.Selection(
        [("owner", "Owner"), ("tenant", "Tenant"), ("family", "Family Member")],
        required=True,
        default="owner",
        index=True,
    )
    date_start = fields.Date(
        string="From", required=True, default=fields.Date.context_today, index=True
    )
    date_end = fields.Date(string="Until", index=True)
    is_current = fields.Boolean(compute="_compute_is_current", search="_search_is_current")
    community_id = fields.Many2one(related="unit_id.community_id", store=True, index=True)
    company_id = fields.Many2one(related="unit_id.company_id", store=True, index=True)
    phone = fields.Char(related="partner_id.mobile", string="Mobile")

    @api.depends("date_start", "date_end")
    def _compute_is_current(self):
        today = fields.Date.context_today(self)
        for occupancy in self:
            occupancy.is_current = occupancy._is_current_on(today)

    def _search_is_current(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(_("Unsupported search on “current”."))
        today = fields.Date.context_today(self)
        domain = [
            "&",
            ("date_start", "<=", today),
            "|",
            ("date_end", "=", False),
            ("date_end", ">=", today),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for occupancy in self:
            if not occupancy.date_start:
                raise ValidationError(_("An occupancy needs the date it starts."))
            if occupancy.date_end and occupancy.date_end < occupancy.date_start:
                raise ValidationError(
                    _(
                        "The occupancy of %(resident)s in %(unit)s cannot end before it starts.",
                        resident=occupancy.partner_id.name,
                        unit=occupancy.unit_id.display_name,
                    )
                )

    @api.constrains("unit_id", "partner_id", "role", "date_start", "date_end")
    def _check_overlap(self):
        others = self.search(
            [
                ("unit_id", "in", self.unit_id.ids),
                ("partner_id", "in", self.partner_id.ids),
                ("id", "not in", self.ids),
            ]
        )
        for occupancy in self.filtered("date_start"):
            for other in others.filtered("date_start"):
                if (
                    other.unit_id == occupancy.unit_id
                    and other.partner_id == occupancy.partner_id
                    and other._overlaps(occupancy)
                ):
                    raise ValidationError(
                        _(
                            "%(resident)s already lives in %(unit)s during this period.",
                            resident=occupancy.partner_id.name,
                            unit=occupancy.unit_id.display_name,
                        )
                    )

    @api.constrains("partner_id")
    def _check_partner_phone(self):
        # A resident must be reachable: their recorded numbers must be valid Chinese numbers.
        self.partner_id._check_hanling_phones()

    def _is_current_on(self, day):
        self.ensure_one()
        return self.date_start <= day and (not self.date_end or self.date_end >= day)

    def _overlaps(self, other):
        far = fields.Date.to_date("9999-12-31")
        return self.date_start <= (other.date_end or far) and other.date_start <= (
            self.date_end or far
        )

    @api.depends("partner_id.name", "unit_id.display_name", "role")
    def _compute_display_name(self):
        roles = dict(self._fields["role"]._description_selection(self.env))
        for occupancy in self:
            occupancy.display_name = (
                f"{occupancy.partner_id.name} · {occupancy.unit_id.display_name} "
                f"({roles.get(occupancy.role, '')})"
            )

    def action_end(self):
        """End the occupancy today (moving out, transfer of ownership)."""
        today = fields.Date.context_today(self)
        for occupancy in self.filtered(lambda o: not o.date_end or o.date_end > today):
            occupancy.date_end = max(today, occupancy.date_start)
        return True
