"""18.0.1.2.0: one scheduled action checks every deadline (ir_cron_deadlines).

The per-model reminders it replaces were noupdate data, which an upgrade keeps: remove them,
or they would call methods that no longer exist.
"""

from odoo import SUPERUSER_ID, api

from odoo.addons.hanling_property.tools.migration import remove_records


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    remove_records(
        env,
        [
            "hanling_property.ir_cron_work_order_overdue",
            "hanling_property.ir_cron_work_order_overdue_ir_actions_server",
            "hanling_property.ir_cron_callback_overdue",
            "hanling_property.ir_cron_callback_overdue_ir_actions_server",
        ],
    )
