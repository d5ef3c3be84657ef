"""催缴 (issue 17, item 3): dunning levels on the community's schedule, stopped by payment."""

from odoo import _, api, fields, models

from odoo.addons.hanling_property.tools.workflow import workflow_step

from .fee_arrears import OPEN_PAYMENT_STATES, _due_date, _num


class HanlingFeeDunning(models.Model):
    """The chase of one payer's owed bills in one community.

    The daily step (``_run_dunning``) takes each level of the community's schedule whose days
    have passed since the oldest owed bill was due, once each and in order: a reminder mail to
    the payer, a 催缴通知单 printed (the front desk is asked to print and hand it over), a visit
    (an activity for the front desk). Paid, it stops (``paid``): no further level, the open
    activities closed; a kept payment plan holds it where it is.
    """

    _name = "hanling.fee.dunning"
    _description = "Dunning"
    _inherit = ["hanling.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _sequence_code = "hanling.fee.dunning"
    _workflow_fields = (
        "state",
        "level_id",
        "level_ids",
        "partner_id",
        "policy_id",
        "unit_id",
        "invoice_ids",
        "date_level",
        "date_stopped",
    )

    name = fields.Char(string="Number", readonly=True, copy=False, default="/")
    state = fields.Selection(
        [("open", "Chasing"), ("paid", "Stopped by Payment")],
        default="open",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda s: s.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    policy_id = fields.Many2one("hanling.fee.late.policy", readonly=True, index=True, copy=False)
    community_id = fields.Many2one(related="policy_id.community_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Payer", readonly=True, index=True, copy=False
    )
    unit_id = fields.Many2one("hanling.unit", readonly=True, index=True, copy=False)
    level_id = fields.Many2one(
        "hanling.fee.dunning.level", string="Level Reached", readonly=True, copy=False
    )
    level_ids = fields.Many2many(
        "hanling.fee.dunning.level",
        "hanling_fee_dunning_level_done_rel",
        "dunning_id",
        "level_id",
        string="Levels Done",
        readonly=True,
        copy=False,
    )
    date_level = fields.Date(string="Level Reached On", readonly=True, copy=False)
    date_stopped = fields.Date(readonly=True, copy=False)
    invoice_ids = fields.Many2many(
        "account.move",
        "hanling_fee_dunning_invoice_rel",
        "dunning_id",
        "move_id",
        string="Bills Owed",
        readonly=True,
        copy=False,
    )
    amount_owed = fields.Monetary(compute="_compute_owed")
    days_overdue = fields.Integer(compute="_compute_owed")

    def _compute_owed(self):
        today = fields.Date.context_today(self)
        for dunning in self:
            # sudo: the front desk reads what the bills still owe, without accounting rights.
            invoices = dunning.sudo().invoice_ids.filtered(
                lambda m: m.payment_state in OPEN_PAYMENT_STATES
            )
            dunning.amount_owed = sum(invoices.mapped("amount_residual"))
            dates = [_due_date(m) for m in invoices]
            dunning.days_overdue = (today - min(dates)).days if dates else 0

    def _notice_rows(self):
        """[(invoice, period text, residual)] of the notice (the bills still owed)."""
        self.ensure_one()
        rows = []
        # sudo: the printed notice names the bills owed, for the front desk.
        for invoice in self.sudo().invoice_ids.sorted(lambda m: (m.invoice_date, m.id)):
            if invoice.payment_state not in OPEN_PAYMENT_STATES:
                continue
            lines = invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product")
            periods = sorted(
                {
                    f"{line.hanling_period_start}–{line.hanling_period_end}"
                    for line in lines
                    if line.hanling_period_start
                }
            )
            rows.append(
                (invoice, ", ".join(periods) or invoice.invoice_date, invoice.amount_residual)
            )
        return rows

    @api.model
    @workflow_step
    def _run_dunning(self, day):
        """Move every payer's chase on to the levels due on ``day``; stop the paid ones."""
        # sudo: the scheduled step reads every community's owed bills and chases.
        Dunning = self.sudo()
        for dunning in Dunning.search([("state", "=", "open")]):
            owed = dunning.invoice_ids.filtered(lambda m: m.payment_state in OPEN_PAYMENT_STATES)
            if not owed:
                dunning._stop(day)
        for policy in self.env["hanling.fee.late.policy"].sudo().search([]):
            levels = policy.dunning_level_ids.sorted(lambda lv: (lv.days_overdue, lv.sequence))
            if not levels:
                continue
            invoices = policy._overdue_invoices(day, grace=False, principal_only=False)
            kept = self.env["hanling.fee.late.fee"]._suspended_invoices(invoices, day)
            for partner, owed in invoices.grouped("commercial_partner_id").items():
                chased = owed - kept
                if not chased:
                    continue  # a kept payment plan holds the chase where it is
                late = (day - min(_due_date(m) for m in chased)).days
                due_levels = levels.filtered(lambda lv, late=late: lv.days_overdue <= late)
                if not due_levels:
                    continue
                dunning = Dunning.search(
                    [
                        ("state", "=", "open"),
                        ("policy_id", "=", policy.id),
                        ("partner_id", "=", partner.id),
                    ],
                    limit=1,
                )
                if not dunning:
                    unit = (
                        self.env["hanling.fee.bill.line"]
                        # sudo: the unit of the payer's first owed bill, read from the bill lines.
                        .sudo()
                        .search([("move_id", "in", owed.ids)], order="id", limit=1)
                        .unit_id
                    )
                    dunning = Dunning.create(
                        {
                            "company_id": policy.company_id.id,
                            "policy_id": policy.id,
                            "partner_id": partner.id,
                            "unit_id": unit.id,
                        }
                    )
                dunning.invoice_ids = [fields.Command.link(m.id) for m in owed]
                for level in due_levels - dunning.level_ids:
                    dunning._take_level(level, day)

    def _take_level(self, level, day):
        self.ensure_one()
        self.write(
            {"level_id": level.id, "level_ids": [fields.Command.link(level.id)], "date_level": day}
        )
        desk = self.env["res.users"]._hanling_role_users(
            "hanling_property.group_duty_officer", self.company_id
        )
        if level.action == "mail":
            self._send_reminder(level)
        elif level.action == "notice":
            # The front desk prints the 催缴通知单 (report on this record) and hands it over.
            self.message_post(body=_("%(level)s: the notice is to be printed.", level=level.name))
            if desk:
                self.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=desk[0].id,
                    summary=_(
                        "Print and hand over the reminder notice to %(payer)s",
                        payer=self.partner_id.name,
                    ),
                )
        elif level.action == "visit" and desk:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=desk[0].id,
                summary=_(
                    "Visit %(payer)s (%(unit)s) about the fees owed",
                    payer=self.partner_id.name,
                    unit=self.unit_id.display_name,
                ),
            )

    def _send_reminder(self, level):
        owed = sum(amount for _inv, _p, amount in self._notice_rows())
        body = _(
            "Dear %(payer)s, the property fees of %(unit)s are overdue: %(amount)s is still "
            "owed. Please pay at the front desk or through the portal.",
            payer=self.partner_id.name,
            unit=self.unit_id.display_name,
            amount=_num(owed),
        )
        self.message_post(
            body=body,
            subject=_("%(level)s: fees owed", level=level.name),
            partner_ids=self.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _stop(self, day):
        self.write({"state": "paid", "date_stopped": day})
        self.activity_ids.action_feedback(feedback=_("Paid: the chase stops."))
        self.message_post(body=_("All bills paid: the chase stops."))
