from odoo import fields, models

from .archive_confidential_mixin import ACCESS_ACTIONS


class HanlingArchiveAccessLog(models.Model):
    """Who opened, printed, exported or downloaded which archive record, and when.

    Written by the server only (see ``hanling.archive.confidential.mixin``); read by the office
    manager only.
    """

    _name = "hanling.archive.access.log"
    _description = "Archive Access Log"
    _order = "id desc"
    _log_access = True

    user_id = fields.Many2one("res.users", string="User", required=True, index=True, readonly=True)
    action = fields.Selection(ACCESS_ACTIONS, required=True, index=True, readonly=True)
    res_model = fields.Char(string="Model", required=True, index=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Record ID", model_field="res_model", required=True, readonly=True
    )
    record_name = fields.Char(string="Record", readonly=True)
    dossier_id = fields.Many2one(
        "hanling.archive.dossier", index=True, readonly=True, ondelete="set null"
    )
    borrow_id = fields.Many2one(
        "hanling.archive.borrow", string="Borrowing Request", readonly=True, ondelete="set null"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
