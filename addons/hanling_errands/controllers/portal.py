from odoo import _, fields, http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.hanling_property.controllers.portal_requests import HanlingPortalRequests


class HanlingErrandPortal(HanlingPortalRequests):
    """The resident asks the office for an errand from the published catalogue (篇4)."""

    def _hanling_errand_services(self):
        return request.env["hanling.service"].search(
            [("category_id", "=", request.env.ref("hanling_property.cat_errands").id)]
        )

    @http.route(["/my/units/<int:unit_id>"], type="http", auth="user", website=True)
    def portal_my_unit(self, unit_id, access_token=None, **kw):
        response = super().portal_my_unit(unit_id, access_token=access_token, **kw)
        if getattr(response, "qcontext", None) is not None and "unit" in response.qcontext:
            unit = response.qcontext["unit"]
            # sudo: read with the resident's own rights; shown with sudo like the other
            # documents (related names only).
            errands = request.env["hanling.errand"].search([("unit_id", "=", unit.id)])
            response.qcontext["errands"] = errands.sudo()
        return response

    @http.route(
        ["/my/units/<int:unit_id>/errand"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_unit_errand(self, unit_id, **post):
        unit = self._hanling_my_unit(unit_id)
        if not unit:
            return request.redirect("/my")
        services = self._hanling_errand_services()
        kinds = request.env["hanling.errand"]._fields["kind"]._description_selection(request.env)
        return self._hanling_unit_form(
            unit,
            post,
            create=lambda: self._hanling_create_errand(unit, services, dict(kinds), post),
            redirect=lambda errand: f"/my/errands/{errand.id}?message=received",
            template="hanling_errands.portal_unit_errand",
            values={"services": services, "kinds": kinds, "page_name": "hanling_errand_new"},
        )

    def _hanling_create_errand(self, unit, services, kinds, post):
        service = services.filtered(lambda s: str(s.id) == (post.get("service_id") or ""))
        if not service:
            raise UserError(_("Choose an errand from the published list."))
        kind = post.get("kind") or "other"
        if kind not in kinds:
            raise UserError(_("Choose what kind of errand it is from the list."))
        description = self._hanling_clean_text(post.get("description"), _("What Is Wanted"))
        vals = {
            **self._hanling_intake_values(unit, post),
            "service_id": service.id,
            "kind": kind,
            "description": description,
            # sudo: the name of a unit already checked (portal users cannot read buildings).
            "delivery_place": unit.sudo().display_name,
        }
        if post.get("delivery_date"):
            try:
                when = fields.Datetime.to_datetime(post["delivery_date"].replace("T", " "))
            except ValueError:
                when = None
            if not when:
                raise UserError(_("Give a valid delivery date and time."))
            vals["delivery_date"] = self._hanling_local_to_utc(when)
            if vals["delivery_date"] < fields.Datetime.now():
                raise UserError(_("The delivery time must be in the future."))
        with request.env.cr.savepoint():
            # sudo: residents hold only a read right on errands; the unit was checked above.
            errand = request.env["hanling.errand"].sudo().create(vals)
            errand.message_post(
                body=_("Errand requested online by the resident."),
                author_id=request.env.user.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return errand

    @http.route(["/my/errands"], type="http", auth="user", website=True)
    def portal_my_errands(self, **kw):
        errands = request.env["hanling.errand"].search([])
        values = self._prepare_portal_layout_values()
        # sudo: searched above with the resident's own rights (portal rules); rendered
        # with sudo for the names of related records.
        values.update({"errands": errands.sudo(), "page_name": "hanling_errands"})
        return request.render("hanling_errands.portal_my_errands", values)

    @http.route(["/my/errands/<int:errand_id>"], type="http", auth="public", website=True)
    def portal_my_errand(self, errand_id, access_token=None, message=None, **kw):
        errand_sudo = self._hanling_check_document("hanling.errand", errand_id, access_token)
        if errand_sudo is None:
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "errand": errand_sudo,
                "message": message,
                "error": None,
                "page_name": "hanling_errand",
            }
        )
        return request.render("hanling_errands.portal_my_errand", values)

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "hanling_errand_count" in counters:
            Errand = request.env["hanling.errand"]
            values["hanling_errand_count"] = (
                Errand.search_count([]) if Errand.has_access("read") else 0
            )
        return values
