import math
import random

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.hanling_property.tools.workflow import workflow_step

# Spot checks cover at least this share of the dossiers (篇5 4.1.1 2)).
MIN_SAMPLE_PERCENT = 5.0
# The full check is due at this occupancy rate, or this long after the first move-in.
FULL_CHECK_OCCUPANCY = 80.0
FULL_CHECK_AFTER = relativedelta(years=1)
SPOT_CHECK_EVERY = relativedelta(months=6)


class HanlingArchiveInspection(models.Model):
    """Archive inspection: the quality inspection record (质量检查记录) of 篇5 4.1.1 2)."""

    _name = "hanling.archive.inspection"
    _description = "Archive Inspection"
    _inherit = ["hanling.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_due desc, id desc"
    _check_company_auto = True
    _sequence_code = "hanling.archive.inspection"
    # The draw (how many dossiers it came from) and the dates are the server's; the results are
    # the lines' (hanling.archive.inspection.line), fixed when the inspection is completed.
    _workflow_fields = ("state", "date_start", "date_done", "population_count")
    _workflow_lock = {
        ("in_progress", "done"): ("community_id", "kind", "sample_percent"),
        ("planned", "done"): ("line_ids",),
        ("done",): ("date_due", "inspector_id", "followup_user_id", "conclusion"),
    }

    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default=lambda self: _("New")
    )
    community_id = fields.Many2one(
        "hanling.community", required=True, index=True, ondelete="restrict", check_company=True
    )
    company_id = fields.Many2one(
        related="community_id.company_id", store=True, index=True, precompute=True
    )
    kind = fields.Selection(
        [("full", "Full inspection"), ("spot", "Spot check")],
        required=True,
        default="spot",
        tracking=True,
    )
    date_due = fields.Date(string="Due", required=True, index=True, tracking=True)
    inspector_id = fields.Many2one(
        "res.users", string="Inspector", default=lambda self: self.env.user, tracking=True
    )
    followup_user_id = fields.Many2one(
        "res.users",
        string="Follow-up By",
        tracking=True,
        help="Who completes the dossiers with findings (gets a to-do per dossier).",
    )
    sample_percent = fields.Float(
        string="Sample (%)", default=MIN_SAMPLE_PERCENT, digits=(5, 1), tracking=True
    )
    population_count = fields.Integer(
        string="Dossiers in Community",
        readonly=True,
        copy=False,
        help="Number of dossiers the sample was drawn from.",
    )
    state = fields.Selection(
        [("planned", "Planned"), ("in_progress", "In Progress"), ("done", "Done")],
        default="planned",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    date_start = fields.Datetime(string="Started On", readonly=True, copy=False)
    date_done = fields.Date(string="Done On", readonly=True, copy=False, index=True)
    line_ids = fields.One2many(
        "hanling.archive.inspection.line", "inspection_id", string="Checked Dossiers", copy=False
    )
    sample_count = fields.Integer(compute="_compute_counts", string="Checked")
    finding_count = fields.Integer(compute="_compute_counts", string="Findings")
    conclusion = fields.Text()

    @api.depends("line_ids.result")
    def _compute_counts(self):
        for inspection in self:
            inspection.sample_count = len(inspection.line_ids)
            inspection.finding_count = len(
                inspection.line_ids.filtered(lambda line: line.result in ("missing", "damaged"))
            )

    @api.constrains("sample_percent")
    def _check_sample_percent(self):
        for inspection in self:
            if not MIN_SAMPLE_PERCENT <= inspection.sample_percent <= 100:
                raise ValidationError(_("A spot check covers between 5% and 100% of the dossiers."))

    @workflow_step
    def action_start(self):
        self.check_access("write")
        self._check_state(["planned"], message=_("Only planned inspections can be started."))
        return self._action_start()

    def _action_start(self):
        for inspection in self:
            inspection._draw_sample()
        self.write({"state": "in_progress", "date_start": fields.Datetime.now()})
        return True

    def _draw_sample(self):
        """Draw the dossiers to check; the server draws them and nobody can change the draw."""
        self.ensure_one()
        population = self.env["hanling.archive.dossier"].search(
            [("community_id", "=", self.community_id.id)]
        )
        if not population:
            raise UserError(
                _("%(community)s has no dossier to inspect.", community=self.community_id.name)
            )
        if self.kind == "full":
            sample = population
        else:
            size = self._sample_size(len(population), self.sample_percent)
            sample = self.env["hanling.archive.dossier"].browse(
                self._random().sample(population.ids, size)
            )
        missing = sample._missing_by_set()
        # sudo: inspection lines are created only here, by the server's draw; no user (not
        # even the supervisor) has the right to create or re-point them.
        self.env["hanling.archive.inspection.line"].sudo()._create_drawn(
            [
                {
                    "inspection_id": self.id,
                    "dossier_id": dossier.id,
                    "missing_type_ids": [
                        fields.Command.set(
                            [t.id for types in missing[dossier.id].values() for t in types]
                        )
                    ],
                }
                for dossier in sample
            ]
        )
        self.population_count = len(population)

    @api.model
    def _sample_size(self, population, percent):
        """At least ``percent`` of the population, and at least one dossier."""
        return min(population, max(1, math.ceil(population * percent / 100.0 - 1e-9)))

    @api.model
    def _random(self):
        # The OS entropy source: nobody can predict or replay which dossiers are drawn.
        return random.SystemRandom()

    @workflow_step
    def action_done(self):
        self.check_access("write")
        self._check_state(
            ["in_progress"], message=_("Only inspections in progress can be completed.")
        )
        if self.line_ids.filtered(lambda line: line.result == "pending"):
            raise UserError(_("Record the result of every checked dossier first."))
        return self._action_done()

    def _action_done(self):
        self.write({"state": "done", "date_done": fields.Date.context_today(self)})
        for inspection in self:
            user = inspection.followup_user_id or inspection.inspector_id or self.env.user
            for line in inspection.line_ids.filtered(
                lambda line: line.result in ("missing", "damaged")
            ):
                # sudo: the supervisor checks dossiers without the right to edit them; the
                # follow-up goes on the dossier to the keeper who completes it.
                line.dossier_id.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=_(
                        "Complete the dossier after inspection %(name)s", name=inspection.name
                    ),
                    note=line._finding_text(),
                )
        return True
