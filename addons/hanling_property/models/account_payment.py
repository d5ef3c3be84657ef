from odoo import api, fields, models

from ..tools.workflow import WorkflowGuardError, is_granted


def check_permit_link(records, vals_list):
    """The deposit entries of a decoration permit are linked by the permit's own steps
    (deposit received, deducted, refunded) through the money service, never by a client: a
    payment or entry linked by hand would count in the permit's deposit held."""
    if is_granted("hanling.decoration.permit") or not records.pool.ready:
        return
    if any(vals.get("hanling_decoration_permit_id") for vals in vals_list):
        env = records.env
        raise WorkflowGuardError(
            env._(
                "%(fields)s of %(document)s change through the document's buttons only.",
                fields=records._fields["hanling_decoration_permit_id"]._description_string(env),
                document=env["ir.model"]._get("hanling.decoration.permit").name,
            )
        )


class AccountPayment(models.Model):
    _inherit = "account.payment"

    hanling_decoration_permit_id = fields.Many2one(
        "hanling.decoration.permit",
        string="Decoration Permit",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_permit_link(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if "hanling_decoration_permit_id" in vals:
            check_permit_link(self, [{"hanling_decoration_permit_id": True}])
        return super().write(vals)
