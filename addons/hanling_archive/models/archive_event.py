from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.hanling_property.tools.workflow import workflow_step

# What the office manager reviews: fixed once reviewed.
_RECORD_FIELDS = (
    "name",
    "kind",
    "partner_id",
    "complaint_id",
    "date_event",
    "description",
    "handling",
    "document_ids",
    "review_note",
)


class HanlingArchiveEvent(models.Model):
    """Important event (篇5 4.1.4): filed only after the office manager has reviewed it."""

    _name = "hanling.archive.event"
    _description = "Important Event Record"
    _inherit = [
        "hanling.workflow.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "hanling.archive.confidential.mixin",
    ]
    _order = "date_event desc, id desc"
    _check_company_auto = True
    _workflow_fields = (
        "state",
        "date_submitted",
        "reviewer_id",
        "date_reviewed",
        "filed_by_id",
        "date_filed",
    )
    _workflow_lock = {
        ("submitted", "reviewed", "filed"): ("dossier_id",),
        ("reviewed", "filed"): _RECORD_FIELDS,
    }

    name = fields.Char(string="Title", required=True, tracking=True)
    kind = fields.Selection(
        [
            ("complaint", "Major complaint"),
            ("accident", "Major liability accident"),
            ("legal", "Event with (possible) legal liability"),
            ("building_quality", "Major building-quality problem or repair"),
            ("contract", "Important contract or undertaking with an owner"),
        ],
        required=True,
        index=True,
        tracking=True,
    )
    dossier_id = fields.Many2one(
        "hanling.archive.dossier",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    unit_id = fields.Many2one(related="dossier_id.unit_id", store=True, index=True)
    company_id = fields.Many2one(related="dossier_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Resident", index=True)
    complaint_id = fields.Many2one(
        "hanling.complaint",
        string="Complaint",
        index=True,
        check_company=True,
        help="For a major complaint: the complaint record and its handling.",
    )
    date_event = fields.Date(
        string="Date", required=True, default=fields.Date.context_today, index=True
    )
    description = fields.Html(string="Record")
    handling = fields.Html(string="Handling")
    document_ids = fields.One2many("hanling.archive.document", "event_id", string="Evidence")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Awaiting Review"),
            ("reviewed", "Reviewed"),
            ("filed", "Filed"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    date_submitted = fields.Datetime(readonly=True, copy=False)
    reviewer_id = fields.Many2one("res.users", string="Reviewed By", readonly=True, copy=False)
    date_reviewed = fields.Datetime(readonly=True, copy=False)
    review_note = fields.Text(string="Manager's Comments")
    filed_by_id = fields.Many2one("res.users", string="Filed By", readonly=True, copy=False)
    date_filed = fields.Datetime(readonly=True, copy=False)

    @api.onchange("complaint_id")
    def _onchange_complaint_id(self):
        if self.complaint_id:
            self.partner_id = self.partner_id or self.complaint_id.partner_id
            self.name = self.name or self.complaint_id.name

    @workflow_step
    def action_submit(self):
        self._check_state(["draft"], message=_("Only draft events can be submitted for review."))
        if self.filtered(lambda e: not e.document_ids):
            raise UserError(_("Attach the evidence before submitting an important event."))
        return self._action_submit()

    def _action_submit(self):
        self.write({"state": "submitted", "date_submitted": fields.Datetime.now()})
        Users = self.env["res.users"]
        for event in self:
            # The community's own manager reviews; any office manager of the company otherwise.
            manager = (
                event.dossier_id.community_id.manager_id
                or Users._hanling_role_users("hanling_property.group_manager", event.company_id)[:1]
            )
            if manager:
                event.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=manager.id,
                    summary=_("Review the important event before it is filed"),
                )
        return True

    def _check_reviewer(self):
        if not self.env.user.has_group("hanling_property.group_manager"):
            raise AccessError(_("Only the office manager reviews important events."))

    @workflow_step
    def action_review(self):
        self._check_reviewer()
        self._check_state(["submitted"], message=_("Only events awaiting review can be reviewed."))
        return self._action_review()

    def _action_review(self):
        self.write(
            {
                "state": "reviewed",
                "reviewer_id": self.env.uid,
                "date_reviewed": fields.Datetime.now(),
            }
        )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    @workflow_step
    def action_return(self):
        self._check_reviewer()
        self._check_state(["submitted"], message=_("Only events awaiting review can be returned."))
        self.write({"state": "draft", "date_submitted": False})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    @workflow_step
    def action_file(self):
        if not self.env.user.has_group("hanling_archive.group_archive_keeper"):
            raise AccessError(_("Only the archive keeper files important events."))
        self._check_state(
            ["reviewed"],
            message=_("An important event is filed only after the office manager has reviewed it."),
        )
        return self._action_file()

    def _action_file(self):
        return self.write(
            {"state": "filed", "filed_by_id": self.env.uid, "date_filed": fields.Datetime.now()}
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_filed(self):
        if self.filtered(lambda e: e.state != "draft"):
            raise UserError(_("Only draft important events can be deleted."))
