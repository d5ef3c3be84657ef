from odoo import models
from odoo.exceptions import UserError

from ..tools.locking import allow_transition, check_transition, lock_for_update


class HanlingStateMixin(models.AbstractModel):
    """The guard every button of a procedure starts with (CONVENTIONS: state machines)."""

    _name = "hanling.state.mixin"
    _description = "Procedure State Guard"

    def write(self, vals):
        # The state moves through the actions only (each checks its step's conditions).
        check_transition(self, vals)
        return super().write(vals)

    def _check_state(self, allowed, action_label=None, message=None):
        """Refuse unless every record is in one of the ``allowed`` states.

        The refusal says ``message`` when given, else names ``action_label``, the document and
        the states it was found in.
        """
        # Take the rows first, so that two people pressing the same button at once cannot both
        # pass the check (the second is told at once), then let the action write the state.
        lock_for_update(self)
        allow_transition(self)
        wrong = self.filtered(lambda r: r.state not in allowed)
        if wrong and message:
            raise UserError(message)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(action)s is not possible for %(document)s in state %(states)s: %(names)s.",
                    action=action_label,
                    document=self.env["ir.model"]._get(self._name).name,
                    states=", ".join(labels[s] for s in sorted(set(wrong.mapped("state")))),
                    names=", ".join(wrong.mapped(lambda r: r.display_name or str(r.id))),
                )
            )
