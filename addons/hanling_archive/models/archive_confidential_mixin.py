import logging

from odoo import api, models
from odoo.exceptions import UserError

from ..tools import is_unlogged_read, unlogged_read

_logger = logging.getLogger(__name__)

# What the web client reads to show a record as a link or a tag.
NAME_ONLY_FIELDS = {"id", "display_name", "color"}

# What an access-log entry can record.
ACCESS_ACTIONS = [
    ("open", "Opened"),
    ("print", "Printed"),
    ("export", "Exported"),
    ("download", "Downloaded"),
]


class HanlingArchiveConfidentialMixin(models.AbstractModel):
    """Level-one confidential archive data (篇5 4.2).

    Reading is restricted by the ACLs and record rules of each model. This mixin adds what the
    ORM does not do by itself: every export or print needs a borrow request approved for that
    purpose, and opening, printing, exporting and downloading are written to the access log.
    """

    _name = "hanling.archive.confidential.mixin"
    _description = "Confidential Archive Record"

    def _archive_dossiers(self):
        """The dossiers whose contents these records reveal: what a borrow request must cover."""
        return self.mapped("dossier_id")

    @api.model
    def web_search_read(self, *args, **kwargs):
        # A list shows rows, not a record being opened: no access-log line per row. The server
        # says so (tools.access_log), never the caller's context.
        with unlogged_read():
            return super().web_search_read(*args, **kwargs)

    def web_read(self, specification):
        if is_unlogged_read():
            return super().web_read(specification)
        # The web client reads exactly one record through web_read when a form opens (lists
        # use web_search_read): log that, not every ORM read, which would be noise (computes,
        # onchanges, reports) and could not tell a person's look from the code's. The records
        # of the form's sub-lists are read in the same call and are not logged separately.
        with unlogged_read():
            result = super().web_read(specification)
        # Reading only the name (a many2one or a tag on another document) is not opening it.
        if len(self) == 1 and set(specification) - NAME_ONLY_FIELDS:
            self._archive_log("open")
        return result

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        # Export is one of the ways data leaves the office: refused unless the manager approved
        # it in a borrowing request (篇5 4.2.8). Checked here rather than in export_data because
        # exporting another model (a partner, a community, a borrowing request) follows its
        # relations into archive records through this method, never through export_data.
        if not self or not {path[0] for path in fields if path} - NAME_ONLY_FIELDS - {".id"}:
            return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        borrow = self._archive_check_release("export")
        rows = super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        self._archive_log("export", borrow)
        return rows

    def _archive_check_release(self, mode):
        """Return the approved borrow request allowing ``mode`` on these records, or raise."""
        try:
            return self.env["hanling.archive.borrow"]._find_release(self._archive_dossiers(), mode)
        except UserError:
            # The refused attempt is rolled back with the request: the server log keeps it,
            # like Odoo's own "Access Denied" lines for ACLs and record rules.
            _logger.warning(
                "Archive %s refused without an approved borrowing request: uid %s, model %s, "
                "ids %s",
                mode,
                self.env.uid,
                self._name,
                self.ids[:20],
            )
            raise

    def _archive_log(self, action, borrow=None):
        if not self:
            return
        dossiers = {record.id: record._archive_dossiers()[:1].id for record in self}
        # sudo: the access log is readable by the manager only and nobody may write it; it must
        # still record what every archive reader does.
        self.env["hanling.archive.access.log"].sudo().create(
            [
                {
                    "user_id": self.env.uid,
                    "action": action,
                    "res_model": record._name,
                    "res_id": record.id,
                    "record_name": record.display_name,
                    "dossier_id": dossiers[record.id],
                    "borrow_id": borrow.id if borrow else False,
                }
                for record in self
            ]
        )
