from odoo import _, api, fields, models
from odoo.exceptions import UserError


class HanlingDocumentLine(models.Model):
    """One line of a document checklist on a move-in, a decoration permit or a transfer."""

    _name = "hanling.document.line"
    _description = "Collected Document"
    _order = "sequence, id"
    _check_company_auto = True

    move_in_id = fields.Many2one("hanling.move.in", index="btree_not_null", ondelete="cascade")
    permit_id = fields.Many2one(
        "hanling.decoration.permit", index="btree_not_null", ondelete="cascade"
    )
    transfer_id = fields.Many2one(
        "hanling.ownership.transfer", index="btree_not_null", ondelete="cascade"
    )
    type_id = fields.Many2one(
        "hanling.document.type", string="Collected Document", required=True, ondelete="restrict"
    )
    code = fields.Char(related="type_id.code", store=True, index=True)
    document_set = fields.Selection(related="type_id.document_set", store=True)
    sequence = fields.Integer(related="type_id.sequence", store=True)
    required = fields.Boolean(related="type_id.required")
    received = fields.Boolean(string="Collected")
    date_received = fields.Date(string="Received On")
    # Scans (ID cards, title deeds) stay within the office, not with accountants (篇5 4.2.1).
    file = fields.Binary(
        string="Attachment",
        attachment=True,
        groups="hanling_property.group_duty_officer,hanling_property.group_technician",
    )
    file_name = fields.Char()
    note = fields.Char()
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, index=True, precompute=True
    )

    _sql_constraints = [
        (
            "one_parent",
            "CHECK(num_nonnulls(move_in_id, permit_id, transfer_id) = 1)",
            "A collected document belongs to exactly one move-in, permit or transfer.",
        ),
    ]

    @api.depends("move_in_id.company_id", "permit_id.company_id", "transfer_id.company_id")
    def _compute_company_id(self):
        for line in self:
            parent = line.move_in_id or line.permit_id or line.transfer_id
            line.company_id = parent.company_id

    @api.onchange("received")
    def _onchange_received(self):
        if self.received and not self.date_received:
            self.date_received = fields.Date.context_today(self)

    @api.onchange("file")
    def _onchange_file(self):
        if self.file:
            self.received = True
            self.date_received = self.date_received or fields.Date.context_today(self)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("file"):
                vals.setdefault("received", True)
            if vals.get("received") and not vals.get("date_received"):
                vals["date_received"] = fields.Date.context_today(self)
        lines = super().create(vals_list)
        lines._check_parents_unlocked()
        return lines

    def write(self, vals):
        self._check_parents_unlocked()
        if vals.get("file") and "received" not in vals:
            vals["received"] = True
        if vals.get("received") and "date_received" not in vals:
            vals["date_received"] = fields.Date.context_today(self)
        result = super().write(vals)
        if {"move_in_id", "permit_id", "transfer_id"} & set(vals):
            self._check_parents_unlocked()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked(self):
        self._check_parents_unlocked()

    def _check_parents_unlocked(self):
        """The checklist is frozen with its document (a completed move-in, a closed permit…)."""
        for parents in (self.move_in_id, self.permit_id, self.transfer_id):
            parents._check_lines_unlocked("document_line_ids")

    def _missing_required(self):
        """Return the names of the required document types not received among these lines."""
        received = self.filtered("received").type_id
        missing = []
        groups_ok = {t.alternative_group for t in received if t.alternative_group}
        seen_groups = set()
        for doc_type in self.type_id.filtered("required"):
            if doc_type in received:
                continue
            group = doc_type.alternative_group
            if group:
                if group in groups_ok or group in seen_groups:
                    continue
                seen_groups.add(group)
                alternatives = self.type_id.filtered(lambda t, g=group: t.alternative_group == g)
                missing.append(_(" or ").join(alternatives.mapped("name")))
            else:
                missing.append(doc_type.name)
        return missing

    def _check_required_received(self, what):
        missing = self._missing_required()
        if missing:
            raise UserError(
                _(
                    "%(what)s: these documents have not been received yet: %(documents)s.",
                    what=what,
                    documents=", ".join(missing),
                )
            )

    def _attachments_by_line(self):
        """Map each line to the ir.attachment holding its file (one search for all lines)."""
        attachments = (
            self.env["ir.attachment"]
            .sudo()  # sudo: binary-field attachments are hidden from plain searches; read-only
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_field", "=", "file"),
                    ("res_id", "in", self.ids),
                ]
            )
        )
        by_id = {att.res_id: att for att in attachments}
        return {line: by_id.get(line.id, self.env["ir.attachment"]) for line in self}

    def _documents_to_file(self):
        """(type code, attachment or False, set name) for every received line."""
        received = self.filtered("received")
        attachments = received._attachments_by_line()
        return [(line.code, attachments[line] or False, line.document_set) for line in received]


class HanlingDocumentMixin(models.AbstractModel):
    """A document that collects a checklist of paper documents (篇5 4.1.1)."""

    _name = "hanling.document.mixin"
    _description = "Collected Documents Checklist"

    _hanling_document_set = False  # set by each model: move_in / decoration / transfer

    # Each model declares ``document_line_ids`` (One2many to hanling.document.line).
    documents_complete = fields.Boolean(
        compute="_compute_documents_complete",
        help="Every required document has been received.",
    )

    def _compute_documents_complete(self):
        for record in self:
            record.documents_complete = not record.document_line_ids._missing_required()

    def _check_lines_unlocked(self, field_name):
        """Refuse a change of the lines ``field_name`` where the document's state froze them.

        For lines changed on their own (not through the document's form): the document's
        ``_workflow_lock`` decides, its own steps (the approval ticking the permit) may.
        """
        if self and not self._workflow_open():
            self._check_edit_lock({field_name: True})

    def _default_document_lines(self, given=()):
        """Checklist lines for the document types of this set not among ``given`` (type ids)."""
        types = self.env["hanling.document.type"]._for_set(self._hanling_document_set)
        return [fields.Command.create({"type_id": t.id}) for t in types if t.id not in given]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            commands = list(vals.get("document_line_ids") or [])
            given = {c[2].get("type_id") for c in commands if c[0] == fields.Command.CREATE}
            vals["document_line_ids"] = commands + self._default_document_lines(given)
        return super().create(vals_list)

    def _hanling_documents_to_file(self):
        """Return [(document type code, ir.attachment or False, set name)] collected here.

        Overridable hook: the archive addon files these documents in the unit's dossier.
        """
        self.ensure_one()
        return self.document_line_ids._documents_to_file()

    def _hanling_documents_collected(self):
        """Called once the document set is complete (move-in done, permit closed, transfer
        done). Does nothing here; the archive addon overrides it to file
        ``self._hanling_documents_to_file()``."""
        return True
