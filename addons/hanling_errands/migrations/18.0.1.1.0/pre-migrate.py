"""18.0.1.1.0: errand numbers become unique per company (name_company_uniq).

Every duplicate number but the first gets a suffix (/2, /3, ...) before the constraint is added.
"""

from odoo.addons.hanling_property.tools.migration import dedupe_numbers


def migrate(cr, version):
    if not version:
        return
    dedupe_numbers(cr, "hanling_errand")
