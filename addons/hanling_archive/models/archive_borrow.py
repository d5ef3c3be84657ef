from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.translate import LazyTranslate

from odoo.addons.hanling_property.models.deadline_mixin import deadline_flag
from odoo.addons.hanling_property.tools.workflow import workflow_step

_lt = LazyTranslate(__name__)

# Modes that let data leave the office: the office manager approves them in writing (篇5 4.2.8
# "业户资料外借、打印、复印、拷贝须经服务中心经理书面批准"): 外借 borrow, 打印 print, 复印 copy,
# 拷贝 export, whoever asks. Only reading in the office (查阅) by an employee is the keeper's.
MANAGER_MODES = ("borrow", "copy", "print", "export")
# What the request asks for: fixed once it is decided on.
_REQUEST_FIELDS = (
    "borrower_type",
    "borrower_user_id",
    "department",
    "outside_name",
    "outside_organisation",
    "proof",
    "proof_file",
    "proof_file_name",
    "dossier_ids",
    "material",
    "purpose",
    "mode",
    "companion_id",
    "date_due",
)


class HanlingArchiveBorrow(models.Model):
    """Borrowing register (文件借阅登记表, 篇5 4.2.3-4.2.8)."""

    _name = "hanling.archive.borrow"
    _description = "Archive Borrowing Request"
    _inherit = [
        "hanling.workflow.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "hanling.deadline.mixin",
    ]
    _order = "date_request desc, id desc"
    _check_company_auto = True
    _sequence_code = "hanling.archive.borrow"
    # When it was asked, who decided, when, and when the files went out and came back: the
    # server's and the buttons' own (the 借阅登记 is audited by these dates).
    _workflow_fields = (
        "state",
        "date_request",
        "approved_by_id",
        "date_approved",
        "rejected_by_id",
        "date_rejected",
        "date_lent",
        "date_returned",
    )
    _workflow_lock = {
        ("approved", "lent", "returned", "rejected"): (*_REQUEST_FIELDS, "reject_reason"),
        ("lent", "returned", "rejected"): ("approval_note", "approval_file", "approval_file_name"),
    }
    # 篇5 4.2: lent files come back by the due date; the accompanying employee gets them back.
    _deadlines = {
        "return": {
            "due": "date_due",
            "done": "date_returned",
            "flag": "is_overdue",
            "open_states": ("lent",),
            "activity": "mail.mail_activity_data_warning",
            "user": ("companion_id",),
            "summary": _lt("Archive loan overdue: get the files back"),
        },
    }

    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default=lambda self: _("New")
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    borrower_type = fields.Selection(
        [("internal", "Employee of another department"), ("external", "Outside person")],
        string="Borrower",
        required=True,
        default="internal",
        tracking=True,
    )
    borrower_user_id = fields.Many2one(
        "res.users", string="Employee", index=True, tracking=True, check_company=True
    )
    department = fields.Char(tracking=True)
    outside_name = fields.Char(string="Outside Person", tracking=True)
    outside_organisation = fields.Char(string="Organisation")
    proof = fields.Char(
        string="Proof Shown", tracking=True, help="The valid proof the outside person showed."
    )
    proof_file = fields.Binary(string="Copy of the Proof", attachment=True)
    proof_file_name = fields.Char()
    dossier_ids = fields.Many2many(
        "hanling.archive.dossier",
        "hanling_archive_borrow_dossier_rel",
        "borrow_id",
        "dossier_id",
        string="Dossiers",
        required=True,
        check_company=True,
        help="The dossiers the request covers: exports and prints are allowed on these only.",
    )
    material = fields.Text(string="What", help="Which documents or data, as the borrower asked.")
    purpose = fields.Text(string="Why", required=True)
    mode = fields.Selection(
        [
            ("read", "Read on site"),
            ("borrow", "Borrow"),
            ("copy", "Copy"),
            ("print", "Print"),
            ("export", "Export"),
        ],
        string="How",
        required=True,
        default="read",
        tracking=True,
    )
    companion_id = fields.Many2one(
        "res.users",
        string="Accompanied By",
        required=True,
        default=lambda self: self.env.user,
        check_company=True,
        tracking=True,
        help="The customer-service employee who accompanies the borrower and operates the "
        "archive software for them.",
    )
    date_request = fields.Datetime(
        string="Requested On",
        required=True,
        default=fields.Datetime.now,
        readonly=True,
        copy=False,
    )
    date_due = fields.Date(
        string="Due",
        required=True,
        tracking=True,
        default=fields.Date.context_today,
        help="Return date, or end of the permission.",
    )
    needs_manager_approval = fields.Boolean(
        compute="_compute_needs_manager_approval", store=True, index=True
    )
    state = fields.Selection(
        [
            ("requested", "Requested"),
            ("approved", "Approved"),
            ("lent", "Lent"),
            ("returned", "Returned"),
            ("rejected", "Rejected"),
        ],
        default="requested",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    approved_by_id = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False)
    date_approved = fields.Datetime(string="Approved On", readonly=True, copy=False)
    approval_note = fields.Text(string="Written Approval", copy=False)
    approval_file = fields.Binary(string="Signed Approval", attachment=True, copy=False)
    approval_file_name = fields.Char(copy=False)
    rejected_by_id = fields.Many2one("res.users", string="Rejected By", readonly=True, copy=False)
    date_rejected = fields.Datetime(readonly=True, copy=False)
    reject_reason = fields.Text(copy=False)
    date_lent = fields.Datetime(string="Lent On", readonly=True, copy=False)
    date_returned = fields.Datetime(string="Returned On", readonly=True, copy=False)
    is_overdue = deadline_flag("Overdue")

    @api.depends("borrower_type", "mode")
    def _compute_needs_manager_approval(self):
        for borrow in self:
            borrow.needs_manager_approval = borrow._requires_manager()

    @api.constrains("borrower_type", "borrower_user_id", "outside_name", "proof")
    def _check_borrower(self):
        for borrow in self:
            if borrow.borrower_type == "internal" and not borrow.borrower_user_id:
                raise ValidationError(_("Say which employee asks for the archive."))
            if borrow.borrower_type == "external" and not (borrow.outside_name and borrow.proof):
                raise ValidationError(
                    _("An outside person must be named and must show a valid proof (篇5 4.2.4).")
                )

    @api.constrains("companion_id")
    def _check_companion(self):
        for borrow in self:
            if not borrow.companion_id:
                raise ValidationError(
                    _("Choose the customer-service employee who accompanies the borrower.")
                )
            if not borrow.companion_id.has_group("hanling_property.group_cs_staff"):
                raise ValidationError(
                    _(
                        "%(user)s is not customer-service staff: the borrower must be "
                        "accompanied by customer-service staff.",
                        user=borrow.companion_id.name,
                    )
                )

    def _requires_manager(self):
        """The office manager decides (篇5 4.2.4, 4.2.8): outside persons, and every mode but reading."""
        self.ensure_one()
        # Read from the request itself, not the stored flag: a request stored under an older
        # rule is decided under today's.
        return self.borrower_type == "external" or self.mode in MANAGER_MODES

    def _check_approver(self):
        """Refuse unless the current user may decide on every one of these requests."""
        is_manager = self.env.user.has_group("hanling_property.group_manager")
        if not is_manager and self.filtered(lambda b: b._requires_manager()):
            raise AccessError(
                _(
                    "Outside persons and every loan, print, copy or export need the office "
                    "manager's written approval (篇5 4.2.4, 4.2.8)."
                )
            )
        if not self.env.user.has_group("hanling_archive.group_archive_keeper") and not is_manager:
            raise AccessError(
                _("Only the archive keeper or the office manager decides on requests.")
            )

    @workflow_step
    def action_approve(self):
        self._check_state(["requested"], message=_("Only requested loans can be approved."))
        self._check_approver()
        # Nobody approves a request they registered or would use: the approval is someone
        # else's written word (篇5 4.2.8).
        own = self.filtered(lambda b: self.env.user in b._requesters())
        if own:
            raise AccessError(
                _(
                    "%(names)s: a request is approved by someone other than the person who "
                    "registered it, accompanies the borrower or borrows.",
                    names=", ".join(own.mapped("name")),
                )
            )
        self._check_written_approval()
        return self._action_approve()

    def _check_written_approval(self):
        """The manager's written approval, and an outside person's proof, filed with the request (篇5 4.2.6, 4.2.8)."""
        for borrow in self.filtered(lambda b: b._requires_manager()):
            if not ((borrow.approval_note or "").strip() or borrow.approval_file):
                raise UserError(
                    _(
                        "%(name)s needs the office manager's written approval: write the "
                        "approval or attach the signed approval before approving (篇5 4.2.8).",
                        name=borrow.name,
                    )
                )
            if borrow.borrower_type == "external" and not borrow.proof_file:
                raise UserError(
                    _(
                        "%(name)s: file a copy of the outside person's proof with the request "
                        "before approving (篇5 4.2.4, 4.2.6).",
                        name=borrow.name,
                    )
                )

    def _action_approve(self):
        self.write(
            {
                "state": "approved",
                "approved_by_id": self.env.uid,
                "date_approved": fields.Datetime.now(),
            }
        )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    @workflow_step
    def action_reject(self):
        self._check_state(["requested"], message=_("Only requested loans can be rejected."))
        if self.filtered(lambda b: not b.reject_reason):
            raise UserError(_("Give the reason of the rejection."))
        self._check_approver()
        self.write(
            {
                "state": "rejected",
                "rejected_by_id": self.env.uid,
                "date_rejected": fields.Datetime.now(),
            }
        )
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    @workflow_step
    def action_lend(self):
        self._check_state(["approved"], message=_("Only approved requests can be lent."))
        return self.write({"state": "lent", "date_lent": fields.Datetime.now()})

    @workflow_step
    def action_return(self):
        self._check_state(["lent"], message=_("Only lent files can be returned."))
        self.write({"state": "returned", "date_returned": fields.Datetime.now()})
        return True

    def action_request_approval(self):
        """Ask the office manager (an activity) for the requests that need their approval."""
        Users = self.env["res.users"]
        for borrow in self.filtered(lambda b: b.state == "requested" and b._requires_manager()):
            # The manager of the community the dossiers belong to; any office manager otherwise.
            managers = Users._hanling_role_users(
                "hanling_property.group_manager", borrow.company_id
            )
            manager = borrow.dossier_ids.community_id.manager_id[:1] or managers[:1]
            if manager:
                borrow.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=manager.id,
                    summary=_("Approve or reject the archive request in writing"),
                )
        return True

    @api.model
    def _find_release(self, dossiers, mode):
        """The approved request allowing the current user to ``mode`` these dossiers, or raise."""
        today = fields.Date.context_today(self)
        borrows = self.search(
            [
                ("state", "in", ("approved", "lent")),
                ("mode", "=", mode),
                ("date_due", ">=", today),
                "|",
                ("companion_id", "=", self.env.uid),
                ("borrower_user_id", "=", self.env.uid),
            ]
        )
        # Only a decision by someone else counts, by the office manager where the mode needs
        # one (also for requests decided before the buttons were the only way to decide).
        borrows = borrows.filtered(lambda b: b._is_valid_release())
        for borrow in borrows:
            if not dossiers - borrow.dossier_ids:
                return borrow
        uncovered = ", ".join((dossiers - borrows.dossier_ids or dossiers).mapped("display_name"))
        if mode == "print":
            raise UserError(
                _(
                    "Archive data cannot be printed without a borrowing request for printing "
                    "approved by the office manager (篇5 4.2.8). Not covered: %(dossiers)s.",
                    dossiers=uncovered or "-",
                )
            )
        raise UserError(
            _(
                "Archive data cannot be exported without a borrowing request for export "
                "approved by the office manager (篇5 4.2.8). Not covered: %(dossiers)s.",
                dossiers=uncovered or "-",
            )
        )

    def _requesters(self):
        """Who asked: the borrowing employee, the companion and who registered the request."""
        self.ensure_one()
        # The server's own user (data files) registers requests for nobody.
        registered_by = self.create_uid.filtered(lambda u: not u._is_superuser())
        return self.borrower_user_id | self.companion_id | registered_by

    def _is_valid_release(self):
        self.ensure_one()
        approver = self.approved_by_id
        if not approver or approver in self._requesters():
            return False
        return not self._requires_manager() or approver.has_group("hanling_property.group_manager")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_requested(self):
        if self.filtered(lambda b: b.state != "requested"):
            raise UserError(_("The borrowing register keeps every decided request."))
