from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class HanlingPortal(CustomerPortal):
    """The resident's side: their units and the published catalogue (篇1 (三))."""

    def _hanling_my_units(self):
        # sudo: reading the user's own current occupancies (portal users have no right on
        # occupancies); the units are then searched with the user's rights and record rules.
        unit_ids = request.env.user.partner_id.sudo().hanling_unit_ids.ids
        return request.env["hanling.unit"].search([("id", "in", unit_ids)])

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "hanling_unit_count" in counters:
            Unit = request.env["hanling.unit"]
            values["hanling_unit_count"] = (
                len(self._hanling_my_units()) if Unit.has_access("read") else 0
            )
        return values

    @http.route(["/my/units"], type="http", auth="user", website=True)
    def portal_my_units(self, **kw):
        units = self._hanling_my_units()
        values = self._prepare_portal_layout_values()
        # sudo: buildings and communities are shown by name only, for units already checked.
        values.update({"units": units.sudo(), "page_name": "hanling_units"})
        return request.render("hanling_property.portal_my_units", values)

    @http.route(["/my/units/<int:unit_id>"], type="http", auth="user", website=True)
    def portal_my_unit(self, unit_id, access_token=None, **kw):
        try:
            unit_sudo = self._document_check_access("hanling.unit", unit_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update({"unit": unit_sudo, "page_name": "hanling_unit"})
        return request.render("hanling_property.portal_my_unit", values)

    @http.route(["/my/services"], type="http", auth="user", website=True)
    def portal_my_services(self, **kw):
        services = request.env["hanling.service"].search([])
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "paid_services": services.filtered(lambda s: s.fee_type == "paid"),
                "free_services": services.filtered(lambda s: s.fee_type == "free"),
                "page_name": "hanling_services",
            }
        )
        return request.render("hanling_property.portal_my_services", values)
