from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.workflow import workflow_step


class HanlingDutyLogCheck(models.Model):
    """The engineering supervisor's spot check of the duty log (篇2 二 六) 2).

    "工程主管每天不定时检查值班记录本,了解维修跟进情况,督促维修工作正常进行": who checked, when,
    which entries were looked at and what was found. Once recorded the check is the record of
    the day; the monthly review shows the days of the month checked and those left unchecked.
    """

    _name = "hanling.duty.log.check"
    _description = "Duty Log Spot Check"
    _inherit = ["hanling.workflow.mixin", "mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _workflow_fields = ("state", "checked_by_id", "date_checked")
    _workflow_lock = {("done",): ("company_id", "date", "entry_ids", "findings")}

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Date(
        string="Day Checked",
        required=True,
        index=True,
        default=fields.Date.context_today,
    )
    entry_ids = fields.Many2many(
        "hanling.duty.log",
        "hanling_duty_log_check_entry_rel",
        "check_id",
        "entry_id",
        string="Entries Checked",
        check_company=True,
    )
    entry_count = fields.Integer(compute="_compute_entry_count", string="Entries")
    findings = fields.Text(
        help="What the check found: requests not followed, late arrivals, what was urged.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Recorded")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    checked_by_id = fields.Many2one("res.users", string="Checked By", readonly=True, copy=False)
    date_checked = fields.Datetime(string="Checked On", readonly=True, copy=False)

    @api.depends("date")
    def _compute_name(self):
        for check in self:
            check.name = _("Spot check %(day)s", day=check.date) if check.date else False

    @api.depends("entry_ids")
    def _compute_entry_count(self):
        for check in self:
            check.entry_count = len(check.entry_ids)

    def action_add_open_entries(self):
        """Take in the day's entries and those still open: what the supervisor reads through."""
        self.ensure_one()
        if self.state != "draft":
            raise UserError(_("A recorded spot check can no longer change."))
        start = fields.Datetime.to_datetime(self.date)
        end = start + timedelta(days=1)
        entries = self.env["hanling.duty.log"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("date_received", "<", end),
                "|",
                ("date_received", ">=", start),
                ("state", "=", "open"),
            ]
        )
        self.entry_ids = [fields.Command.link(entry.id) for entry in entries]
        return True

    @workflow_step
    def action_done(self):
        self.check_access("write")
        self._check_state(["draft"], message=_("This spot check is already recorded."))
        today = fields.Date.context_today(self)
        for check in self:
            if not check.entry_ids:
                raise UserError(_("Choose the duty log entries the check looked at."))
            if not (check.findings or "").strip():
                raise UserError(
                    _("Write down what the check found (or that everything was followed).")
                )
            if check.date > today:
                raise UserError(_("A spot check cannot be recorded for a day to come."))
        self.write(
            {
                "state": "done",
                "checked_by_id": self.env.uid,
                "date_checked": fields.Datetime.now(),
            }
        )
        return True

    def unlink(self):
        if self.filtered(lambda c: c.state == "done"):
            raise UserError(
                _("A recorded spot check is the record of the day; it cannot be deleted.")
            )
        return super().unlink()

    @api.model
    def _days_checked(self, company, date_from, date_to):
        """The days between ``date_from`` and ``date_to`` with a recorded check, as dates."""
        checks = self.search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "done"),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ]
        )
        return sorted(set(checks.mapped("date")))
