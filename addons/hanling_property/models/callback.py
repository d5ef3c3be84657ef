from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.translate import LazyTranslate

from ..tools.workflow import workflow_step
from .deadline_mixin import deadline_flag

_lt = LazyTranslate(__name__)

SATISFACTION = [
    ("1", "Very Dissatisfied"),
    ("2", "Dissatisfied"),
    ("3", "Neutral"),
    ("4", "Satisfied"),
    ("5", "Very Satisfied"),
]


class HanlingCallback(models.Model):
    """回访记录: the call (or visit) back to the resident after a request was handled."""

    _name = "hanling.callback"
    _description = "Callback Visit"
    _inherit = [
        "hanling.workflow.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "hanling.deadline.mixin",
    ]
    _order = "date_due, id"
    _check_company_auto = True
    # A callback is planned by its document's procedure (_schedule_callback) and belongs to that
    # document for good: the link is the server's, like the state.
    # The resident's online rating is the resident's own word: only the portal step writes it.
    _workflow_fields = (
        "state",
        "date_done",
        "res_model",
        "res_id",
        "resident_satisfaction",
        "resident_comment",
        "date_resident_feedback",
    )
    _workflow_lock = {
        # What the resident said, to whom and when, is the record of the call (篇3 4.4).
        ("done", "cancel"): (
            "company_id",
            "partner_id",
            "unit_id",
            "user_id",
            "date_due",
            "satisfaction",
            "comment",
            "opinion",
            "prevention_suggestion",
            "service_suggestion",
            "evaluation",
        ),
    }
    # The planned call is the reminder: an overdue callback gets one again if it was dismissed.
    _deadlines = {
        "callback": {
            "due": "date_due",
            "done": "date_done",
            "flag": "is_overdue",
            "open_states": ("planned",),
            "activity": "mail.mail_activity_data_call",
            "user": ("user_id",),
            "summary": _lt("Overdue callback: %(name)s"),
            "name": "document_name",
        },
    }

    res_model = fields.Char(string="Document Model", required=True, index=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Document ID", model_field="res_model", required=True, index=True, readonly=True
    )
    document_name = fields.Char(string="Document", compute="_compute_document_name")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one("res.partner", string="Resident", index=True)
    unit_id = fields.Many2one("hanling.unit", index=True, check_company=True)
    user_id = fields.Many2one(
        "res.users", string="Called By", default=lambda self: self.env.user, index=True
    )
    date_due = fields.Datetime(string="Due", required=True, index=True)
    date_done = fields.Datetime(string="Done On", readonly=True, index=True, copy=False)
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancel", "Cancelled")],
        default="planned",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    is_overdue = deadline_flag("Overdue")
    attempt_ids = fields.One2many("hanling.callback.attempt", "callback_id", string="Attempts")
    attempt_count = fields.Integer(compute="_compute_attempt_count", store=True)
    satisfaction = fields.Selection(SATISFACTION, index=True)
    comment = fields.Text(string="Resident's Comment")
    # The four points of a complaint callback (篇3 4.4); other procedures may leave them empty.
    opinion = fields.Text(string="Opinion of the Handling and Its Effect")
    prevention_suggestion = fields.Text(string="Suggestions to Prevent It")
    service_suggestion = fields.Text(string="Suggestions for Community Services")
    evaluation = fields.Text(string="Overall Evaluation of the Office")
    # What the resident answered online (portal): kept as the resident's feedback; it never
    # completes the office's callback, which the office makes by phone or visit (篇2 二 六) 3,
    # 篇3 4.4).
    resident_satisfaction = fields.Selection(
        SATISFACTION, string="Resident's Online Rating", readonly=True, copy=False
    )
    resident_comment = fields.Text(string="Resident's Online Comment", readonly=True, copy=False)
    date_resident_feedback = fields.Datetime(string="Rated Online On", readonly=True, copy=False)

    @api.depends("res_model", "res_id")
    def _compute_document_name(self):
        for callback in self:
            document = callback._get_document()
            callback.document_name = document.display_name if document else False

    @api.depends("attempt_ids")
    def _compute_attempt_count(self):
        for callback in self:
            callback.attempt_count = len(callback.attempt_ids)

    @api.model
    @workflow_step
    def _plan(self, vals_list):
        """Create the callbacks a document's procedure plans (see _schedule_callback)."""
        return self.create(vals_list)

    def _get_document(self):
        self.ensure_one()
        if not self.res_model or not self.res_id or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id).exists()

    @workflow_step
    def action_unreachable(self):
        """Record a call that did not reach the resident; the callback stays planned."""
        self._check_planned()
        self._check_caller()
        self.env["hanling.callback.attempt"].create(
            [{"callback_id": callback.id, "result": "unreachable"} for callback in self]
        )
        return True

    def _get_document_model(self):
        self.ensure_one()
        if self.res_model in self.env and "callback_ids" in self.env[self.res_model]._fields:
            return self.env[self.res_model]
        return self.env["hanling.callback.mixin"]

    def _check_caller(self):
        """The callback is the office's: only the roles the manual names make it (篇2 二 六) 3:
        the engineering supervisor; 篇3 4.4: the customer-service centre's staff)."""
        user = self.env.user
        for callback in self:
            groups = callback._get_document_model()._callback_caller_groups()
            if not any(user.has_group(xmlid) for xmlid in groups):
                # sudo: the names of the roles, to say who makes the callback.
                roles = [self.env.ref(xmlid).sudo().name for xmlid in groups]
                raise AccessError(
                    _(
                        "Only %(roles)s may record the callback of %(document)s: the office "
                        "calls the resident back by phone or visit.",
                        roles=_(" or ").join(roles),
                        document=callback.document_name or callback.display_name,
                    )
                )

    def _check_record_complete(self):
        """Every point the procedure's callback records is required (篇3 4.4.1-4.4.4)."""
        for callback in self:
            names = callback._get_document_model()._callback_required_fields()
            missing = [
                name for name in names if not callback[name] or not str(callback[name]).strip()
            ]
            if missing:
                labels = [self._fields[name]._description_string(self.env) for name in missing]
                raise UserError(
                    _(
                        "Record %(fields)s before completing the callback of %(document)s.",
                        fields=", ".join(labels),
                        document=callback.document_name or callback.display_name,
                    )
                )

    @workflow_step
    def action_done(self):
        self._check_planned()
        self._check_caller()
        self._check_record_complete()
        now = fields.Datetime.now()
        self.env["hanling.callback.attempt"].create(
            [{"callback_id": callback.id, "result": "reached"} for callback in self]
        )
        self.write({"state": "done", "date_done": now})
        self.activity_feedback(["mail.mail_activity_data_call"])
        for model, callbacks in self.grouped("res_model").items():
            documents = self.env[model].browse(callbacks.mapped("res_id")).exists()
            if hasattr(documents, "_on_callback_done"):
                documents._on_callback_done(callbacks)
        return True

    @workflow_step
    def _record_resident_feedback(self, satisfaction, comment=False):
        """The resident rates online (portal): kept as the resident's feedback on the callback,
        which stays planned for the office to make (篇2 二 六) 3, 篇3 4.4)."""
        self._check_planned()
        if self.filtered("date_resident_feedback"):
            raise UserError(_("You already gave your rating online."))
        if satisfaction not in dict(SATISFACTION):
            raise UserError(_("Choose how satisfied you are, from 1 to 5."))
        self.write(
            {
                "resident_satisfaction": satisfaction,
                "resident_comment": comment or False,
                "date_resident_feedback": fields.Datetime.now(),
            }
        )
        for callback in self:
            callback.message_post(
                body=_(
                    "The resident rated it online (%(rating)s); the office's callback is still "
                    "to be made.",
                    rating=dict(
                        self._fields["resident_satisfaction"]._description_selection(self.env)
                    )[satisfaction],
                ),
                partner_ids=callback.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        return True

    @workflow_step
    def action_cancel(self):
        self._check_planned()
        self.write({"state": "cancel"})
        return True

    def action_open_document(self):
        self.ensure_one()
        document = self._get_document()
        if not document:
            raise UserError(_("The document of this callback no longer exists."))
        return {
            "type": "ir.actions.act_window",
            "res_model": document._name,
            "res_id": document.id,
            "view_mode": "form",
        }

    def _check_planned(self):
        self._check_state(
            ["planned"], message=_("Only a planned callback can be updated this way.")
        )


class HanlingCallbackAttempt(models.Model):
    """One call of a callback: made by the callback's own steps (unreachable, done), never by
    hand — who called, when and what came of it is the record of the callback (篇3 4.4)."""

    _name = "hanling.callback.attempt"
    _description = "Callback Attempt"
    _inherit = ["hanling.workflow.mixin"]
    _order = "date desc, id desc"
    _workflow_fields = ("callback_id", "date", "user_id", "result", "note")
    _workflow_parent = "callback_id"

    callback_id = fields.Many2one("hanling.callback", required=True, ondelete="cascade", index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user, required=True)
    result = fields.Selection(
        [("reached", "Reached"), ("unreachable", "Unreachable")], required=True
    )
    note = fields.Char()

    def unlink(self):
        # A call that was made stays in the record; the callback's deletion takes its attempts.
        if not self._workflow_open():
            self._workflow_refuse(["result"])
        return super().unlink()


class HanlingCallbackMixin(models.AbstractModel):
    """Documents that end with a callback visit (work orders, complaints, errands)."""

    _name = "hanling.callback.mixin"
    _description = "Document with Callback Visits"

    callback_ids = fields.One2many(
        "hanling.callback",
        "res_id",
        string="Callbacks",
        domain=lambda self: [("res_model", "=", self._name)],
    )
    callback_state = fields.Selection(
        [("none", "Not Planned"), ("planned", "Planned"), ("done", "Done")],
        compute="_compute_callback_state",
        store=True,
        index=True,
    )
    callback_satisfaction = fields.Selection(
        SATISFACTION, string="Satisfaction", compute="_compute_callback_state", store=True
    )
    callback_date_due = fields.Datetime(
        string="Callback Due", compute="_compute_callback_state", store=True, index=True
    )

    @api.depends("callback_ids.state", "callback_ids.satisfaction", "callback_ids.date_due")
    def _compute_callback_state(self):
        for record in self:
            callbacks = record.callback_ids.filtered(lambda c: c.state != "cancel")
            done = callbacks.filtered(lambda c: c.state == "done").sorted("date_done")
            planned = callbacks.filtered(lambda c: c.state == "planned")
            # A callback still to make (e.g. after a rework) keeps the document waiting for it.
            record.callback_state = "planned" if planned else ("done" if done else "none")
            record.callback_satisfaction = done[-1:].satisfaction if done else False
            record.callback_date_due = min(planned.mapped("date_due")) if planned else False

    @api.model
    def _callback_caller_groups(self):
        """Hook: the roles who make this document's callback (the office's staff)."""
        return ("hanling_property.group_cs_staff", "hanling_property.group_eng_supervisor")

    @api.model
    def _callback_required_fields(self):
        """Hook: the callback's fields that must be recorded before it is completed."""
        return ("satisfaction",)

    def _schedule_callback(self, date_due, user=None, values=None):
        """Plan one callback per document, with a phone-call activity for the caller."""
        callbacks = self.env["hanling.callback"]._plan(
            [
                {
                    "res_model": record._name,
                    "res_id": record.id,
                    "company_id": record.company_id.id,
                    "partner_id": record.partner_id.id,
                    "unit_id": record.unit_id.id,
                    "user_id": (user or self.env.user).id,
                    "date_due": date_due,
                    **(values or {}),
                }
                for record in self
            ]
        )
        for callback in callbacks:
            callback.activity_schedule(
                "mail.mail_activity_data_call",
                date_deadline=fields.Date.to_date(
                    fields.Datetime.context_timestamp(callback, date_due)
                ),
                summary=self.env._(
                    "Call the resident back: %(document)s", document=callback.document_name
                ),
                user_id=callback.user_id.id,
            )
        return callbacks

    def _check_callback_done(self):
        missing = self.filtered(lambda r: r.callback_state != "done")
        if missing:
            raise UserError(
                _(
                    "The callback visit is not done yet for: %(names)s.",
                    names=", ".join(missing.mapped(lambda r: r.display_name or str(r.id))),
                )
            )

    def _on_callback_done(self, callbacks):
        """Hook: a callback of these documents was completed.

        An override that moves the document on is a workflow step of the document's model
        (``@workflow_step``): the callback's own step grants nothing on the document.
        """

    def action_view_callbacks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hanling_property.hanling_callback_action"
        )
        action["domain"] = [("res_model", "=", self._name), ("res_id", "=", self.id)]
        action["context"] = {}
        return action
