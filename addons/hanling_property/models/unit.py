from datetime import timedelta

from odoo import api, fields, models

# A late or missed cron run still catches occupancies that changed within this window.
STATE_REFRESH_DAYS = 31


class HanlingUnit(models.Model):
    _name = "hanling.unit"
    _description = "Unit"
    _inherit = ["hanling.workflow.mixin", "mail.thread"]
    _order = "community_id, building_id, floor, room"
    # Vacant / occupied follows the occupancies (move-in, transfer): nobody writes it.
    _workflow_fields = ("state",)
    _rec_names_search = ["code", "label"]
    _check_company_auto = True

    building_id = fields.Many2one(
        "hanling.building", required=True, index=True, ondelete="restrict", check_company=True
    )
    community_id = fields.Many2one(
        related="building_id.community_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="building_id.company_id", store=True, index=True, precompute=True
    )
    floor = fields.Integer(required=True)
    room = fields.Char(string="Room No.", required=True)
    label = fields.Char(
        compute="_compute_label",
        store=True,
        precompute=True,
        index="trigram",
        help="Floor-room label (楼层-房号) used on archive folders, e.g. 3-301.",
    )
    code = fields.Char(
        compute="_compute_code",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        index="trigram",
        tracking=True,
        help="Unique within the community; by default the building code and the room number.",
    )
    floor_area = fields.Float(string="Floor Area (m²)", digits=(10, 2), tracking=True)
    state = fields.Selection(
        [("vacant", "Vacant"), ("occupied", "Occupied")],
        compute="_compute_state",
        store=True,
        precompute=True,
        index=True,
        tracking=True,
    )
    occupancy_ids = fields.One2many("hanling.occupancy", "unit_id", string="Occupancy History")
    current_occupancy_ids = fields.One2many(
        "hanling.occupancy", compute="_compute_current_occupancy", string="Current Occupants"
    )
    owner_names = fields.Char(string="Owners", compute="_compute_current_occupancy")
    active = fields.Boolean(default=True)
    note = fields.Html()

    _sql_constraints = [
        (
            "code_community_uniq",
            "unique(code, community_id)",
            "A unit code must be unique within its community.",
        ),
        ("floor_area_positive", "CHECK(floor_area >= 0)", "The floor area cannot be negative."),
    ]

    @api.depends("floor", "room")
    def _compute_label(self):
        for unit in self:
            unit.label = f"{unit.floor}-{unit.room}" if unit.room else False

    @api.depends("building_id.code", "room")
    def _compute_code(self):
        for unit in self:
            if unit.building_id and unit.room and not unit.code:
                unit.code = f"{unit.building_id.code}-{unit.room}"

    @api.depends("occupancy_ids.date_start", "occupancy_ids.date_end")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for unit in self:
            current = unit.occupancy_ids.filtered(lambda o: o._is_current_on(today))
            unit.state = "occupied" if current else "vacant"

    @api.depends("occupancy_ids.date_start", "occupancy_ids.date_end", "occupancy_ids.role")
    def _compute_current_occupancy(self):
        today = fields.Date.context_today(self)
        for unit in self:
            current = unit.occupancy_ids.filtered(lambda o: o._is_current_on(today))
            unit.current_occupancy_ids = current
            owners = current.filtered(lambda o: o.role == "owner").partner_id
            unit.owner_names = ", ".join(owners.mapped("name"))

    @api.depends("building_id.name", "label")
    def _compute_display_name(self):
        for unit in self:
            unit.display_name = f"{unit.building_id.name or ''} {unit.label or ''}".strip()

    def _hanling_portal_url(self):
        """Where the unit's QR code leads: the resident's portal page of the unit."""
        self.ensure_one()
        return f"{self.get_base_url()}/my/units/{self.id}"

    @api.model
    def _cron_refresh_state(self):
        """Occupancies start and end with the calendar: refresh units whose state went stale."""
        today = fields.Date.context_today(self)
        since = today - timedelta(days=STATE_REFRESH_DAYS)
        changed = self.env["hanling.occupancy"].search(
            [
                "|",
                "&",
                ("date_end", ">=", since),
                ("date_end", "<", today),
                "&",
                ("date_start", ">", since),
                ("date_start", "<=", today),
            ]
        )
        units = changed.unit_id
        if units:
            self.env.add_to_compute(self._fields["state"], units)
            units.flush_recordset(["state"])
        return units
