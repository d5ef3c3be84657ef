from stdnum.cn import ric

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.hanling_property.tools import normalize_cn_phone

from ..tools import check_cn_id_number


class HanlingArchiveResident(models.Model):
    """Electronic resident record (篇5 4.1.2) and, for VIP residents, their file (4.1.3)."""

    _name = "hanling.archive.resident"
    _description = "Resident Record"
    _inherit = ["mail.thread", "mail.activity.mixin", "hanling.archive.confidential.mixin"]
    _order = "dossier_id, id"
    _check_company_auto = True

    dossier_id = fields.Many2one(
        "hanling.archive.dossier",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    unit_id = fields.Many2one(related="dossier_id.unit_id", store=True, index=True)
    company_id = fields.Many2one(related="dossier_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Contact", index=True, ondelete="restrict", tracking=True
    )
    name = fields.Char(required=True, tracking=True)
    gender = fields.Selection([("male", "Male"), ("female", "Female")], tracking=True)
    id_number = fields.Char(
        string="ID Number",
        groups="hanling_property.group_cs_staff",
        tracking=True,
        help="18-digit resident identity card number.",
    )
    native_place = fields.Char(string="Native Place")
    household_registration = fields.Char(string="Household Registration")
    phone = fields.Char(tracking=True)
    floor_area = fields.Float(related="unit_id.floor_area", string="Floor Area (m²)")
    date_registered = fields.Date(
        string="Registered On",
        default=fields.Date.context_today,
        help="Date of the resident registration form (业主/住户情况登记表).",
    )
    # VIP file (重点业户资料, 篇5 4.1.3)
    is_vip = fields.Boolean(string="VIP Resident", index=True, tracking=True)
    birthday = fields.Date()
    personality = fields.Text()
    preferences = fields.Text()
    specialities = fields.Text()
    special_requests = fields.Text(string="Special Requests")
    opinions = fields.Text(string="Opinions")
    complaint_ids = fields.Many2many(
        "hanling.complaint",
        compute="_compute_complaint_ids",
        string="Complaints",
        help="The complaints recorded for this resident, with their handling.",
    )
    complaint_count = fields.Integer(compute="_compute_complaint_ids", string="Complaint Count")
    complaint_history = fields.Html(
        string="Notes on Complaints",
        help="What the complaint records do not say: the resident's attitude, promises made, "
        "kept up to date monthly.",
    )
    active = fields.Boolean(default=True)

    @api.depends("partner_id")
    def _compute_complaint_ids(self):
        complaints = self.env["hanling.complaint"].search(
            [("partner_id", "in", self.partner_id.ids)], order="date_received desc"
        )
        for record in self:
            mine = complaints.filtered(lambda c, r=record: c.partner_id == r.partner_id)
            record.complaint_ids = mine if record.partner_id else False
            record.complaint_count = len(mine) if record.partner_id else 0

    @api.constrains("id_number")
    def _check_id_number(self):
        # sudo: id_number is a groups= field; the check must hold whoever writes the record.
        for record in self.sudo().filtered("id_number"):
            try:
                check_cn_id_number(record.id_number)
            except ValueError as error:
                reasons = {
                    "format": _("it must have 17 digits followed by a digit or X"),
                    "birth_date": _("its birth date is not a valid date"),
                    "check_digit": _("its check digit is wrong"),
                }
                raise ValidationError(
                    _(
                        "The ID number “%(number)s” of %(name)s is not valid: %(reason)s.",
                        number=record.id_number,
                        name=record.name,
                        reason=reasons[str(error)],
                    )
                ) from None

    @api.onchange("id_number")
    def _onchange_id_number(self):
        try:
            __, birth, gender = check_cn_id_number(self.id_number)
        except ValueError:
            return
        self.gender = self.gender or gender
        self.birthday = self.birthday or birth

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id:
            self.name = self.name or self.partner_id.name
            self.phone = self.phone or self.partner_id.mobile or self.partner_id.phone

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._normalize_vals(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._normalize_vals(vals))

    def _normalize_vals(self, vals):
        vals = dict(vals)
        if vals.get("phone"):
            vals["phone"] = normalize_cn_phone(
                self.env, vals["phone"], self._fields["phone"]._description_string(self.env)
            )
        if vals.get("id_number"):
            vals["id_number"] = ric.compact(vals["id_number"])
        return vals
