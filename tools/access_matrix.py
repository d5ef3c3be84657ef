#!/usr/bin/env python3
"""Print the access matrix of the Hanling models as docs/security.md writes it.

    python3 -m odoo shell -c odoo.conf -d DATABASE --log-level=error < tools/access_matrix.py

Use it to draft the table when models change; the table in docs/security.md is the contract
and tests/integration/test_access_matrix.py checks every cell of it against the server.
"""

ROLES = {
    "internal user": "base.group_user",
    "portal resident": "base.group_portal",
    "accountant": "account.group_account_invoice",
    "duty officer": "hanling_property.group_duty_officer",
    "cs staff": "hanling_property.group_cs_staff",
    "technician": "hanling_property.group_technician",
    "eng supervisor": "hanling_property.group_eng_supervisor",
    "cs supervisor": "hanling_property.group_cs_supervisor",
    "office manager": "hanling_property.group_manager",
    "company rep": "hanling_property.group_company_rep",
}
MODES = ("read", "create", "write", "unlink")

models = sorted(
    m.model
    for m in env["ir.model"].search([("model", "=like", "hanling.%"), ("transient", "=", False)])  # noqa: F821
    if not env[m.model]._abstract  # noqa: F821
)
print("| model | " + " | ".join(ROLES) + " |")
print("|---|" + "---|" * len(ROLES))
for model in models:
    cells = []
    for xmlid in ROLES.values():
        group = env.ref(xmlid, raise_if_not_found=False)  # noqa: F821
        groups = group.trans_implied_ids | group if group else None
        rights = ""
        for mode, letter in zip(MODES, "rcwd", strict=True):
            acl = env["ir.model.access"].search(  # noqa: F821
                [
                    ("model_id.model", "=", model),
                    (f"perm_{mode}", "=", True),
                    "|",
                    ("group_id", "=", False),
                    ("group_id", "in", groups.ids if groups else []),
                ]
            )
            rights += letter if acl else "-"
        cells.append(rights)
    print(f"| {model} | " + " | ".join(cells) + " |")
