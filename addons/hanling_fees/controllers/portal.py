from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class HanlingFeePortal(CustomerPortal):
    """A resident's fees online (issue 16 item 6): the bills of the units they live in, what is
    owed and paid; invoices open, print and are paid on Odoo's own invoice page (account_payment's
    pay button, the office's payment providers)."""

    _fee_page_size = 50

    def _hanling_fee_units(self):
        # sudo: the user's own current occupancies (portal users hold no right on them); the
        # bills are then searched with the user's rights and the portal record rule.
        return request.env.user.partner_id.sudo().hanling_unit_ids

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "hanling_fee_count" in counters:
            Bill = request.env["hanling.fee.bill.line"]
            values["hanling_fee_count"] = (
                Bill.search_count([("unit_id", "in", self._hanling_fee_units().ids)])
                if Bill.has_access("read")
                else 0
            )
        return values

    @http.route(["/my/fees", "/my/fees/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_fees(self, page=1, unit=None, **kw):
        units = self._hanling_fee_units()
        if unit and unit.isdigit() and int(unit) in units.ids:
            units = units.filtered(lambda u: u.id == int(unit))
        domain = [("unit_id", "in", units.ids)]
        Bill = request.env["hanling.fee.bill.line"]
        count = Bill.search_count(domain)
        pager = portal_pager(
            url="/my/fees",
            url_args={"unit": unit} if unit else None,
            total=count,
            page=page,
            step=self._fee_page_size,
        )
        bills_sudo = Bill._portal_bills(units, self._fee_page_size, pager["offset"])
        totals = Bill._portal_totals(units)
        commercial = request.env.user.partner_id.commercial_partner_id
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "units": units,  # already sudo: the resident's own units, names shown
                "bills": bills_sudo,
                "totals": totals,
                "pager": pager,
                "unit_filter": unit,
                # The resident's own invoices open on Odoo's invoice page (PDF, pay button).
                "my_move_ids": set(
                    bills_sudo.move_id.filtered(
                        lambda m: m.partner_id.commercial_partner_id == commercial
                    ).ids
                ),
                "page_name": "hanling_fees",
            }
        )
        return request.render("hanling_fees.portal_my_fees", values)
