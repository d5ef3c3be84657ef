from odoo import fields, models


class HanlingRoom(models.Model):
    _name = "hanling.room"
    _description = "Community Room"
    _order = "community_id, sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    community_id = fields.Many2one(
        "hanling.community", required=True, index=True, check_company=True, string="Community"
    )
    company_id = fields.Many2one(related="community_id.company_id", store=True, index=True)
    room_type = fields.Selection(
        [
            ("chess", "Chess Room"),
            ("reading", "Reading Room"),
            ("activity", "Activity Centre"),
            ("health", "Health Centre"),
            ("classroom", "Classroom"),
            ("other", "Other"),
        ],
        string="Type",
        required=True,
        default="activity",
    )
    capacity = fields.Integer(help="How many people the room holds.")
    opening_hours = fields.Char(help="Published opening hours, e.g. 09:00-21:00.")
    active = fields.Boolean(default=True)
    booking_ids = fields.One2many("hanling.room.booking", "room_id", string="Bookings")
