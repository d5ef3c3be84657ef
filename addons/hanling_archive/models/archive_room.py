from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.hanling_property.tools.workflow import workflow_step

CS_STAFF = "hanling_property.group_cs_staff"
MANAGER = "hanling_property.group_manager"


def _is_cs_staff(user):
    return bool(user) and user.has_group(CS_STAFF)


class HanlingArchiveKeyHandover(models.Model):
    """档案室钥匙交接 (篇5 4.2.2): the archive room's key is kept by the customer-service front
    desk; every hand-over says who gave it, to whom and when, and the receiver confirms it. The
    hand-over the receiver confirmed last is the one holding the key now."""

    _name = "hanling.archive.key.handover"
    _description = "Archive Room Key Hand-over"
    _inherit = ["hanling.workflow.mixin", "mail.thread"]
    _order = "date_handover desc, id desc"
    _check_company_auto = True

    _workflow_fields = ("state", "date_received")
    _workflow_lock = {
        ("held", "passed", "cancel"): ("from_user_id", "to_user_id", "date_handover", "company_id"),
    }

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    from_user_id = fields.Many2one(
        "res.users",
        string="Handed Over By",
        check_company=True,
        default=lambda self: self._default_from_user(),
        help="Who held the key until now (empty for the first registration of the key).",
    )
    to_user_id = fields.Many2one(
        "res.users",
        string="Handed To",
        required=True,
        check_company=True,
        tracking=True,
        domain=lambda self: [("groups_id", "in", self.env.ref(CS_STAFF).id)],
        help="A member of the customer-service centre: nobody else keeps the key.",
    )
    date_handover = fields.Datetime(
        string="Handed Over On", required=True, default=fields.Datetime.now, tracking=True
    )
    date_received = fields.Datetime(string="Receipt Confirmed On", readonly=True, copy=False)
    state = fields.Selection(
        [
            ("draft", "Handing Over"),
            ("held", "Holds the Key"),
            ("passed", "Handed On"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    note = fields.Char()

    @api.model
    def _current(self, company):
        return self.search([("company_id", "=", company.id), ("state", "=", "held")], limit=1)

    @api.model
    def _default_from_user(self):
        return self._current(self.env.company).to_user_id

    @api.depends("to_user_id", "date_handover")
    def _compute_display_name(self):
        for handover in self:
            handover.display_name = _("Key to %(user)s", user=handover.to_user_id.name or "?")

    @api.constrains("to_user_id", "from_user_id")
    def _check_customer_service(self):
        for handover in self:
            if not _is_cs_staff(handover.to_user_id):
                raise ValidationError(
                    _(
                        "The archive room key is kept by the customer-service centre: %(user)s "
                        "is not a member of it (篇5 4.2.2).",
                        user=handover.to_user_id.name,
                    )
                )
            if handover.from_user_id and handover.to_user_id == handover.from_user_id:
                raise ValidationError(_("The key is handed over to someone else."))

    @workflow_step
    def action_receive(self):
        """The receiver confirms having the key; the previous holder's hand-over is closed."""
        self._check_state(["draft"], message=_("Only a key being handed over can be received."))
        for handover in self:
            if handover.to_user_id != self.env.user and not self.env.user.has_group(MANAGER):
                raise AccessError(
                    _(
                        "Only %(user)s, who receives the key, confirms the hand-over.",
                        user=handover.to_user_id.name,
                    )
                )
            current = self._current(handover.company_id)
            if current and current.to_user_id != handover.from_user_id:
                raise UserError(
                    _(
                        "The key is held by %(holder)s: the hand-over must come from them.",
                        holder=current.to_user_id.name,
                    )
                )
            current.write({"state": "passed"})
            handover.write({"state": "held", "date_received": fields.Datetime.now()})
        return True

    @workflow_step
    def action_cancel(self):
        self._check_state(
            ["draft"], message=_("Only a hand-over not yet received can be cancelled.")
        )
        self.write({"state": "cancel"})
        return True


class HanlingArchiveRoomEntry(models.Model):
    """进入档案室登记 (篇5 4.2.5, 4.2.3): every entry into the archive room, with the member of
    the customer-service centre who accompanies the visitor throughout, the purpose and the
    times in and out."""

    _name = "hanling.archive.room.entry"
    _description = "Archive Room Entry"
    _inherit = ["hanling.workflow.mixin", "mail.thread"]
    _order = "date_in desc, id desc"
    _check_company_auto = True

    _workflow_fields = ("state", "date_out")
    _workflow_lock = {
        ("left",): (
            "visitor_user_id",
            "visitor_name",
            "department",
            "companion_id",
            "purpose",
            "borrow_id",
            "date_in",
            "company_id",
        ),
    }

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    visitor_user_id = fields.Many2one(
        "res.users",
        string="Employee",
        check_company=True,
        domain="[('share', '=', False)]",
        help="The employee who enters; leave empty for someone from outside the company.",
    )
    visitor_name = fields.Char(string="Visitor", required=True, tracking=True)
    department = fields.Char(string="Department / Organisation")
    companion_id = fields.Many2one(
        "res.users",
        string="Accompanied By",
        required=True,
        check_company=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain=lambda self: [("groups_id", "in", self.env.ref(CS_STAFF).id)],
        help="The member of the customer-service centre who stays with the visitor throughout.",
    )
    purpose = fields.Text(required=True)
    borrow_id = fields.Many2one(
        "hanling.archive.borrow",
        string="Borrowing Request",
        check_company=True,
        help="The request the visit serves, when the files are read or taken out.",
    )
    date_in = fields.Datetime(string="Entered", required=True, default=fields.Datetime.now)
    date_out = fields.Datetime(string="Left", readonly=True, copy=False)
    state = fields.Selection(
        [("inside", "In the Room"), ("left", "Left")],
        default="inside",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )

    @api.depends("visitor_name", "date_in")
    def _compute_display_name(self):
        for entry in self:
            entry.display_name = entry.visitor_name or _("Archive Room Entry")

    @api.onchange("visitor_user_id")
    def _onchange_visitor_user_id(self):
        if self.visitor_user_id:
            self.visitor_name = self.visitor_user_id.name

    @api.model_create_multi
    def create(self, vals_list):
        users = self.env["res.users"]
        for vals in vals_list:
            if vals.get("visitor_user_id") and not vals.get("visitor_name"):
                vals["visitor_name"] = users.browse(vals["visitor_user_id"]).name
        return super().create(vals_list)

    @api.constrains("companion_id", "visitor_user_id")
    def _check_accompanied(self):
        for entry in self:
            if not _is_cs_staff(entry.companion_id):
                raise ValidationError(
                    _(
                        "%(user)s is not of the customer-service centre: only its staff "
                        "accompany a visit to the archive room (篇5 4.2.5).",
                        user=entry.companion_id.name,
                    )
                )
            visitor = entry.visitor_user_id
            if visitor and visitor == entry.companion_id and not _is_cs_staff(visitor):
                raise ValidationError(_("A visitor cannot accompany themselves."))

    @api.constrains("date_in", "date_out")
    def _check_times(self):
        for entry in self:
            if entry.date_out and entry.date_out < entry.date_in:
                raise ValidationError(_("The visitor cannot leave before entering."))

    @workflow_step
    def action_leave(self):
        """The visitor left the room, the companion with them; the room is locked again."""
        self._check_state(["inside"], message=_("This visit is already over."))
        for entry in self:
            if entry.companion_id != self.env.user and not self.env.user.has_group(
                "hanling_archive.group_archive_keeper"
            ):
                raise AccessError(
                    _(
                        "Only %(user)s, who accompanied the visit, or the archive keeper records "
                        "its end.",
                        user=entry.companion_id.name,
                    )
                )
        self.write({"state": "left", "date_out": fields.Datetime.now()})
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_left(self):
        if self.filtered(lambda e: e.state == "left"):
            raise UserError(_("A visit to the archive room stays in the register."))
