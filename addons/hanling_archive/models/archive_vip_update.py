from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from odoo.addons.hanling_property.models.deadline_mixin import deadline_flag
from odoo.addons.hanling_property.tools.workflow import EditLockError, workflow_step

_lt = LazyTranslate(__name__)

KEEPER = "hanling_archive.group_archive_keeper"
UPDATE_ACTIVITY = "hanling_archive.mail_activity_type_vip_update"


class HanlingArchiveVipUpdate(models.Model):
    """每月重点业户资料更新 (篇5 4.1.3 2): each month the customer-service administrator (the
    archive keeper) collects from the front desk what was learnt about the VIP residents, brings
    their files up to date and keeps the record of every contact. One per company and month,
    made by a scheduled action with one activity for the keeper."""

    _name = "hanling.archive.vip.update"
    _description = "Monthly VIP Records Update"
    _inherit = [
        "hanling.workflow.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "hanling.deadline.mixin",
    ]
    _order = "month desc, id desc"
    _check_company_auto = True
    _deadlines = {
        "update": {
            "due": "date_due",
            "done": "date_done",
            "flag": "is_overdue",
            "open_states": ("open",),
            "activity": UPDATE_ACTIVITY,
            "user": ("user_id",),
            "summary": _lt("Monthly VIP records update overdue: %(name)s"),
        },
    }

    _workflow_fields = ("state", "date_done", "done_by_id")
    _workflow_lock = {("done",): ("month", "user_id", "note", "company_id")}

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    month = fields.Date(
        required=True,
        index=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="The first day of the month this update is for.",
    )
    date_due = fields.Date(
        string="Due", compute="_compute_date_due", store=True, index=True, readonly=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Archive Keeper",
        required=True,
        check_company=True,
        default=lambda self: self.env.user,
        domain=lambda self: [("groups_id", "in", self.env.ref(KEEPER).id)],
    )
    state = fields.Selection(
        [("open", "To Do"), ("done", "Done")],
        default="open",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    contact_ids = fields.One2many(
        "hanling.archive.vip.contact", "update_id", string="Contacts", copy=False
    )
    contact_count = fields.Integer(compute="_compute_contact_count")
    note = fields.Text(
        string="Summary",
        help="What the front desk handed in this month; say so when nothing new came in.",
    )
    date_done = fields.Datetime(string="Done On", readonly=True, copy=False)
    done_by_id = fields.Many2one("res.users", string="Done By", readonly=True, copy=False)
    is_overdue = deadline_flag("Overdue")

    _sql_constraints = [
        (
            "month_unique",
            "UNIQUE(company_id, month)",
            "There is already a VIP records update for this month.",
        ),
    ]

    @api.depends("month")
    def _compute_date_due(self):
        for update in self:
            update.date_due = update.month + relativedelta(day=31) if update.month else False

    @api.depends("month")
    def _compute_display_name(self):
        for update in self:
            update.display_name = _(
                "VIP update %(month)s",
                month=update.month.strftime("%Y-%m") if update.month else "",
            )

    def _compute_contact_count(self):
        for update in self:
            update.contact_count = len(update.contact_ids)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("month"):
                vals["month"] = fields.Date.to_date(vals["month"]).replace(day=1)
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("month"):
            vals = {**vals, "month": fields.Date.to_date(vals["month"]).replace(day=1)}
        return super().write(vals)

    @workflow_step
    def action_done(self):
        self._check_state(["open"], message=_("This monthly update is already done."))
        for update in self:
            if not update.contact_ids and not (update.note or "").strip():
                raise UserError(
                    _(
                        "Record the contacts with the VIP residents, or say in the summary that "
                        "nothing new came in this month."
                    )
                )
        self.write(
            {"state": "done", "date_done": fields.Datetime.now(), "done_by_id": self.env.user.id}
        )
        self.activity_feedback([UPDATE_ACTIVITY])
        return True

    # ------------------------------------------------------------------ scheduled action

    @api.model
    def _cron_monthly_vip_update(self):
        """One update and one activity per company with VIP residents and month; idempotent.

        Run by the scheduled action as the superuser, over every company."""
        Resident = self.env["hanling.archive.resident"]
        groups = Resident._read_group([("is_vip", "=", True)], ["company_id"], ["__count"])
        created = self.browse()
        for company, _count in groups:
            today = fields.Date.context_today(self.with_company(company))
            month = today.replace(day=1)
            if self.search_count([("company_id", "=", company.id), ("month", "=", month)], limit=1):
                continue
            keeper = (
                self.env["res.users"]._hanling_role_users(
                    KEEPER, company, "hanling_property.group_manager"
                )[:1]
                or self.env["res.users"]._hanling_role_users(
                    "hanling_property.group_manager", company
                )[:1]
            )
            if not keeper:
                continue
            update = self.with_company(company).create(
                {"company_id": company.id, "month": month, "user_id": keeper.id}
            )
            update.activity_schedule(
                UPDATE_ACTIVITY,
                date_deadline=update.date_due,
                summary=_(
                    "Update the VIP residents' records for %(month)s",
                    month=month.strftime("%Y-%m"),
                ),
                user_id=keeper.id,
            )
            created |= update
        return created


class HanlingArchiveVipContact(models.Model):
    """重点客户沟通、跟踪服务记录 (篇5 4.1.3 2): who was contacted, when, by whom, and what
    changed in the VIP resident's file."""

    _name = "hanling.archive.vip.contact"
    _description = "VIP Resident Contact"
    _inherit = ["hanling.archive.confidential.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    resident_id = fields.Many2one(
        "hanling.archive.resident",
        string="VIP Resident",
        required=True,
        index=True,
        ondelete="restrict",
        domain="[('is_vip', '=', True)]",
        check_company=True,
    )
    dossier_id = fields.Many2one(related="resident_id.dossier_id", store=True, index=True)
    unit_id = fields.Many2one(related="resident_id.unit_id", store=True)
    company_id = fields.Many2one(related="resident_id.company_id", store=True, index=True)
    update_id = fields.Many2one(
        "hanling.archive.vip.update",
        string="Monthly Update",
        index="btree_not_null",
        check_company=True,
    )
    date = fields.Datetime(string="Contacted On", required=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users", string="Contacted By", required=True, default=lambda self: self.env.user
    )
    channel = fields.Selection(
        [
            ("phone", "Phone"),
            ("visit", "Visit"),
            ("front_desk", "At the Front Desk"),
            ("other", "Other"),
        ],
        required=True,
        default="phone",
    )
    changes = fields.Text(
        string="What Changed",
        required=True,
        help="What was learnt and brought into the file (birthday, preferences, requests...).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        contacts = super().create(vals_list)
        # A contact made during the month counts in that month's open update.
        for contact in contacts.filtered(lambda c: not c.update_id):
            month = fields.Date.to_date(contact.date).replace(day=1)
            update = self.env["hanling.archive.vip.update"].search(
                [
                    ("company_id", "=", contact.company_id.id),
                    ("month", "=", month),
                    ("state", "=", "open"),
                ],
                limit=1,
            )
            if update:
                contact.update_id = update
        contacts._check_update_open()
        return contacts

    def write(self, vals):
        self._check_update_open()
        result = super().write(vals)
        if "update_id" in vals:
            self._check_update_open()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        self._check_update_open()

    def _check_update_open(self):
        done = self.update_id.filtered(lambda u: u.state == "done")
        if done:
            raise EditLockError(
                _(
                    "%(update)s is done: its contact records can no longer be changed.",
                    update=", ".join(done.mapped("display_name")),
                )
            )


class HanlingArchiveResident(models.Model):
    _inherit = "hanling.archive.resident"

    vip_contact_ids = fields.One2many(
        "hanling.archive.vip.contact", "resident_id", string="Contact Records"
    )
