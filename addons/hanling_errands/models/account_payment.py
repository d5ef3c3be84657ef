from odoo import api, fields, models

from odoo.addons.hanling_property.tools.workflow import WorkflowGuardError, is_granted

# The errand's link on its payments: set by the errand's own steps through the money service
# (prepayment, balance, refund; 篇4 2, 8), never by a client — a payment linked by hand would
# count as the errand's prepayment or balance.
ERRAND_PAYMENT_FIELDS = ("hanling_errand_id", "hanling_errand_role", "hanling_receipt_number")


class AccountPayment(models.Model):
    _inherit = "account.payment"

    hanling_errand_id = fields.Many2one(
        "hanling.errand",
        string="Errand",
        index="btree_not_null",
        copy=False,
        readonly=True,
        ondelete="restrict",
    )
    hanling_errand_role = fields.Selection(
        [("prepayment", "Prepayment"), ("balance", "Balance"), ("refund", "Refund")],
        string="Errand Payment",
        copy=False,
        readonly=True,
    )
    hanling_receipt_number = fields.Char(
        string="Receipt Number",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Number of the prepayment receipt handed to the resident.",
    )

    def _hanling_errand_link_open(self):
        # Data files load before the registry is ready: no client there.
        return is_granted("hanling.errand") or not self.pool.ready

    def _hanling_refuse_errand_link(self, names):
        labels = ", ".join(sorted(self._fields[n]._description_string(self.env) for n in names))
        raise WorkflowGuardError(
            self.env._(
                "%(fields)s of %(document)s change through the document's buttons only.",
                fields=labels,
                document=self.env["ir.model"]._get("hanling.errand").name,
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self._hanling_errand_link_open():
            for vals in vals_list:
                forged = [name for name in ERRAND_PAYMENT_FIELDS if vals.get(name)]
                if forged:
                    self._hanling_refuse_errand_link(forged)
        return super().create(vals_list)

    def write(self, vals):
        if not self._hanling_errand_link_open():
            forged = set(ERRAND_PAYMENT_FIELDS) & set(vals)
            if forged:
                self._hanling_refuse_errand_link(forged)
        return super().write(vals)
