"""18.0.1.2.0: one spelling per state, ``cancel`` (label "Cancelled"), in every procedure.

Counter sales, room bookings, move-ins and ownership transfers stored ``cancelled``; the value
is renamed before the models load (with the user defaults and saved filters that name it), so
no record is left with a state that no longer exists.
"""

from odoo.addons.hanling_property.tools.migration import rename_selection_value

MODELS = (
    "hanling.counter.sale",
    "hanling.room.booking",
    "hanling.move.in",
    "hanling.ownership.transfer",
)


def migrate(cr, version):
    if not version:
        return
    for model in MODELS:
        rename_selection_value(cr, model, "state", "cancelled", "cancel")
