from odoo import fields, models


class HanlingComplaintDepartment(models.Model):
    """A department of the office a complaint can be assigned to (篇3 3.5), with its head."""

    _name = "hanling.complaint.department"
    _description = "Complaint Department"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    head_id = fields.Many2one(
        "res.users",
        string="Head",
        check_company=True,
        help="Department supervisor: told of every complaint assigned to the department and the "
        "first to escalate it to the office manager.",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A department with this name already exists.",
        ),
    ]
