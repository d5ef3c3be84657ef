import hmac
import secrets
from urllib.parse import parse_qs, urlsplit

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools.workflow import workflow_step

# Who keeps the unit register prints the units' QR codes and reads their keys; the technicians
# whose arrival the code proves never do (篇2 一 四)).
QR_KEEPERS = "hanling_property.group_cs_staff"


class HanlingUnit(models.Model):
    _inherit = "hanling.unit"

    # The key printed in the unit's QR code: the scan at the door proves the technician was
    # there only when the code cannot be made up from the unit's number.
    qr_token = fields.Char(string="QR Code Key", copy=False, readonly=True, groups=QR_KEEPERS)

    def _auto_init(self):
        res = super()._auto_init()
        # Units made before the key existed get one each (a column default would give them
        # all the same key).
        self.env.cr.execute(
            SQL(
                "UPDATE hanling_unit SET qr_token = replace(gen_random_uuid()::text, '-', '') "
                "WHERE qr_token IS NULL"
            )
        )
        return res

    # The key is drawn by the server for each unit, never chosen by a client.
    _workflow_drawn_fields = ("qr_token",)

    @api.model_create_multi
    def create(self, vals_list):
        units = super().create(vals_list)
        units._hanling_renew_qr_token()
        return units

    @workflow_step
    def _hanling_renew_qr_token(self):
        # sudo: the key is the server's, drawn for whoever registers the unit.
        for unit in self.sudo():
            unit.qr_token = secrets.token_urlsafe(16)

    def action_hanling_renew_qr_token(self):
        """A QR code copied or lost: a new key; the old sheet no longer proves an arrival."""
        if not self.env.user.has_group(QR_KEEPERS):
            raise AccessError(_("Only the customer-service staff renew the units' QR codes."))
        self.check_access("write")
        self._hanling_renew_qr_token()
        return True

    def _hanling_portal_url(self):
        """The QR code on the unit opens the portal's repair request form for that unit; its key
        proves, when a technician scans it, that they stand at the door (server side only)."""
        self.ensure_one()
        # sudo: the key goes into the printed code, never to the client that asked.
        token = self.sudo().qr_token
        url = f"{self.get_base_url()}/my/units/{self.id}/request"
        return f"{url}?key={token}" if token else url

    def _hanling_qr_key_matches(self, code):
        """Whether ``code`` (the scanned URL) carries this unit's key, compared in constant time."""
        self.ensure_one()
        keys = parse_qs(urlsplit(code or "").query).get("key") or [""]
        # sudo: the technician scanning the door may not read the key; it is only compared.
        expected = self.sudo().qr_token or ""
        return bool(expected) and hmac.compare_digest(keys[0].encode(), expected.encode())


class ReportUnitQr(models.AbstractModel):
    _name = "report.hanling_property.report_unit_qr"
    _description = "Unit QR Codes"

    @api.model
    def _get_report_values(self, docids, data=None):
        # The sheet carries each unit's key: printed by the unit register's keepers only.
        if not self.env.su and not self.env.user.has_group(QR_KEEPERS):
            raise AccessError(_("Only the customer-service staff print the units' QR codes."))
        buildings = self.env["hanling.building"].browse(docids)
        buildings.check_access("read")
        return {"doc_ids": docids, "doc_model": "hanling.building", "docs": buildings}
