import binascii
import io
from urllib.parse import quote

import pytz
from PIL import Image

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools.mimetypes import guess_mimetype

from ..models.work_order import UNIT_CODE
from ..tools import normalize_cn_phone
from .portal import HanlingPortal

PHOTO_MIMETYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_COUNT = 5
TEXT_MAX_CHARS = 2000


class HanlingPortalRequests(HanlingPortal):
    """The resident asks online: repair requests and complaints for their units, and follows them.

    Every route checks the record with the user's own rights (record rules for portal residents)
    or the mailed access token before anything is shown or changed; the changes themselves are
    made with sudo, because residents hold only a read right on these documents.
    """

    # ------------------------------------------------------------------ helpers

    def _hanling_my_unit(self, unit_id):
        """The unit if the user lives there now, else None (nothing is revealed)."""
        units = self._hanling_my_units()
        return units.filtered(lambda u: u.id == unit_id)[:1] or None

    def _hanling_read_photos(self):
        """Validate the uploaded photos before anything is saved; raise UserError on a bad one."""
        files = [f for f in request.httprequest.files.getlist("photos") if f and f.filename]
        if len(files) > PHOTO_MAX_COUNT:
            raise UserError(_("Attach at most %(count)s photos.", count=PHOTO_MAX_COUNT))
        photos = []
        for upload in files:
            data = upload.read(PHOTO_MAX_BYTES + 1)
            if len(data) > PHOTO_MAX_BYTES:
                raise UserError(
                    _(
                        "The photo %(name)s is larger than %(size)s MB.",
                        name=upload.filename,
                        size=PHOTO_MAX_BYTES // (1024 * 1024),
                    )
                )
            mimetype = guess_mimetype(data)
            if mimetype not in PHOTO_MIMETYPES or not self._hanling_is_image(data):
                raise UserError(
                    _(
                        "The file %(name)s is not a photo (JPEG, PNG, GIF or WebP).",
                        name=upload.filename,
                    )
                )
            photos.append((upload.filename, data, mimetype))
        return photos

    def _hanling_is_image(self, data):
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
        except Exception:  # noqa: BLE001 - any decoding failure means "not a photo"
            return False
        return True

    def _hanling_clean_text(self, value, label, required=True):
        value = (value or "").strip()
        if required and not value:
            raise UserError(_("Please fill in: %(field)s.", field=label))
        if len(value) > TEXT_MAX_CHARS:
            raise UserError(
                _(
                    "%(field)s is too long (%(max)s characters at most).",
                    field=label,
                    max=TEXT_MAX_CHARS,
                )
            )
        return value

    def _hanling_attach_photos(self, record_sudo, photos, body):
        """Store the photos on the record through a chatter message from the resident."""
        message = record_sudo.message_post(
            body=body,
            attachments=[(name, data) for name, data, _mimetype in photos],
            author_id=request.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return message.attachment_ids

    def _hanling_intake_values(self, unit, post):
        phone = (post.get("contact_phone") or "").strip()
        label = _("Contact Phone")
        if not phone:
            raise UserError(_("Please fill in: %(field)s.", field=label))
        normalize_cn_phone(request.env, phone, label)
        return {
            "unit_id": unit.id,
            "company_id": unit.company_id.id,
            "partner_id": request.env.user.partner_id.id,
            "contact_phone": phone,
            "channel": "portal",
        }

    def _hanling_check_document(self, model, record_id, access_token):
        try:
            return self._document_check_access(model, record_id, access_token)
        except (AccessError, MissingError):
            return None

    def _hanling_not_my_unit(self):
        """A unit page the user does not live in. A technician who opened it scanned the unit's
        QR code at the door: the scan records the arrival (篇2 一 四)); others go home."""
        if request.env.user.has_group("hanling_property.group_technician"):
            # The whole scanned code, its key included (the arrival checks it).
            code = request.httprequest.full_path.rstrip("?")
            return request.redirect(f"/my/arrival?code={quote(code)}")
        return request.redirect("/my")

    def _hanling_page_error(self, url, message):
        return request.redirect(f"{url}{'&' if '?' in url else '?'}error={message}")

    # ------------------------------------------------------------------ unit page

    @http.route(["/my/units/<int:unit_id>"], type="http", auth="user", website=True)
    def portal_my_unit(self, unit_id, access_token=None, **kw):
        unit = self._hanling_my_unit(unit_id)
        if not unit:
            return self._hanling_not_my_unit()
        values = self._prepare_portal_layout_values()
        # Orders and complaints of the unit, read with the resident's own rights.
        orders = request.env["hanling.work.order"].search([("unit_id", "=", unit.id)])
        complaints = request.env["hanling.complaint"].search([("unit_id", "=", unit.id)])
        values.update(
            {
                # sudo: building and community names of a unit already checked above.
                "unit": unit.sudo(),
                "work_orders": orders.sudo(),
                "complaints": complaints.sudo(),
                "page_name": "hanling_unit",
            }
        )
        return request.render("hanling_property.portal_my_unit", values)

    # ------------------------------------------------------------------ repair requests

    def _hanling_request_services(self):
        """Catalogue services a resident may ask for as a repair (errands have their own form)."""
        return request.env["hanling.service"].search(
            [("category_id", "!=", request.env.ref("hanling_property.cat_errands").id)]
        )

    @http.route(
        ["/my/units/<int:unit_id>/request"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_unit_request(self, unit_id, **post):
        unit = self._hanling_my_unit(unit_id)
        if not unit:
            return self._hanling_not_my_unit()
        services = self._hanling_request_services()
        return self._hanling_unit_form(
            unit,
            post,
            create=lambda: self._hanling_create_work_order(unit, services, post),
            redirect=lambda order: f"/my/work_orders/{order.id}?message=received",
            template="hanling_property.portal_unit_request",
            values={"services": services, "page_name": "hanling_request"},
        )

    def _hanling_unit_form(self, unit, post, *, create, redirect, template, values):
        """A resident's form about one of their units: shown on GET; on POST ``create()``
        makes the record and the resident goes to ``redirect(record)``, or sees the form again
        with the clear error and what they typed (nothing was saved)."""
        error = None
        if request.httprequest.method == "POST":
            try:
                record = create()
            except (UserError, ValidationError) as exc:
                error = exc.args[0]
            else:
                return request.redirect(redirect(record))
        partner = request.env.user.partner_id
        page = self._prepare_portal_layout_values()
        # sudo: the caller checked the unit with the resident's own rights; the page shows its
        # name and building.
        page.update(
            {
                "unit": unit.sudo(),
                "error": error,
                "post": post,
                "default_phone": partner.mobile or partner.phone or "",
                **values,
            }
        )
        return request.render(template, page)

    def _hanling_create_work_order(self, unit, services, post):
        description = self._hanling_clean_text(post.get("description"), _("What Is Wanted"))
        vals = {
            **self._hanling_intake_values(unit, post),
            "description": description,
            "urgency": "appointment" if post.get("urgency") == "appointment" else "immediate",
        }
        if post.get("service_id"):
            service = services.filtered(lambda s: str(s.id) == post["service_id"])
            if not service:
                raise UserError(_("Choose a service from the published list."))
            vals["service_id"] = service.id
        if vals["urgency"] == "appointment":
            try:
                appointment = fields.Datetime.to_datetime(
                    (post.get("appointment_date") or "").replace("T", " ")
                )
            except ValueError:
                appointment = None
            if not appointment:
                raise UserError(_("Give the date and time that suits you for the visit."))
            # The form sends the resident's local time; the database keeps UTC.
            vals["appointment_date"] = self._hanling_local_to_utc(appointment)
            if vals["appointment_date"] < fields.Datetime.now():
                raise UserError(_("The appointment must be in the future."))
        photos = self._hanling_read_photos()
        with request.env.cr.savepoint():
            # sudo: residents hold only a read right on work orders; the unit was checked above.
            order = request.env["hanling.work.order"].sudo().create(vals)
            if photos:
                self._hanling_attach_photos(order, photos, _("Photos sent with the request."))
        return order

    def _hanling_local_to_utc(self, value):
        tz = pytz.timezone(request.env.user.tz or "Asia/Shanghai")
        return tz.localize(value).astimezone(pytz.utc).replace(tzinfo=None)

    @http.route(["/my/work_orders"], type="http", auth="user", website=True)
    def portal_my_work_orders(self, **kw):
        orders = request.env["hanling.work.order"].search([])
        values = self._prepare_portal_layout_values()
        # sudo: searched above with the resident's own rights (portal rules); rendered
        # with sudo for the names of related records.
        values.update({"work_orders": orders.sudo(), "page_name": "hanling_work_orders"})
        return request.render("hanling_property.portal_my_work_orders", values)

    @http.route(["/my/work_orders/<int:order_id>"], type="http", auth="public", website=True)
    def portal_my_work_order(self, order_id, access_token=None, message=None, error=None, **kw):
        order_sudo = self._hanling_check_document("hanling.work.order", order_id, access_token)
        if order_sudo is None:
            return request.redirect("/my")
        values = self._get_page_view_values(
            order_sudo, access_token, self._prepare_portal_layout_values(), "my_work_orders", False
        )
        values.update(
            {
                "order": order_sudo,
                "access_token": access_token or "",
                "message": message,
                "error": error,
                "photos": order_sudo._hanling_portal_photos(),
                "page_name": "hanling_work_order",
            }
        )
        return request.render("hanling_property.portal_my_work_order", values)

    @http.route(
        ["/my/work_orders/<int:order_id>/opinion"],
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_work_order_opinion(self, order_id, access_token=None, opinion=None, **kw):
        order_sudo, url, refused = self._hanling_finished_order(order_id, access_token)
        if refused:
            return refused
        try:
            opinion = self._hanling_clean_text(opinion, _("Your Opinion"))
        except UserError:
            return self._hanling_page_error(url, "opinion")
        order_sudo.resident_opinion = opinion
        return request.redirect(f"{url}#accept")

    def _hanling_finished_order(self, order_id, access_token):
        """The prologue of the resident's answers at acceptance (opinion, rework): the order
        checked with the resident's rights or token, its page, and the response that refuses
        the answer (None when the repair is finished and awaits the resident)."""
        order_sudo = self._hanling_check_document("hanling.work.order", order_id, access_token)
        if order_sudo is None:
            return None, None, request.redirect("/my")
        url = order_sudo.get_portal_url() if access_token else f"/my/work_orders/{order_id}"
        if order_sudo.state != "done":
            return order_sudo, url, self._hanling_page_error(url, "not_done")
        return order_sudo, url, None

    @http.route(
        ["/my/work_orders/<int:order_id>/rework"],
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_work_order_rework(self, order_id, access_token=None, reason=None, **kw):
        """Not satisfied at acceptance: the job goes back to repair with the reason, until the
        resident is satisfied (篇2 二 五) 1)."""
        order_sudo, url, refused = self._hanling_finished_order(order_id, access_token)
        if refused:
            return refused
        try:
            reason = self._hanling_clean_text(reason, _("What Is Not Right"))
            with request.env.cr.savepoint():
                order_sudo.rework_reason = reason
                order_sudo.action_rework()
        except UserError:
            return self._hanling_page_error(url, "rework")
        return request.redirect(self._hanling_doc_url(order_sudo, access_token, "rework"))

    @http.route(["/my/work_orders/<int:order_id>/accept"], type="json", auth="public", website=True)
    def portal_work_order_accept(self, order_id, access_token=None, name=None, signature=None):
        access_token = access_token or request.httprequest.args.get("access_token")
        order_sudo = self._hanling_check_document("hanling.work.order", order_id, access_token)
        if order_sudo is None:
            return {"error": _("This work order is not yours.")}
        if order_sudo.state != "done":
            return {"error": _("Only a finished repair can be accepted.")}
        if not order_sudo.resident_opinion:
            return {"error": _("Give your opinion of the repair first.")}
        if not signature or not (name or "").strip():
            return {"error": _("Your name and signature are needed.")}
        try:
            with request.env.cr.savepoint():
                order_sudo.write(
                    {"resident_signature": signature, "resident_signed_by": name.strip()}
                )
                order_sudo.action_accept()
        except (TypeError, binascii.Error, ValueError):
            return {"error": _("Invalid signature data.")}
        except UserError as exc:
            return {"error": exc.args[0]}
        order_sudo.message_post(
            body=_("Accepted online and signed by %(name)s.", name=name.strip()),
            author_id=request.env.user.partner_id.id
            if not request.env.user._is_public()
            else order_sudo.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return {
            "force_refresh": True,
            "redirect_url": self._hanling_doc_url(order_sudo, access_token, "accepted"),
        }

    def _hanling_doc_url(self, record_sudo, access_token, message):
        if access_token:
            return record_sudo.get_portal_url(query_string=f"&message={message}")
        return f"{record_sudo.access_url}?message={message}"

    def _hanling_answer_callback(self, record_sudo, post):
        """The resident rates online: satisfaction 1-5 and a comment, kept as the resident's
        feedback on the planned callback; the office still makes the callback itself by phone
        or visit (篇2 二 六) 3, 篇3 4.4)."""
        callback = record_sudo.callback_ids.filtered(lambda c: c.state == "planned")[:1]
        satisfaction = post.get("satisfaction")
        if satisfaction not in ("1", "2", "3", "4", "5"):
            raise UserError(_("Choose how satisfied you are, from 1 to 5."))
        comment = self._hanling_clean_text(post.get("comment"), _("Comment"), required=False)
        with request.env.cr.savepoint():
            callback._record_resident_feedback(satisfaction, comment or False)
        return callback

    @http.route(
        ["/my/work_orders/<int:order_id>/callback"],
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_work_order_callback(self, order_id, access_token=None, **post):
        order_sudo = self._hanling_check_document("hanling.work.order", order_id, access_token)
        if order_sudo is None:
            return request.redirect("/my")
        url = order_sudo.get_portal_url() if access_token else f"/my/work_orders/{order_id}"
        if not order_sudo._hanling_portal_can_answer_callback():
            return self._hanling_page_error(url, "no_callback")
        try:
            self._hanling_answer_callback(order_sudo, post)
        except UserError:
            return self._hanling_page_error(url, "satisfaction")
        return request.redirect(self._hanling_doc_url(order_sudo, access_token, "thanks"))

    # ------------------------------------------------------------------ technician's arrival

    def _hanling_arrival_page(self, code, error=None, status=200):
        """The technician's phone after scanning a unit's QR code: the dispatched orders, those
        of the scanned unit first, each recorded as arrived by the scan (篇2 一 四))."""
        orders = request.env["hanling.work.order"].search(
            [("technician_id", "=", request.env.uid), ("state", "=", "assigned")],
            order="date_arrival_deadline, id",
        )
        match = UNIT_CODE.search(code or "")
        unit_id = int(match.group(1)) if match else 0
        here = orders.filtered(lambda o: o.unit_id.id == unit_id)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # sudo: the unit and community names of the technician's own orders, and the
                # name of the unit whose code the technician just scanned at its door.
                "here_orders": here.sudo(),
                "other_orders": (orders - here).sudo(),
                "scanned_unit": request.env["hanling.unit"].sudo().browse(unit_id).exists()
                if unit_id
                else None,
                "code": code or "",
                "error": error,
                "page_name": "hanling_arrival",
            }
        )
        return request.render("hanling_property.portal_work_order_arrival", values, status=status)

    @http.route(["/my/arrival"], type="http", auth="user", website=True, methods=["GET"])
    def portal_work_order_arrival(self, code=None, **kw):
        if not request.env.user.has_group("hanling_property.group_technician"):
            return request.redirect("/my")
        return self._hanling_arrival_page(code)

    @http.route(
        ["/my/arrival/<int:order_id>"], type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_work_order_arrive(self, order_id, code=None, **kw):
        """Record the arrival by the scanned code; a wrong unit's code is refused, saying why."""
        if not request.env.user.has_group("hanling_property.group_technician"):
            return request.redirect("/my")
        # The order with the technician's own rights: the scan is the technician's step.
        order = request.env["hanling.work.order"].browse(order_id)
        try:
            with request.env.cr.savepoint():
                order.action_arrive_scan(code)
        except (UserError, AccessError, MissingError) as exc:
            return self._hanling_arrival_page(code, error=exc.args[0], status=400)
        return request.redirect(f"/odoo/hanling.work.order/{order.id}")

    # ------------------------------------------------------------------ complaints

    @http.route(
        ["/my/units/<int:unit_id>/complaint"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_unit_complaint(self, unit_id, **post):
        unit = self._hanling_my_unit(unit_id)
        if not unit:
            return request.redirect("/my")
        Complaint = request.env["hanling.complaint"]
        categories = Complaint._fields["category"]._description_selection(request.env)
        return self._hanling_unit_form(
            unit,
            post,
            create=lambda: self._hanling_create_complaint(unit, dict(categories), post),
            redirect=lambda complaint: f"/my/complaints/{complaint.id}?message=received",
            template="hanling_property.portal_unit_complaint",
            values={"categories": categories, "page_name": "hanling_complaint_new"},
        )

    def _hanling_create_complaint(self, unit, categories, post):
        content = self._hanling_clean_text(post.get("content"), _("Complaint"))
        category = post.get("category") or "other"
        if category not in categories:
            raise UserError(_("Choose what the complaint is about from the list."))
        vals = {
            **self._hanling_intake_values(unit, post),
            "content": content,
            "category": category,
        }
        photos = self._hanling_read_photos()
        with request.env.cr.savepoint():
            # sudo: residents hold only a read right on complaints; the unit was checked above.
            complaint = request.env["hanling.complaint"].sudo().create(vals)
            if photos:
                self._hanling_attach_photos(complaint, photos, _("Photos sent with the complaint."))
        return complaint

    @http.route(["/my/complaints"], type="http", auth="user", website=True)
    def portal_my_complaints(self, **kw):
        complaints = request.env["hanling.complaint"].search([])
        values = self._prepare_portal_layout_values()
        # sudo: searched above with the resident's own rights (portal rules); rendered
        # with sudo for the names of related records.
        values.update({"complaints": complaints.sudo(), "page_name": "hanling_complaints"})
        return request.render("hanling_property.portal_my_complaints", values)

    @http.route(["/my/complaints/<int:complaint_id>"], type="http", auth="public", website=True)
    def portal_my_complaint(self, complaint_id, access_token=None, message=None, error=None, **kw):
        complaint_sudo = self._hanling_check_document(
            "hanling.complaint", complaint_id, access_token
        )
        if complaint_sudo is None:
            return request.redirect("/my")
        values = self._get_page_view_values(
            complaint_sudo,
            access_token,
            self._prepare_portal_layout_values(),
            "my_complaints",
            False,
        )
        values.update(
            {
                "complaint": complaint_sudo,
                "access_token": access_token or "",
                "message": message,
                "error": error,
                "page_name": "hanling_complaint",
            }
        )
        return request.render("hanling_property.portal_my_complaint", values)

    @http.route(
        ["/my/complaints/<int:complaint_id>/rate"],
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_complaint_rate(self, complaint_id, access_token=None, **post):
        complaint_sudo = self._hanling_check_document(
            "hanling.complaint", complaint_id, access_token
        )
        if complaint_sudo is None:
            return request.redirect("/my")
        url = complaint_sudo.get_portal_url() if access_token else f"/my/complaints/{complaint_id}"
        if not complaint_sudo._hanling_portal_can_rate():
            return self._hanling_page_error(url, "no_callback")
        try:
            self._hanling_answer_callback(complaint_sudo, post)
        except UserError:
            return self._hanling_page_error(url, "satisfaction")
        return request.redirect(self._hanling_doc_url(complaint_sudo, access_token, "thanks"))

    # ------------------------------------------------------------------ home counters

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        for counter, model in (
            ("hanling_work_order_count", "hanling.work.order"),
            ("hanling_complaint_count", "hanling.complaint"),
        ):
            if counter in counters:
                Model = request.env[model]
                values[counter] = Model.search_count([]) if Model.has_access("read") else 0
        return values
