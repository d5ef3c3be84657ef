from odoo import api, fields, models

DOCUMENT_SETS = [
    ("move_in", "Move-in"),
    ("decoration", "Decoration"),
    ("transfer", "Ownership Transfer"),
]


class HanlingDocumentType(models.Model):
    """A document the front desk collects (manual 篇5 4.1.1); the code is a stable key."""

    _name = "hanling.document.type"
    _description = "Collected Document Type"
    _order = "document_set, sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Stable technical key, used by the archive to file the document.",
    )
    document_set = fields.Selection(
        DOCUMENT_SETS, string="Collected For", required=True, index=True
    )
    sequence = fields.Integer(default=10)
    required = fields.Boolean(
        help="Must be received before the move-in is completed, the decoration permit approved "
        "or the transfer completed.",
    )
    alternative_group = fields.Char(
        help="Required documents sharing this key replace one another: one of them is enough "
        "(e.g. title deed or sale contract).",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to collect the document in every office."
    )

    _sql_constraints = [
        ("code_set_uniq", "unique(code, document_set)", "A document code must be unique per set."),
    ]

    @api.model
    def _for_set(self, document_set):
        return self.search(
            [
                ("document_set", "=", document_set),
                ("company_id", "in", [False, self.env.company.id]),
            ]
        )
