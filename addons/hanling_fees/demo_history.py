"""hanling_fees' part of the demo office's history (hanling_property/tools/demo_history.py).

Each month of the story the accountant starts the month's billing run of the community; its
queued jobs are performed as the job runner would; most payers then pay at the counter within a
few weeks against a numbered receipt, a few pay a year in advance, and the rest stay owed: the
arrears of the accountant's reports.
"""

from datetime import timedelta

from odoo import Command

from odoo.addons.hanling_property.tools import demo_history


@demo_history.register("hanling_fees", sequence=60)
def _fees_history(h):
    if not h.env["hanling.fee.type"].search_count([("community_id", "=", h.community.id)]):
        return  # a community without fees (the tests' own) has no bills to tell
    for month in h.month_starts():
        h.story(h.local(month, 9), _billing_story(h, month), f"billing run {month:%Y-%m}")


def _billing_story(h, month):
    rng = h.rng
    accountant = h.env.ref("base.user_admin")
    run = (
        h.env["hanling.fee.run"]
        .with_user(accountant)
        .create({"period_start": month.date(), "community_ids": [Command.set(h.community.ids)]})
    )
    run.action_start()
    run._perform_pending_jobs()
    # sudo: the units the run billed, whose payers then come to the counter
    units = run.sudo().bill_line_ids.unit_id
    payers = []
    for unit in units.sorted("id"):
        fate = rng.random()
        if fate < 0.12:
            continue  # owed: the arrears
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
