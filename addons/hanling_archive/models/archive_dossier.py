from odoo import _, api, fields, models
from odoo.exceptions import UserError


class HanlingArchiveDossier(models.Model):
    """One folder per unit, labelled 楼层-房号 (篇5 4.1.1 D)."""

    _name = "hanling.archive.dossier"
    _description = "Unit Dossier"
    _inherit = ["mail.thread", "mail.activity.mixin", "hanling.archive.confidential.mixin"]
    _order = "community_id, building_id, floor, label"
    _rec_names_search = ["label", "unit_id"]
    _check_company_auto = True

    unit_id = fields.Many2one(
        "hanling.unit", required=True, index=True, ondelete="restrict", check_company=True
    )
    label = fields.Char(related="unit_id.label", store=True, string="Folder Label (楼层-房号)")
    floor = fields.Integer(related="unit_id.floor", store=True)
    building_id = fields.Many2one(related="unit_id.building_id", store=True, index=True)
    community_id = fields.Many2one(related="unit_id.community_id", store=True, index=True)
    company_id = fields.Many2one(related="unit_id.company_id", store=True, index=True)
    drawer_id = fields.Many2one(
        "hanling.archive.drawer",
        compute="_compute_drawer_id",
        store=True,
        readonly=False,
        index=True,
        check_company=True,
        tracking=True,
        domain="[('community_id', '=', community_id)]",
        help="Filled in from the drawers' floors; change it when the folder is kept elsewhere.",
    )
    cabinet_id = fields.Many2one(related="drawer_id.cabinet_id", store=True, index=True)
    document_ids = fields.One2many("hanling.archive.document", "dossier_id", string="Documents")
    document_count = fields.Integer(compute="_compute_document_count", string="Documents Filed")
    resident_ids = fields.One2many(
        "hanling.archive.resident", "dossier_id", string="Resident Records"
    )
    event_ids = fields.One2many("hanling.archive.event", "dossier_id", string="Important Events")
    is_complete = fields.Boolean(
        compute="_compute_is_complete",
        store=True,
        index=True,
        string="Complete",
        help="Every started set holds its required documents (the move-in set is always expected).",
    )
    missing_summary = fields.Text(compute="_compute_missing", string="Missing Documents")
    missing_count = fields.Integer(compute="_compute_missing", string="Missing")
    note = fields.Text(
        string="Condition Notes", help="State of the folder: clean, tidy, undamaged."
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("unit_uniq", "unique(unit_id)", "A unit has exactly one dossier."),
    ]

    @api.depends("unit_id")
    def _compute_drawer_id(self):
        todo = self.filtered(lambda d: d.unit_id and not d.drawer_id)
        if not todo:
            return
        drawers = self.env["hanling.archive.drawer"].search(
            [("community_id", "in", todo.unit_id.community_id.ids)]
        )
        for dossier in todo:
            dossier.drawer_id = next((d for d in drawers if d._holds(dossier.unit_id)), False)

    @api.depends("document_ids")
    def _compute_document_count(self):
        for dossier in self:
            dossier.document_count = len(dossier.document_ids)

    # A change of the required lists recomputes every dossier (see _refresh_completeness).
    @api.depends(
        "document_ids.type_id", "document_ids.set_id", "document_ids.form", "document_ids.active"
    )
    def _compute_is_complete(self):
        missing = self._missing_by_set()
        for dossier in self:
            dossier.is_complete = not missing.get(dossier.id)

    @api.depends(
        "document_ids.type_id", "document_ids.set_id", "document_ids.form", "document_ids.active"
    )
    def _compute_missing(self):
        missing = self._missing_by_set()
        for dossier in self:
            per_set = missing.get(dossier.id, {})
            dossier.missing_count = sum(len(types) for types in per_set.values())
            dossier.missing_summary = (
                "\n".join(
                    f"{doc_set.name}: {', '.join(types.mapped('name'))}"
                    for doc_set, types in per_set.items()
                )
                or False
            )

    @api.depends("label", "building_id.name")
    def _compute_display_name(self):
        for dossier in self:
            dossier.display_name = f"{dossier.building_id.name or ''} {dossier.label or ''}".strip()

    def _archive_dossiers(self):
        return self

    def _missing_by_set(self):
        """Return {dossier id: {document set: missing required types}} (篇5 4.1.1, 6.3, 6.4)."""
        sets = self.env["hanling.archive.document.set"].search([])
        result = {}
        for dossier in self:
            per_set = {}
            for doc_set in sets:
                filed = dossier.document_ids.filtered(lambda d, s=doc_set: d.set_id == s)
                if not filed and not doc_set.always_expected:
                    continue
                present = self.env["hanling.archive.document.type"]
                for document in filed:
                    if document.type_id.original_required and document.form != "original":
                        continue
                    present |= document.type_id | document.type_id.counts_as_id
                absent = doc_set.required_type_ids - present
                if absent:
                    per_set[doc_set] = absent
            result[dossier.id] = per_set
        return result

    @api.model
    def _refresh_completeness(self):
        """Recompute the stored completeness after the required documents were reconfigured."""
        dossiers = self.with_context(active_test=False).search([])
        self.env.add_to_compute(self._fields["is_complete"], dossiers)
        dossiers.flush_recordset(["is_complete"])

    @api.model
    def _for_units(self, units):
        """The dossiers of these units, creating the missing ones."""
        dossiers = self.with_context(active_test=False).search([("unit_id", "in", units.ids)])
        missing = units - dossiers.unit_id
        if missing:
            dossiers |= self.create([{"unit_id": unit.id} for unit in missing])
        return dossiers

    @api.model
    def _file_documents(self, unit, set_code, items, source=None):
        """File documents collected by another procedure into the unit's dossier.

        :param unit: the ``hanling.unit`` record
        :param set_code: ``move_in``, ``decoration``, ``transfer`` or ``event``
        :param items: iterable of ``(type code, ir.attachment or False, name)``, optionally with
            a fourth element ``'original'`` / ``'copy'`` (defaults to the type's usual form)
        :param source: the record the documents come from; filing the same type again from the
            same source is skipped, so a procedure may call this more than once
        :return: the created ``hanling.archive.document`` records
        """
        unit.ensure_one()
        # sudo: the front desk collects the documents and files them (篇5 4.1.1 C), but the
        # archive is confidential: the clerk may file into it without being able to read it.
        archive = self.sudo()
        doc_set = archive.env["hanling.archive.document.set"].search([("code", "=", set_code)])
        if not doc_set:
            raise UserError(_("Unknown archive document set “%(code)s”.", code=set_code))
        items = [tuple(item) for item in items]
        codes = {item[0] for item in items}
        types = archive.env["hanling.archive.document.type"].search([("code", "in", list(codes))])
        type_by_code = {doc_type.code: doc_type for doc_type in types}
        unknown = codes - set(type_by_code)
        if unknown:
            raise UserError(
                _(
                    "Unknown archive document types: %(codes)s.",
                    codes=", ".join(sorted(unknown)),
                )
            )
        dossier = archive._for_units(unit)
        already = set()
        if source:
            already = {
                (document.set_id.id, document.type_id.id)
                for document in dossier.document_ids
                if document.source_model == source._name and document.source_id == source.id
            }
        vals_list = []
        for item in items:
            code, attachment, name = item[:3]
            doc_type = type_by_code[code]
            if (doc_set.id, doc_type.id) in already:
                continue
            vals = {
                "dossier_id": dossier.id,
                "set_id": doc_set.id,
                "type_id": doc_type.id,
                "name": name or doc_type.name,
                "form": item[3] if len(item) > 3 else doc_type.default_form,
                "clerk_id": self.env.uid,
                "source_model": source._name if source else False,
                "source_id": source.id if source else False,
            }
            if attachment:
                vals.update({"file": attachment.datas, "file_name": attachment.name})
            vals_list.append(vals)
        documents = archive.env["hanling.archive.document"].create(vals_list)
        return documents.with_env(self.env)

    def action_view_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hanling_archive.hanling_archive_document_action"
        )
        action["domain"] = [("dossier_id", "=", self.id)]
        action["context"] = {"default_dossier_id": self.id}
        return action
