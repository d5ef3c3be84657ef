from odoo import api, models

# The fields the portal bill list shows: read in the one query of the search (search_fetch).
PORTAL_BILL_FIELDS = [
    "unit_id",
    "fee_type_id",
    "period_start",
    "period_end",
    "amount",
    "currency_id",
    "move_id",
    "partner_id",
]


class HanlingFeeBillLine(models.Model):
    _inherit = "hanling.fee.bill.line"

    @api.model
    def _portal_bills(self, units, limit=50, offset=0):
        """The page of bills of ``units`` a resident sees, newest first, with the user's rights.

        One query for the bills (their stored, indexed ``unit_id`` and the portal record rule),
        then one per model for the names shown (units, fee types, invoices): the count does not
        grow with the number of bills (``test_fee_portal.test_bill_list_query_budget``).
        Returns the bills under sudo, for the invoices' number and payment state.
        """
        bills = self.search_fetch(
            [("unit_id", "in", units.ids)],
            PORTAL_BILL_FIELDS,
            order="period_start desc, id desc",
            limit=limit,
            offset=offset,
        )
        # sudo: the invoice number and state of bills the record rule let the user read.
        bills_sudo = bills.sudo()
        bills_sudo.move_id.fetch(["name", "payment_state", "partner_id", "state", "move_type"])
        bills_sudo.fee_type_id.fetch(["name"])
        return bills_sudo

    @api.model
    def _portal_totals(self, units):
        """{unit id: (billed, paid, owed)} of ``units`` (already the user's own), in one query."""
        # sudo: the sums of the resident's own units' bills (the report is the accountant's).
        Report = self.env["hanling.fee.collection.report"].sudo()
        return {
            unit.id: (billed, paid, owed)
            for unit, billed, paid, owed in Report._read_group(
                [("unit_id", "in", units.ids)],
                ["unit_id"],
                ["billed:sum", "paid:sum", "owed:sum"],
            )
        }
