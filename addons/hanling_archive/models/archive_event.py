from odoo import _, api, fields, models
from odoo.exceptions import UserError

# Fields only the transition methods may write.
_TRANSITION_FIELDS = {
    "state",
    "date_submitted",
    "reviewer_id",
    "date_reviewed",
    "filed_by_id",
    "date_filed",
}


class HanlingArchiveEvent(models.Model):
    """Important event (篇5 4.1.4): filed only after the office manager has reviewed it."""

    _name = "hanling.archive.event"
    _description = "Important Event Record"
    _inherit = ["mail.thread", "mail.activity.mixin", "hanling.archive.confidential.mixin"]
    _order = "date_event desc, id desc"
    _check_company_auto = True

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

    def write(self, vals):
        if _TRANSITION_FIELDS & set(vals) and not self.env.context.get(
            "hanling_archive_transition"
        ):
            raise UserError(_("Use the buttons to submit, review or file an important event."))
        return super().write(vals)

    def _transition(self, vals):
        return self.with_context(hanling_archive_transition=True).write(vals)

    def action_submit(self):
        if self.filtered(lambda e: e.state != "draft"):
            raise UserError(_("Only draft events can be submitted for review."))
        if self.filtered(lambda e: not e.document_ids):
            raise UserError(_("Attach the evidence before submitting an important event."))
        return self._action_submit()

    def _action_submit(self):
        self._transition({"state": "submitted", "date_submitted": fields.Datetime.now()})
        managers = self.env.ref("hanling_property.group_manager").users
        for event in self:
            # The community's own manager reviews; any office manager of the company otherwise.
            manager = (
                event.dossier_id.community_id.manager_id
                or managers.filtered(lambda u, e=event: e.company_id in u.company_ids)[:1]
            )
            if manager:
                event.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=manager.id,
                    summary=_("Review the important event before it is filed"),
                )
        return True

    def action_review(self):
        if not self.env.user.has_group("hanling_property.group_manager"):
            raise UserError(_("Only the office manager reviews important events."))
        if self.filtered(lambda e: e.state != "submitted"):
            raise UserError(_("Only events awaiting review can be reviewed."))
        return self._action_review()

    def _action_review(self):
        self._transition(
            {
                "state": "reviewed",
                "reviewer_id": self.env.uid,
                "date_reviewed": fields.Datetime.now(),
            }
        )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_return(self):
        if not self.env.user.has_group("hanling_property.group_manager"):
            raise UserError(_("Only the office manager reviews important events."))
        if self.filtered(lambda e: e.state != "submitted"):
            raise UserError(_("Only events awaiting review can be returned."))
        self._transition({"state": "draft", "date_submitted": False})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_file(self):
        if not self.env.user.has_group("hanling_archive.group_archive_keeper"):
            raise UserError(_("Only the archive keeper files important events."))
        if self.filtered(lambda e: e.state != "reviewed"):
            raise UserError(
                _("An important event is filed only after the office manager has reviewed it.")
            )
        return self._action_file()

    def _action_file(self):
        return self._transition(
            {"state": "filed", "filed_by_id": self.env.uid, "date_filed": fields.Datetime.now()}
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_filed(self):
        if self.filtered(lambda e: e.state != "draft"):
            raise UserError(_("Only draft important events can be deleted."))
