"""18.0.1.1.0: work-order numbers become unique per company (name_company_uniq).

Older versions could, in a race, give two work orders the same number. Before the constraint is
added, every duplicate but the first gets a suffix (/2, /3, ...), and the change is logged.
"""

from odoo.addons.hanling_property.tools.migration import dedupe_numbers


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT 1 FROM information_schema.tables WHERE table_name = 'hanling_work_order'")
    if cr.fetchone():
        dedupe_numbers(cr, "hanling_work_order")
