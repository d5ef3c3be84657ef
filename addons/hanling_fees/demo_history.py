"""hanling_fees' part of the demo office's history (hanling_property/tools/demo_history.py).

Each month of the story the accountant starts the month's billing run of the community; its
queued jobs are performed as the job runner would. Most payers have signed the 委托银行代收费合同
(篇1 一 1 3: residents pay their fees through the bank's 一卡通): the accountant sends the month's
collection file to the bank and imports its answer, a few lines refused for a low balance
(余额不足) stay owed. The others pay at the counter within a few weeks against a numbered
receipt, a few a year in advance, and the rest stay owed: the arrears of the accountant's
reports.
"""

import base64
from datetime import timedelta

from stdnum import luhn

from odoo import Command

from odoo.addons.hanling_property.tools import demo_history


@demo_history.register("hanling_fees", sequence=60)
def _fees_history(h):
    if not h.env["hanling.fee.type"].search_count([("community_id", "=", h.community.id)]):
        return  # a community without fees (the tests' own) has no bills to tell
    for position, month in enumerate(h.month_starts()):
        h.story(
            h.local(month, 9), _billing_story(h, month, position == 0), f"billing run {month:%Y-%m}"
        )


def _billing_story(h, month, first=False):
    rng = h.rng
    accountant = h.env.ref("base.user_admin")
    run = (
        h.env["hanling.fee.run"]
        .with_user(accountant)
        .create({"period_start": month.date(), "community_ids": [Command.set(h.community.ids)]})
    )
    run.action_start()
    run._perform_pending_jobs()
    # sudo: the units the run billed, whose payers then pay by the bank or at the counter
    bills = run.sudo().bill_line_ids
    mandated = _sign_mandates(h, bills, month, first)
    h.story(h.local(month + timedelta(days=2), 10), _bank_story(h, month), f"bank {month:%Y-%m}")
    units = bills.unit_id
    payers = []
    for unit in units.sorted("id"):
        fate = rng.random()
        if unit in mandated or fate < 0.12:
            continue  # collected by the bank, or owed: the arrears
        delay = timedelta(days=rng.randint(1, 25), hours=rng.randint(0, 8))
        payers.append((h.local(month + delay, rng.randint(9, 17)), unit, fate > 0.97))
    for when, unit, advance in sorted(payers, key=lambda p: (p[0], p[1].id)):
        yield when
        desk = h.as_(h.env["hanling.fee.counter.payment"], "group_duty_officer")
        wizard = desk.create({"unit_id": unit.id})
        if not wizard.bill_line_ids:
            continue
        if advance:
            wizard.amount_prepaid = round(wizard.amount_bills * 6, 2)
        wizard.action_pay()


MANDATE_SHARE = 0.6  # of the billed units whose payer signs the 委托银行代收费合同
REFUSED_EVERY = 12  # the bank refuses about one line in twelve (余额不足)


def _sign_mandates(h, bills, month, first):
    """The units whose payer collects by the bank: the first month, customer service records
    the signed mandates of most payers and the accountant puts them in force. Returns the units
    with a mandate in force."""
    Mandate = h.env["hanling.fee.bank.mandate"]

    def in_force():
        # sudo: which mandates are in force, to tell the story (not a step of it)
        return (
            Mandate.sudo()
            .search([("company_id", "=", h.company.id), ("state", "=", "active")])
            .unit_id
        )

    bank = h.env.ref("hanling_fees.bank_icbc_demo", raise_if_not_found=False)
    layout = h.env.ref("hanling_fees.bank_layout_common", raise_if_not_found=False)
    if not first or not bills or not bank or not layout:
        return in_force()
    mandated = in_force()
    pairs = sorted(
        {(bill.unit_id, bill.partner_id) for bill in bills if bill.unit_id not in mandated},
        key=lambda p: p[0].id,
    )
    signed = [pair for pair in pairs if h.rng.random() < MANDATE_SHARE]
    copy = base64.b64encode("委托银行代收费合同（已签字）".encode())
    values = []
    for position, (unit, partner) in enumerate(signed, start=1):
        base = f"622202{unit.id:06d}{position:06d}"
        values.append(
            {
                "partner_id": partner.id,
                "unit_id": unit.id,
                "bank_id": bank.id,
                "layout_id": layout.id,
                "account_holder": partner.name,
                "account_number": base + luhn.calc_check_digit(base),
                "date_start": month.date(),
                "signed_copy": copy,
                "signed_copy_name": "委托银行代收费合同.pdf",
            }
        )
    if values:
        mandates = h.as_(Mandate, "group_cs_staff").create(values)
        mandates.with_user(h.env.ref("base.user_admin")).action_activate()
    return in_force()


def _bank_story(h, month):
    """The accountant sends the month's collection file; the bank answers five days later."""
    accountant = h.env.ref("base.user_admin")
    bank = h.env.ref("hanling_fees.bank_icbc_demo", raise_if_not_found=False)
    layout = h.env.ref("hanling_fees.bank_layout_common", raise_if_not_found=False)
    if not bank or not layout:
        return
    batch = (
        h.env["hanling.fee.bank.batch"]
        .with_user(accountant)
        .create({"bank_id": bank.id, "layout_id": layout.id, "period_start": month.date()})
    )
    if not batch._due_by_mandate():
        batch.action_cancel()
        return
    batch.action_export()
    yield h.env.cr.now() + timedelta(days=5, hours=h.rng.randint(0, 5))
    # The bank's answer, in the layout's return columns: each line collected, a few refused.
    rows = []
    for line in batch.line_ids.sorted("sequence"):
        refused = h.rng.randrange(REFUSED_EVERY) == 0
        rows.append(
            {
                "reference": line.reference,
                "account_number": line.mandate_id.account_number,
                "amount": f"{line.amount:.2f}",
                "status": "失败" if refused else "成功",
                "reason": "余额不足" if refused else "",
            }
        )
    content = layout._write_file(rows, usage="return")
    wizard = (
        h.env["hanling.fee.bank.return.import"]
        .with_user(accountant)
        .create(
            {
                "batch_id": batch.id,
                "file": base64.b64encode(content),
                "filename": f"{batch.name}-回盘.{layout.file_format}",
                "date": h.env.cr.now().date(),
            }
        )
    )
    wizard.action_import()


def _settle_before_transfer(h, transfer):
    """过户: the seller pays the unit's fees owed at the counter first (issue 17, item 3)."""
    owed = transfer._unit_arrears()
    if not owed:
        return
    desk = h.as_(h.env["hanling.fee.counter.payment"], "group_duty_officer")
    for partner in owed.partner_id:
        wizard = desk.create({"unit_id": transfer.unit_id.id, "partner_id": partner.id})
        if wizard.bill_line_ids:
            wizard.action_pay()


demo_history.BEFORE_TRANSFER["hanling_fees"] = _settle_before_transfer
