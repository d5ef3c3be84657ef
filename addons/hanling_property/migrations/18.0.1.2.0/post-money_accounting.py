"""18.0.1.2.0: accounting configuration is made at installation, no longer by the getters.

Earlier versions created the decoration deposit accounts and journal at the first deposit and
each community's analytic account at its first invoice. Configure the companies and communities
that have not got them yet; what the earlier versions made is found and kept, not duplicated.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"]._hanling_install_accounting()
