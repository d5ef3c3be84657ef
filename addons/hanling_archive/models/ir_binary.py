from odoo import models


class IrBinary(models.AbstractModel):
    _inherit = "ir.binary"

    def _record_to_stream(self, record, field_name):
        # Every download or in-browser view of a file goes through here (/web/content,
        # /web/image), after the access check: log the archive files that leave the server.
        stream = super()._record_to_stream(record, field_name)
        Mixin = self.pool["hanling.archive.confidential.mixin"]
        if isinstance(record, Mixin):
            record._archive_log("download")
        elif (
            record._name == "ir.attachment"
            and record.res_model
            and isinstance(self.env.get(record.res_model), Mixin)
            and record.res_id
        ):
            # The attachment's access check already required read access on its owner.
            owner = self.env[record.res_model].browse(record.res_id).exists()
            owner._archive_log("download")
        return stream
