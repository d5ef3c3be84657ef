"""Uninstalling hanling_archive, hanling_errands or hanling_fees leaves the other addons working."""

import pytest

from .conftest import shell
from .flows import PRELUDE

UNINSTALL = r"""
import json
module = env["ir.module.module"].search([("name", "=", "%(addon)s")])
module.button_immediate_uninstall()
env.cr.commit()
print("RESULT " + json.dumps({"state": module.state}), flush=True)
"""

CHECK = (
    PRELUDE
    + r"""
gone = "%(addon)s"
manager = user("manager")
problems = []
# The views and menus of what remains load for the office manager.
views = env["ir.ui.view"].search([("model", "=like", "hanling.%%")])
for model in sorted(set(views.mapped("model"))):
    if model not in env:
        problems.append(f"view left for a removed model {model}")
        continue
    kinds = sorted(set(views.filtered(lambda v: v.model == model and v.type in ("form", "list", "search")).mapped("type")))
    try:
        env[model].with_user(manager).get_views([(False, kind) for kind in kinds])
    except Exception as error:  # noqa: BLE001
        problems.append(f"{model}: {error!r}")
for model in ("res.partner", "hanling.community", "hanling.unit"):
    try:
        env[model].with_user(manager).get_views([(False, "form"), (False, "list")])
    except Exception as error:  # noqa: BLE001
        problems.append(f"{model}: {error!r}")
menus = env["ir.ui.menu"].with_user(manager).load_menus(False)
# A work order from the call to the invoice still runs.
order = done_order(service(25.0))
order.with_user(user("tech")).action_accept()
complaint = env["hanling.complaint"].with_user(user("staff")).create(
    {"unit_id": unit.id, "content": "after uninstall", "category": "repair"}
)
other = {}
if "hanling.errand" in env:
    other["errand"] = confirmed_errand().state
if "hanling.archive.dossier" in env:
    other["dossiers"] = env["hanling.archive.dossier"].with_user(user("staff")).search_count([])
result({
    "problems": problems,
    "menus": len(menus),
    "invoice": order.invoice_id.amount_total,
    "complaint": complaint.state,
    "removed_models": [m for m in env.registry if m.startswith("hanling.") and m.startswith(gone)],
    "other": other,
})
"""
)


@pytest.mark.parametrize(
    "addon, prefix, remaining",
    [
        ("hanling_errands", "hanling.errand", "dossiers"),
        ("hanling_archive", "hanling.archive", "errand"),
        ("hanling_fees", "hanling.fee", "errand"),
    ],
)
def test_uninstall_leaves_the_others_working(fault_db, addon, prefix, remaining):
    assert shell(fault_db, UNINSTALL % {"addon": addon}) == {"state": "uninstalled"}
    res = shell(fault_db, CHECK.replace("%(addon)s", prefix).replace("%%", "%"))
    assert res["problems"] == [], res["problems"]
    assert res["removed_models"] == [], res
    assert res["menus"] > 10
    assert res["invoice"] == 25.0
    assert res["complaint"]
    assert remaining in res["other"], res
    if remaining == "errand":
        assert res["other"]["errand"] == "confirmed"
