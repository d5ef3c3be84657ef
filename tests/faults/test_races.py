"""Two users on the same record at the same moment, with real concurrent transactions."""

from .conftest import shell
from .flows import PRELUDE


def assert_one_wins(outcomes):
    assert len(outcomes) == 2, outcomes
    assert outcomes[0] == "ok", outcomes
    assert outcomes[1].startswith("refused: "), outcomes
    assert "crash" not in " ".join(outcomes)


def test_two_users_accept_the_same_work_order(fault_db):
    res = shell(
        fault_db,
        PRELUDE
        + r"""
order = done_order(service(20.0))
outcomes = race(
    lambda e: e["hanling.work.order"].browse(order.id).action_accept(),
    [user("tech").id, user("engsup").id],
    slow=("hanling.work.order", "_create_invoices"),
)
result({
    "outcomes": outcomes,
    "state": order.state,
    "invoices": env["account.move"].search_count([("invoice_origin", "=", order.name)]),
    "callbacks": len(order.sudo().callback_ids),
    "invoice_total": order.invoice_id.amount_total,
})
""",
    )
    assert_one_wins(res["outcomes"])
    assert res["state"] == "accepted"
    assert res["invoices"] == 1
    assert res["callbacks"] == 1
    assert res["invoice_total"] == 20.0


def test_two_supervisors_fix_the_fee_and_invoice(fault_db):
    res = shell(
        fault_db,
        PRELUDE
        + r"""
order = done_order(service(0.0))
order.with_user(user("tech")).action_accept()
order.with_user(user("engsup")).write({"labour_price": 80.0})
# 会同 (篇2 二 五) 3): the engineering supervisor proposes; two customer-service-side
# supervisors race to confirm it.
order.with_user(user("engsup")).action_set_fee()
env.cr.commit()
outcomes = race(
    lambda e: e["hanling.work.order"].browse(order.id).action_set_fee(),
    [user("cssup").id, user("manager").id],
    slow=("hanling.work.order", "_create_invoices"),
)
result({
    "outcomes": outcomes,
    "invoices": env["account.move"].search_count([("invoice_origin", "=", order.name)]),
    "total": order.invoice_id.amount_total,
    "names": env["account.move"].search([("invoice_origin", "=", order.name)]).mapped("name"),
})
""",
    )
    assert_one_wins(res["outcomes"])
    assert res["invoices"] == 1
    assert res["total"] == 80.0


def test_two_clerks_register_the_same_prepayment(fault_db):
    res = shell(
        fault_db,
        PRELUDE
        + r"""
errand = confirmed_errand()
journal = env["account.journal"].search(
    [("company_id", "=", errand.company_id.id), ("type", "=", "cash")], limit=1
)
outcomes = race(
    lambda e: e["hanling.errand"].browse(errand.id)._action_register_prepayment(
        300.0, e["account.journal"].browse(journal.id)
    ),
    [user("staff").id, user("cssup").id],
    slow=("hanling.money.service", "_make_payments"),
)
payments = env["account.payment"].search([("hanling_errand_id", "=", errand.id)])
result({
    "outcomes": outcomes,
    "state": errand.state,
    "payments": len(payments),
    "amount": sum(payments.mapped("amount")),
    "receipts": payments.mapped("hanling_receipt_number"),
})
""",
    )
    assert_one_wins(res["outcomes"])
    assert res["state"] == "prepaid"
    assert res["payments"] == 1
    assert res["amount"] == 300.0
    assert len(set(res["receipts"])) == 1
