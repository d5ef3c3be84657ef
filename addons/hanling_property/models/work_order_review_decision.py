from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from ..tools.workflow import workflow_step

DECISION_KINDS = [
    ("price", "Change the Price"),
    ("withdraw", "Withdraw the Service"),
    ("new", "Add a New Service"),
    ("supplier", "Look for a Specialist Supplier"),
]

# What a decision says, frozen once it is applied or cancelled.
DECISION_TERMS = (
    "review_id",
    "kind",
    "service_id",
    "new_price",
    "new_name",
    "new_fee_type",
    "new_category_id",
    "new_price_unit_label",
    "supplier_wanted",
    "reason",
)


class HanlingWorkOrderReviewDecision(models.Model):
    """A decision of the monthly service review that adjusts the catalogue (篇2 八).

    The customer-service supervisor "对管理处提供的维修服务项目进行调整" and "寻求更多优秀的专业
    供应商": a price changed, a service withdrawn or added, or a supplier to look for. The
    catalogue changes only through :meth:`action_apply`, which records who decided, when, the
    former price and the review the decision came from.
    """

    _name = "hanling.work.order.review.decision"
    _description = "Service Review Decision"
    _inherit = ["hanling.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "review_id desc, id"
    _check_company_auto = True
    _workflow_fields = (
        "state",
        "decided_by_id",
        "date_decided",
        "price_before",
        "created_service_id",
    )
    _workflow_lock = {("applied", "cancel"): DECISION_TERMS}

    review_id = fields.Many2one(
        "hanling.work.order.review",
        string="Review",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(related="review_id.company_id", store=True, index=True)
    community_id = fields.Many2one(related="review_id.community_id", store=True, index=True)
    currency_id = fields.Many2one(related="review_id.currency_id")
    kind = fields.Selection(DECISION_KINDS, string="Decision", required=True, default="price")
    service_id = fields.Many2one(
        "hanling.service",
        string="Service",
        index=True,
        check_company=True,
        context={"active_test": False},
        help="The catalogue service the decision is about (for a supplier: the service it would do).",
    )
    new_price = fields.Monetary(string="New Price")
    new_name = fields.Char(string="New Service")
    new_fee_type = fields.Selection(
        [("free", "Free"), ("paid", "Paid")], string="Fee Type", default="paid"
    )
    new_category_id = fields.Many2one("hanling.service.category", string="Category")
    new_price_unit_label = fields.Char(string="Per", default="次")
    supplier_wanted = fields.Char(
        string="Supplier to Look For",
        help="The trade or service for which a specialist supplier is to be found.",
    )
    reason = fields.Text(
        required=True, help="Why: the month's figures, the referrals, what residents asked for."
    )
    state = fields.Selection(
        [("draft", "To Apply"), ("applied", "Applied"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    decided_by_id = fields.Many2one("res.users", string="Decided By", readonly=True, copy=False)
    date_decided = fields.Datetime(string="Decided On", readonly=True, copy=False)
    price_before = fields.Monetary(string="Former Price", readonly=True, copy=False)
    created_service_id = fields.Many2one(
        "hanling.service", string="Created Service", readonly=True, copy=False
    )

    @api.depends("kind", "service_id", "new_name", "supplier_wanted")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for decision in self:
            subject = (
                decision.new_name
                if decision.kind == "new"
                else decision.service_id.display_name or decision.supplier_wanted
            )
            decision.display_name = " · ".join(
                part for part in (labels.get(decision.kind), subject) if part
            )

    @api.model_create_multi
    def create(self, vals_list):
        reviews = self.env["hanling.work.order.review"].browse(
            {vals["review_id"] for vals in vals_list if vals.get("review_id")}
        )
        reviews._check_open_for_decisions()
        return super().create(vals_list)

    def write(self, vals):
        if "review_id" in vals:
            reviews = self.review_id | self.review_id.browse(vals["review_id"])
            reviews._check_open_for_decisions()
        return super().write(vals)

    def unlink(self):
        if self.filtered(lambda d: d.state == "applied"):
            raise UserError(
                _("An applied decision is the record of a catalogue change; it cannot be deleted.")
            )
        self.review_id._check_open_for_decisions()
        return super().unlink()

    # -- the steps -----------------------------------------------------------------------------

    @workflow_step
    def action_apply(self):
        """Change the catalogue as decided; record who, when and the former price."""
        self.check_access("write")
        self._check_state(["draft"], _("Applying a decision"))
        self.review_id._check_open_for_decisions()
        now = fields.Datetime.now()
        for decision in self:
            decision._check_terms()
            vals = {"state": "applied", "decided_by_id": self.env.uid, "date_decided": now}
            vals.update(getattr(decision, f"_apply_{decision.kind}")())
            decision.write(vals)
            decision.review_id.message_post(
                body=_("Decision applied: %(decision)s.", decision=decision.display_name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    @workflow_step
    def action_cancel(self):
        self.check_access("write")
        self._check_state(["draft"], _("Cancelling a decision"))
        self.review_id._check_open_for_decisions()
        self.write({"state": "cancel"})
        return True

    # -- what each kind does -------------------------------------------------------------------

    def _check_terms(self):
        self.ensure_one()
        if self.kind in ("price", "withdraw") and not self.service_id:
            raise UserError(_("Choose the catalogue service the decision is about."))
        if self.kind == "price":
            if self.service_id.fee_type != "paid":
                raise UserError(
                    _(
                        "“%(service)s” is a free service: it has no price to change.",
                        service=self.service_id.display_name,
                    )
                )
            if self.new_price < 0:
                raise UserError(_("A price cannot be negative."))
            if self.currency_id.compare_amounts(self.new_price, self.service_id.list_price) == 0:
                raise UserError(
                    _(
                        "“%(service)s” already costs %(price)s: nothing to change.",
                        service=self.service_id.display_name,
                        price=self._money(self.service_id.list_price),
                    )
                )
            if not self.service_id.active:
                raise UserError(
                    _("“%(service)s” is withdrawn.", service=self.service_id.display_name)
                )
        elif self.kind == "withdraw" and not self.service_id.active:
            raise UserError(
                _(
                    "“%(service)s” is already withdrawn from the catalogue.",
                    service=self.service_id.display_name,
                )
            )
        elif self.kind == "new":
            name = (self.new_name or "").strip()
            if not name:
                raise UserError(_("Name the new service."))
            if self.new_fee_type == "free" and self.new_price:
                raise UserError(_("A free service has no price."))
            if self.new_price < 0:
                raise UserError(_("A price cannot be negative."))
            same = self.env["hanling.service"].search_count(
                [
                    ("name", "=ilike", name),
                    ("company_id", "in", (False, self.company_id.id)),
                ]
            )
            if same:
                raise UserError(_("The catalogue already has a service “%(name)s”.", name=name))
        elif self.kind == "supplier" and not (self.supplier_wanted or "").strip():
            raise UserError(_("Say which specialist supplier is to be looked for."))

    def _money(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    def _catalogue_note(self, body, service=None):
        (service or self.service_id).message_post(
            body=_(
                "%(change)s — decided by %(user)s in the monthly review %(review)s.",
                change=body,
                user=self.env.user.name,
                review=self.review_id.display_name,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _apply_price(self):
        service = self.service_id
        before = service.list_price
        service.write({"list_price": self.new_price})
        self._catalogue_note(
            _(
                "Price changed from %(before)s to %(after)s",
                before=self._money(before),
                after=self._money(self.new_price),
            )
        )
        return {"price_before": before}

    def _apply_withdraw(self):
        self.service_id.write({"active": False})
        self._catalogue_note(_("Withdrawn from the catalogue"))
        return {"price_before": self.service_id.list_price}

    def _apply_new(self):
        service = self.env["hanling.service"].create(
            {
                "name": self.new_name.strip(),
                "fee_type": self.new_fee_type or "paid",
                "list_price": self.new_price if self.new_fee_type == "paid" else 0.0,
                "category_id": self.new_category_id.id,
                "price_unit_label": self.new_price_unit_label or "次",
                "company_id": self.company_id.id,
                "description": self.reason,
            }
        )
        self._catalogue_note(_("Added to the catalogue"), service)
        return {"created_service_id": service.id, "service_id": service.id}

    def _apply_supplier(self):
        # The search is followed as an activity of the reviewer (篇2 八 "寻求更多优秀的专业供应商").
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Find a specialist supplier: %(what)s", what=self.supplier_wanted),
            note=self.reason,
            user_id=self.review_id.reviewer_id.id or self.env.uid,
        )
        return {}
