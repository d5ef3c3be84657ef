"""18.0.1.2.0: overdue loans are checked by hanling_property's ir_cron_deadlines; the archive's
own scheduled action (noupdate data, kept by an upgrade) is removed."""

from odoo import SUPERUSER_ID, api

from odoo.addons.hanling_property.tools.migration import remove_records


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    remove_records(
        env,
        [
            "hanling_archive.ir_cron_archive_overdue",
            "hanling_archive.ir_cron_archive_overdue_ir_actions_server",
        ],
    )
