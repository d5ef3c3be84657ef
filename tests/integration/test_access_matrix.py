"""Assert every cell of the access matrix written in docs/security.md."""

import os
import re

from odoo.tests import TransactionCase, new_test_user, tagged

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "security.md")
ROLES = {
    "internal user": "base.group_user",
    "portal resident": "base.group_portal",
    "accountant": "base.group_user,account.group_account_invoice",
    "duty officer": "base.group_user,hanling_property.group_duty_officer",
    "cs staff": "base.group_user,hanling_property.group_cs_staff",
    "technician": "base.group_user,hanling_property.group_technician",
    "eng supervisor": "base.group_user,hanling_property.group_eng_supervisor",
    "cs supervisor": "base.group_user,hanling_property.group_cs_supervisor",
    "office manager": "base.group_user,hanling_property.group_manager",
    "company rep": "base.group_user,hanling_property.group_company_rep",
}
MODES = ("read", "create", "write", "unlink")


def read_matrix():
    with open(DOC, encoding="utf-8") as doc:
        text = doc.read()
    table = text.split("<!-- access-matrix:start -->")[1].split("<!-- access-matrix:end -->")[0]
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in table.strip().splitlines()
    ]
    header, body = rows[0], [row for row in rows[2:] if row and row[0]]
    return header[1:], body


@tagged("post_install", "-at_install")
class TestAccessMatrix(TransactionCase):
    def test_matrix_is_what_the_server_enforces(self):
        roles, rows = read_matrix()
        self.assertEqual(set(roles), set(ROLES), "the matrix must have one column per role")
        users = {
            role: new_test_user(self.env, login=f"matrix_{i}", groups=ROLES[role])
            for i, role in enumerate(roles)
        }
        documented = {row[0] for row in rows}
        existing = {
            m.model
            for m in self.env["ir.model"].search(
                [("model", "=like", "hanling.%"), ("transient", "=", False)]
            )
            if not self.env[m.model]._abstract and not m.model.startswith("hanling.fake")
        }
        self.assertEqual(
            existing - documented, set(), "every Hanling model must be in docs/security.md"
        )
        cells = 0
        for model, *rights in rows:
            self.assertIn(model, self.env, f"{model} is documented but does not exist")
            for role, right in zip(roles, rights, strict=True):
                self.assertRegex(right, re.compile(r"^[r-][c-][w-][d-]$"))
                for mode, letter in zip(MODES, right, strict=True):
                    allowed = self.env[model].with_user(users[role]).has_access(mode)
                    with self.subTest(model=model, role=role, mode=mode):
                        self.assertEqual(
                            allowed, letter != "-", f"{role} {mode} {model}: doc says {right}"
                        )
                    cells += 1
        self.assertGreater(cells, 100)
