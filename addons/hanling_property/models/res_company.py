from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    hanling_day_shift_start = fields.Float(
        string="Day Shift Starts",
        default=8.0,
        help="Customer-service centre hours; outside them the fire-control monitoring centre "
        "takes calls (篇3 3.3, 3.4).",
    )
    hanling_day_shift_end = fields.Float(string="Day Shift Ends", default=18.0)

    @api.constrains("hanling_day_shift_start", "hanling_day_shift_end")
    def _check_hanling_day_shift(self):
        for company in self:
            if not 0 <= company.hanling_day_shift_start < company.hanling_day_shift_end <= 24:
                raise ValidationError(
                    _("The day shift must start before it ends, within one day (0-24h).")
                )

    def _hanling_shift_at(self, utc_dt, tz_name=None):
        """'day' or 'night' for a UTC datetime, in the office's (or the given) time zone."""
        self.ensure_one()
        local = fields.Datetime.context_timestamp(
            self.with_context(
                tz=tz_name or self.partner_id.tz or self.env.user.tz or "Asia/Shanghai"
            ),
            utc_dt,
        )
        hour = local.hour + local.minute / 60.0
        start, end = self.hanling_day_shift_start, self.hanling_day_shift_end
        return "day" if start <= hour < end else "night"
