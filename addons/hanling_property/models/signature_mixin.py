from odoo import _, fields, models
from odoo.exceptions import UserError

# What the resident gives at acceptance; a procedure freezes them in ``_workflow_lock`` outside
# the step where the resident signs. ``resident_signed_on`` is stamped by the acceptance action:
# a procedure lists it in ``_workflow_fields``.
SIGNATURE_FIELDS = ("resident_signature", "resident_signed_by", "resident_opinion")


class HanlingSignatureMixin(models.AbstractModel):
    """The resident tries the result, signs and gives an opinion (篇2 二 五), 篇4 9)."""

    _name = "hanling.signature.mixin"
    _description = "Resident Signature"

    resident_signature = fields.Binary(string="Resident Signature", copy=False, attachment=True)
    resident_signed_by = fields.Char(string="Signed By", copy=False)
    resident_signed_on = fields.Datetime(string="Signed On", copy=False, readonly=True)
    resident_opinion = fields.Text(string="Resident's Opinion", copy=False)

    def _check_resident_signature(self):
        unsigned = self.filtered(lambda r: not r.resident_signature or not r.resident_signed_by)
        if unsigned:
            raise UserError(
                _(
                    "The resident must sign (signature and name) first: %(names)s.",
                    names=", ".join(unsigned.mapped(lambda r: r.display_name or str(r.id))),
                )
            )

    def _stamp_resident_signature(self):
        self._check_resident_signature()
        self.filtered(lambda r: not r.resident_signed_on).write(
            {"resident_signed_on": fields.Datetime.now()}
        )
