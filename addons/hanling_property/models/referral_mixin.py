from odoo import api, fields, models

# What was recommended to the resident; frozen in ``_workflow_lock`` once the request is closed.
REFERRAL_FIELDS = ("referral_provider_id", "referral_note")


class HanlingReferralMixin(models.AbstractModel):
    """A request outside the catalogue: recommend a specialist supplier (篇2 一 二)).

    The supplier comes from the information directory; the note keeps what was said to the
    resident (and serves alone when the supplier is not in the directory).
    """

    _name = "hanling.referral.mixin"
    _description = "Referral to a Specialist Supplier"

    referral_provider_id = fields.Many2one(
        "hanling.directory.provider",
        string="Specialist Supplier",
        copy=False,
        domain="[('is_specialist_supplier', '=', True), ('vetted', '=', True)]",
    )
    referral_note = fields.Text(
        string="Recommended Supplier",
        compute="_compute_referral_note",
        store=True,
        readonly=False,
        copy=False,
        help="The specialist supplier recommended to the resident: name, trade and phone.",
    )

    @api.depends("referral_provider_id")
    def _compute_referral_note(self):
        for record in self.filtered("referral_provider_id"):
            provider = record.referral_provider_id
            record.referral_note = " · ".join(
                part for part in (provider.name, provider.trades, provider.phone) if part
            )

    def _check_referral(self):
        return self.filtered(lambda r: not r.referral_provider_id and not r.referral_note)
