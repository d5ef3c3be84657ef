"""Upgrade from the previous release (a git tag) to the current code: every record kept.

The tag (HANLING_PREVIOUS_TAG, default v18.0.1.1.0) is installed with its demo data on a new
database, filled with money (an invoiced work order, a prepaid errand) and files, then the
current code upgrades it (-u). Every stored value of every Hanling record, every invoice and
payment amount and state, and every attachment's content are compared before and after. Then
hanling_fees, which the tag does not have (issue 16), is installed on the upgraded database
and bills a month of fees.
"""

import os
import subprocess
import tempfile

import pytest

from .conftest import ADDONS, PREFIX, ROOT, odoo, run, shell
from .flows import FEES, PRELUDE

PREVIOUS = os.environ.get("HANLING_PREVIOUS_TAG", "v18.0.1.1.0")
# Columns a migration drops on purpose (18.0.1.4.0: the review lines keep no log columns and
# take their company from the review); the upgrade must have removed them from the table.
DROPPED = {
    "hanling.work.order.review.line": (
        "create_uid",
        "create_date",
        "write_uid",
        "write_date",
        "company_id",
    ),
}
# The addons of the previous release (hanling_fees came later).
OLD_ADDONS = ",".join(name for name in ADDONS.split(",") if name != "hanling_fees")

FILL = (
    PRELUDE
    + r"""
order = done_order(service(35.0))
order.with_user(user("tech")).action_accept()
errand = confirmed_errand()
journal = env["account.journal"].search(
    [("company_id", "=", errand.company_id.id), ("type", "=", "cash")], limit=1
)
errand.with_user(user("staff"))._action_register_prepayment(300.0, journal)
env.cr.commit()
result({"order": order.name, "invoice": order.invoice_id.amount_total, "errand": errand.state})
"""
)

SNAPSHOT = r"""
import json

def plain(value):
    if isinstance(value, (list, tuple)):
        return sorted(value)
    return value

out = {"records": {}, "moves": {}, "payments": {}, "attachments": {}, "messages": {}}
for name in sorted(env.registry):
    if not name.startswith("hanling."):
        continue
    Model = env[name].with_context(active_test=False)
    if Model._abstract or Model._transient or not Model._auto:
        continue
    # Before: the values people entered (not computed); after: every stored field, since a
    # field may have become computed (and must have kept its values).
    fnames = [
        f.name
        for f in Model._fields.values()
        if f.store and (ALL_STORED or not f.compute) and f.type not in ("binary", "one2many")
        and f.name not in ("write_date", "write_uid")
    ]
    rows = Model.search([]).read(fnames, load=None)
    out["records"][name] = {str(r["id"]): {k: plain(v) for k, v in r.items()} for r in rows}
    counts = env["mail.message"]._read_group([("model", "=", name)], ["res_id"], ["__count"])
    out["messages"][name] = {str(res_id): count for res_id, count in counts}
for move in env["account.move"].search([]):
    out["moves"][str(move.id)] = [move.name, move.state, move.move_type, move.amount_total,
                                  move.amount_residual, move.partner_id.id]
for payment in env["account.payment"].search([]):
    out["payments"][str(payment.id)] = [payment.name, payment.state, payment.amount,
                                        payment.payment_type, payment.partner_id.id]
attachments = env["ir.attachment"].search(
    [("res_model", "=like", "hanling.%"), "|", ("res_field", "=", False), ("res_field", "!=", False)]
)
for attachment in attachments:
    out["attachments"][str(attachment.id)] = [attachment.res_model, attachment.res_id,
                                              attachment.res_field, attachment.checksum]
out["columns"] = {}
for name in DROPPED_MODELS:
    env.cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
        [env[name]._table],
    )
    out["columns"][name] = sorted(row[0] for row in env.cr.fetchall())
out["versions"] = {
    m.name: m.latest_version
    for m in env["ir.module.module"].search([("name", "like", "hanling_")])
}
print("RESULT " + json.dumps(out, default=str), flush=True)
"""


BILL_DEMO = (
    PRELUDE
    + FEES
    + r"""
community = env.ref("hanling_property.community_hanling_demo")
run = fee_run(community, fields.Date.context_today(env["hanling.fee.run"]).replace(day=1), 500)
perform_jobs(run)
run.invalidate_recordset()
moves = run.bill_line_ids.invoice_line_id.move_id
result({
    "state": run.state,
    "billed": run.billed_count,
    "invoices": len(moves),
    "posted": bool(moves) and set(moves.mapped("state")) == {"posted"},
    "failed": run.failure_ids.mapped("reason"),
})
"""
)


@pytest.fixture
def old_addons():
    with tempfile.TemporaryDirectory(prefix="hanling_previous_") as folder:
        archive = subprocess.run(
            ["git", "archive", PREVIOUS, "addons"], cwd=ROOT, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        yield os.path.join(folder, "addons")


def test_upgrade_from_previous_release_keeps_everything(old_addons):
    db = f"{PREFIX}_upgrade"
    run(["dropdb", "--if-exists", db])
    try:
        assert not os.path.exists(os.path.join(old_addons, "hanling_fees")), PREVIOUS
        odoo(db, "-i", OLD_ADDONS, addons_path=old_addons)
        filled = shell(db, FILL, addons_path=old_addons)
        assert filled["invoice"] == 35.0 and filled["errand"] == "prepaid", filled
        models = f"DROPPED_MODELS = {sorted(DROPPED)!r}\n"
        before = shell(db, models + "ALL_STORED = False\n" + SNAPSHOT, addons_path=old_addons)
        assert before["attachments"], "the previous version's data has files"
        assert before["payments"] and before["moves"]
        odoo(db, "-u", OLD_ADDONS)
        odoo(db, "-i", "hanling_fees")
        after = shell(db, models + "ALL_STORED = True\n" + SNAPSHOT)
        fees = shell(db, BILL_DEMO)
    finally:
        if not os.environ.get("HANLING_FAULTS_KEEP"):
            run(["dropdb", "--if-exists", db], check=False)

    for addon, version in after["versions"].items():
        assert version > before["versions"].get(addon, ""), (addon, version)
    for model, records in before["records"].items():
        assert model in after["records"], f"{model} disappeared"
        for rec_id, values in records.items():
            new = after["records"][model].get(rec_id)
            assert new is not None, f"{model} {rec_id} lost"
            for field, value in values.items():
                if field in DROPPED.get(model, ()):
                    assert field not in new, (model, field)
                    continue
                assert field in new, f"{model}.{field} dropped without a migration"
                assert new[field] == value, (model, rec_id, field, value, new[field])
    for model, columns in DROPPED.items():
        assert set(columns) <= set(before["columns"][model]), (model, before["columns"][model])
        assert not set(columns) & set(after["columns"][model]), (model, after["columns"][model])
    for key in ("moves", "payments", "attachments"):
        for rec_id, values in before[key].items():
            assert after[key].get(rec_id) == values, (key, rec_id, values, after[key].get(rec_id))
    # hanling_fees installed on the upgraded database: its demo fees bill the old residents.
    assert "hanling_fees" in after["versions"], after["versions"]
    assert fees["state"] == "done" and fees["failed"] == [], fees
    assert fees["invoices"] > 0 and fees["billed"] > 0 and fees["posted"], fees
    for model, counts in before["messages"].items():
        for res_id, count in counts.items():
            assert after["messages"][model].get(res_id, 0) >= count, (model, res_id)
