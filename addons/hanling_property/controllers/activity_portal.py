from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request


class HanlingActivityPortal(http.Controller):
    def _portal_partner(self):
        return request.env.user.partner_id

    def _my_registrations(self, partner):
        # sudo: residents have no access to Events; they see only their own registrations.
        return (
            request.env["event.registration"]
            .sudo()
            .search(
                [
                    ("hanling_community_id", "!=", False),
                    "|",
                    ("partner_id", "=", partner.id),
                    ("hanling_guardian_id", "=", partner.id),
                ],
                order="create_date desc",
            )
        )

    @http.route("/my/activities", type="http", auth="user", website=True)
    def portal_my_activities(self, error=None, **kw):
        partner = self._portal_partner()
        # sudo: residents have no access to Events; the list is limited to their communities.
        events = request.env["event.event"].sudo()._hanling_portal_events(partner)
        return request.render(
            "hanling_property.portal_my_activities",
            {
                "page_name": "hanling_activities",
                "events": events,
                "registrations": self._my_registrations(partner),
                "error": error,
            },
        )

    @http.route(
        "/my/activities/<int:event_id>/register",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_register(self, event_id, **post):
        partner = self._portal_partner()
        # sudo: see portal_my_activities; _hanling_portal_register checks the community.
        event = request.env["event.event"].sudo().browse(event_id).exists()
        try:
            if not event:
                raise UserError(request.env._("This activity does not exist."))
            event._hanling_portal_register(partner, post)
        except (UserError, ValidationError) as exc:
            return self.portal_my_activities(error=exc.args[0])
        return request.redirect("/my/activities")

    @http.route(
        "/my/activities/registration/<int:registration_id>/cancel",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_cancel(self, registration_id, **post):
        partner = self._portal_partner()
        registration = self._my_registrations(partner).filtered(lambda r: r.id == registration_id)
        try:
            if not registration:
                raise UserError(request.env._("This registration is not yours."))
            registration.action_cancel()
        except (UserError, ValidationError) as exc:
            return self.portal_my_activities(error=exc.args[0])
        return request.redirect("/my/activities")
