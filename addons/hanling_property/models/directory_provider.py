from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import normalize_cn_phone
from ..tools.workflow import workflow_step

DIRECTORY_CATEGORIES = [
    ("restaurant", "Restaurants"),
    ("housekeeping", "Housekeeping"),
    ("moving", "Moving"),
    ("decoration", "Home Decoration"),
    ("materials", "Decoration Materials"),
    ("furniture", "Furniture and Appliances"),
    ("etiquette", "Etiquette and Ceremonies"),
    ("transport", "Transport"),
    ("medical", "Medical"),
    ("second_hand", "Second-Hand Goods"),
    ("trades", "Trades and Repairs"),
    ("other", "Other"),
]


class HanlingDirectoryProvider(models.Model):
    """The information directory (信息咨询服务) and the specialist-supplier list of work orders."""

    _name = "hanling.directory.provider"
    _description = "Directory Provider"
    _inherit = ["hanling.workflow.mixin", "mail.thread"]
    _order = "category, sequence, name"
    _check_company_auto = True
    # Vetting is the supervisor's step (its buttons), never a value a client sends.
    _workflow_fields = ("vetted", "vetted_by_id", "date_vetted")

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    category = fields.Selection(
        DIRECTORY_CATEGORIES, required=True, index=True, tracking=True, default="other"
    )
    trades = fields.Char(
        help="What they do, comma separated (e.g. plumbing, air conditioners, locks): work "
        "orders look specialist suppliers up by trade."
    )
    contact_name = fields.Char(string="Contact Person")
    phone = fields.Char(required=True, tracking=True)
    address = fields.Char()
    website = fields.Char()
    opening_hours = fields.Char()
    description = fields.Text(
        string="Public Description", help="Shown to residents: services, prices, discounts."
    )
    notes = fields.Text(
        string="Internal Notes",
        groups="base.group_user",
        help="Only staff see these: experience with the provider, complaints, contract terms.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Supplier Contact",
        check_company=True,
        help="The supplier's contact record, for purchases and vendor bills.",
    )
    vetted = fields.Boolean(
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="Checked by a customer-service supervisor; only vetted providers are shown to residents.",
    )
    vetted_by_id = fields.Many2one("res.users", string="Vetted By", readonly=True, copy=False)
    date_vetted = fields.Date(string="Vetted On", readonly=True, copy=False)
    is_specialist_supplier = fields.Boolean(
        string="Specialist Supplier",
        index=True,
        tracking=True,
        help="May be called in on work orders that the office's technicians cannot do.",
    )
    service_ids = fields.Many2many(
        "hanling.service",
        "hanling_directory_provider_service_rel",
        "provider_id",
        "service_id",
        string="Catalogue Services",
        help="The catalogue services this supplier does (篇2 二 二 2): printed on the "
        "specialist-supplier list and recommended when the office cannot do the job.",
    )
    community_ids = fields.Many2many(
        "hanling.community",
        string="Communities",
        help="Leave empty to list the provider in every community of the office.",
    )
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company, string="Office"
    )
    active = fields.Boolean(default=True, tracking=True)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("phone"):
                vals["phone"] = normalize_cn_phone(self.env, vals["phone"], _("Phone"))
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("phone"):
            vals["phone"] = normalize_cn_phone(self.env, vals["phone"], _("Phone"))
        return super().write(vals)

    def _check_can_vet(self):
        if not self.env.su and not self.env.user.has_group("hanling_property.group_cs_supervisor"):
            raise AccessError(_("Only a customer-service supervisor vets directory providers."))

    @workflow_step
    def action_vet(self):
        self._check_can_vet()
        self.check_access("write")
        if self.filtered("vetted"):
            raise UserError(_("This provider is already vetted."))
        self.write(
            {
                "vetted": True,
                "vetted_by_id": self.env.uid,
                "date_vetted": fields.Date.context_today(self),
            }
        )

    @workflow_step
    def action_unvet(self):
        self._check_can_vet()
        self.check_access("write")
        if self.filtered(lambda p: not p.vetted):
            raise UserError(_("This provider is not vetted."))
        self.write({"vetted": False, "vetted_by_id": False, "date_vetted": False})

    @api.model
    def _search_specialists(self, trade=None, company=None):
        """Vetted specialist suppliers, optionally for one trade: the work orders' entry point."""
        domain = [("is_specialist_supplier", "=", True), ("vetted", "=", True)]
        if trade:
            domain.append(("trades", "ilike", trade))
        if company:
            domain.append(("company_id", "in", [company.id, False]))
        return self.search(domain)
