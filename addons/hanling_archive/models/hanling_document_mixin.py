import logging

from odoo import models

_logger = logging.getLogger(__name__)


class HanlingDocumentMixin(models.AbstractModel):
    """Move-ins, decoration permits and ownership transfers file what they collected."""

    _inherit = "hanling.document.mixin"

    def _hanling_documents_collected(self):
        res = super()._hanling_documents_collected()
        Dossier = self.env["hanling.archive.dossier"]
        collected = {record: record._hanling_documents_to_file() for record in self}
        codes = {code for items in collected.values() for code, _att, _set in items}
        # sudo: the clerk completing the procedure files into the archive without reading it;
        # only the type codes are looked up here.
        known = set(
            self.env["hanling.archive.document.type"]
            .sudo()
            .search([("code", "in", list(codes))])
            .mapped("code")
        )
        for record, items in collected.items():
            by_set = {}
            for code, attachment, set_code in items:
                if code not in known:
                    # A document type configured in the office but unknown to the archive.
                    _logger.info("%s: document %s not filed, no archive type", record, code)
                    continue
                by_set.setdefault(set_code, []).append((code, attachment, False))
            for set_code, set_items in by_set.items():
                Dossier._file_documents(record.unit_id, set_code, set_items, source=record)
        return res
