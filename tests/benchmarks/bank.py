"""The bank's return file of hanling_fees beside Odoo's own payment wizard (issue 17 item 2).

The same open invoices for both: ``lines`` payers, each with a collection mandate in force and
one posted fee invoice (物业管理费, 1 line). Hanling exports nothing here: the batch and its lines
are set up directly (the benchmark measures the return); the return file (GBK CSV, the common
layout) collects every line but one in ``REJECT_EVERY``, which the bank rejects. Hanling imports
it through ``hanling.fee.bank.batch._import_return`` (payments posted and reconciled through
``hanling.money.service._collect_bank_payments``); Odoo's ``account.payment.register`` wizard
registers the same collected invoices in batches of ``wizard_batch`` (one payment per invoice,
reconciled), in a savepoint rolled back afterwards so both pay the same invoices. Queries are
counted by the cursor (``sql_log_count``), time by the wall clock. Run by
``run.py --steps bank``; ``test_bench_small.py`` runs it at a small size.
"""

import time
from datetime import date

PERIOD = date(2026, 11, 1)
REJECT_EVERY = 50
CARD_PREFIX = "62220202"


def card_number(position):
    from stdnum import luhn

    base = f"{CARD_PREFIX}{position:010d}"
    return base + luhn.calc_check_digit(base)


def _collection_setup(env, code):
    """The bank, its collection journal and the common layout."""
    bank = env["res.bank"].create({"name": f"基准银行 {code}"})
    journal = env["account.journal"].create(
        {"name": f"托收 {code}", "type": "bank", "code": code[:5], "company_id": env.company.id}
    )
    return bank, journal, env.ref("hanling_fees.bank_layout_common")


def _mandates_in_force(env, payers, bank, layout, start):
    """A mandate in force for each (partner id, unit id, account holder) of ``payers``, the
    i-th with the card number of ``start + i``."""
    from odoo.addons.hanling_property.tools.workflow import workflow_grant

    made = (
        env["hanling.fee.bank.mandate"]
        .with_context(tracking_disable=True)
        .create(
            [
                {
                    "partner_id": partner_id,
                    "unit_id": unit_id,
                    "bank_id": bank.id,
                    "layout_id": layout.id,
                    "account_holder": holder,
                    "account_number": card_number(start + i),
                    "date_start": date(2020, 1, 1),
                }
                for i, (partner_id, unit_id, holder) in enumerate(payers)
            ]
        )
    )
    with workflow_grant("hanling.fee.bank.mandate"):  # set-up: mandates in force
        made.write({"state": "active"})
    return env["hanling.fee.bank.mandate"].browse(made.ids)


def generate(env, lines, code="BANKB", log=print, batch=1000):
    """``lines`` payers with a unit, a mandate in force and one posted open fee invoice."""
    t0 = time.perf_counter()
    company = env.company
    money = env["hanling.money.service"]
    community = env["hanling.community"].create({"name": f"托收基准小区 {code}", "code": code})
    buildings = env["hanling.building"].create(
        [
            {"name": f"{b + 1}栋", "code": f"{code}{b + 1:03d}", "community_id": community.id}
            for b in range(-(-lines // 200))
        ]
    )
    fee_type = env["hanling.fee.type"].create(
        {"name": "物业管理费", "community_id": community.id, "kind": "unit"}
    )
    bank, journal, layout = _collection_setup(env, code)
    units, partners, mandates, invoices = (
        env["hanling.unit"],
        env["res.partner"],
        env["hanling.fee.bank.mandate"],
        env["account.move"],
    )
    for start in range(0, lines, batch):
        count = min(batch, lines - start)
        chunk = env["hanling.unit"].create(
            [
                {
                    "building_id": buildings[(start + i) // 200].id,
                    "floor": 1 + (start + i) % 200 // 8,
                    "room": f"{1 + (start + i) % 200 // 8}{(start + i) % 8 + 1:02d}",
                    "floor_area": 80.0,
                }
                for i in range(count)
            ]
        )
        payers = env["res.partner"].create(
            [{"name": f"业主{code}{start + i:06d}"} for i in range(count)]
        )
        made = _mandates_in_force(
            env,
            [(payer.id, unit.id, payer.name) for unit, payer in zip(chunk, payers, strict=True)],
            bank,
            layout,
            start,
        )
        moves = money._create_invoices(
            [
                money._invoice_values(
                    company,
                    payer,
                    [
                        {
                            "product_id": fee_type.product_id.id,
                            "name": f"物业管理费 {unit.display_name} 2026-11",
                            "quantity": 1,
                            "price_unit": 100.0 + (start + i) % 200,
                        }
                    ],
                    community=community,
                    invoice_date=PERIOD,
                )
                for i, (unit, payer) in enumerate(zip(chunk, payers, strict=True))
            ],
            company=company,
        )
        env.flush_all()
        env.invalidate_all()
        units |= chunk
        partners |= payers
        mandates |= made
        invoices |= moves
        log(f"  bank: {start + count} payers generated")
    return {
        "community": community,
        "units": units,
        "partners": partners,
        "mandates": mandates,
        "invoices": invoices,
        "bank": bank,
        "journal": journal,
        "layout": layout,
        "seconds": time.perf_counter() - t0,
    }


def from_billed(env, lines, code="BANKB", log=print, batch=2000):
    """The payers of ``lines`` posted open invoices of the last billing run of a billed
    database (the ``workers`` step's, kept): a mandate in force for each, the bank and its
    journal. Nothing is invoiced here, so a file of 100,000 lines is set up in minutes
    (``generate`` makes units, payers and invoices through the ORM, ~90 ms a payer). Returns
    what ``generate`` returns."""
    t0 = time.perf_counter()
    env.cr.execute(
        """
        SELECT DISTINCT ON (move.id) move.id, move.partner_id, bill.unit_id
          FROM account_move move
          JOIN hanling_fee_bill_line bill ON bill.move_id = move.id
         WHERE bill.run_id = (SELECT max(id) FROM hanling_fee_run)
           AND move.move_type = 'out_invoice' AND move.state = 'posted'
           AND move.payment_state = 'not_paid' AND move.company_id = %s
         ORDER BY move.id
         LIMIT %s
        """,
        [env.company.id, lines],
    )
    rows = env.cr.fetchall()
    if len(rows) < lines:
        raise SystemExit(f"the last billing run left {len(rows)} open invoices, not {lines}")
    bank, journal, layout = _collection_setup(env, code)
    mandate_ids = []
    for start in range(0, lines, batch):
        made = _mandates_in_force(
            env,
            [
                (partner_id, unit_id, f"业主{start + i:06d}")
                for i, (_move, partner_id, unit_id) in enumerate(rows[start : start + batch])
            ],
            bank,
            layout,
            start,
        )
        mandate_ids += made.ids
        env.flush_all()
        env.invalidate_all()
        log(f"  bank: {start + len(made)} mandates of billed payers")
    return {
        "mandates": env["hanling.fee.bank.mandate"].browse(mandate_ids),
        "invoices": env["account.move"].browse([move for move, _p, _u in rows]),
        "bank": bank,
        "journal": journal,
        "layout": layout,
        "seconds": time.perf_counter() - t0,
    }


def make_batch(env, data, batch_size=5000):
    """The batch of ``PERIOD`` as the export leaves it (set up directly, not measured)."""
    from odoo.addons.hanling_property.tools.workflow import workflow_grant

    batch = env["hanling.fee.bank.batch"].create(
        {
            "bank_id": data["bank"].id,
            "layout_id": data["layout"].id,
            "journal_id": data["journal"].id,
            "period_start": PERIOD,
        }
    )
    Line = env["hanling.fee.bank.batch.line"]
    pairs = list(zip(data["mandates"], data["invoices"], strict=True))
    with workflow_grant("hanling.fee.bank.batch"), workflow_grant("hanling.fee.bank.batch.line"):
        for start in range(0, len(pairs), batch_size):
            Line.create(
                [
                    {
                        "batch_id": batch.id,
                        "sequence": position,
                        "reference": f"{batch.name}-{position:06d}",
                        "mandate_id": mandate.id,
                        "partner_id": mandate.partner_id.id,
                        "amount": invoice.amount_residual,
                        "invoice_ids": [(6, 0, invoice.ids)],
                    }
                    for position, (mandate, invoice) in enumerate(
                        pairs[start : start + batch_size], start=start + 1
                    )
                ]
            )
            env.flush_all()
            env.invalidate_all()
        batch.write({"state": "exported"})
    return batch


def return_file(env, batch, unknown=1):
    """The bank's answer: every line collected but one in ``REJECT_EVERY`` (balance too low),
    plus ``unknown`` lines of no batch line, written in the batch's layout (the common one: GBK
    CSV) by the layout's own writer."""
    env.cr.execute(
        """
        SELECT line.reference, mandate.account_number, line.amount
          FROM hanling_fee_bank_batch_line line
          JOIN hanling_fee_bank_mandate mandate ON mandate.id = line.mandate_id
         WHERE line.batch_id = %s
         ORDER BY line.sequence
        """,
        [batch.id],
    )
    rows, rejected = [], []
    for position, (reference, account, amount) in enumerate(env.cr.fetchall(), start=1):
        row = {"reference": reference, "account_number": account, "amount": f"{amount:.2f}"}
        if position % REJECT_EVERY == 0:
            rows.append(dict(row, status="失败", reason="余额不足"))
            rejected.append(reference)
        else:
            rows.append(dict(row, status="成功", reason=""))
    for i in range(unknown):
        rows.append(
            {
                "reference": f"{batch.name}-X{i:05d}",
                "account_number": card_number(999999 - i),
                "amount": "10.00",
                "status": "成功",
                "reason": "",
            }
        )
    return batch.layout_id._write_file(rows, usage="return"), rejected


def import_request(env, batch, content, commit=True):
    """The accountant's import request, committed (``commit``): (the import, seconds,
    queries)."""
    cr = env.cr
    accountant = env.ref("base.user_admin")
    q0, t0 = cr.sql_log_count, time.perf_counter()
    record = batch.with_user(accountant)._import_return(content, "回盘.csv", PERIOD)
    env.flush_all()
    if commit:
        cr.commit()
    return record, time.perf_counter() - t0, cr.sql_log_count - q0


def import_hanling(env, batch, content, commit=True):
    """The accountant's import of the return file, measured to its last payment: the import
    request, then the queue jobs that post the payments of a file of more than
    ``COLLECT_CHUNK`` collected lines, performed here one after the other (``commit``: each in
    its own transaction, as the job runner does). Figures: the whole, ``request`` (the
    import's own seconds) and ``jobs`` (how many were performed)."""
    cr = env.cr
    q0, t0 = cr.sql_log_count, time.perf_counter()
    record, request, _queries = import_request(env, batch, content, commit=commit)
    jobs = env["hanling.fee.bank.batch"].browse(batch.id)._perform_pending_jobs(commit=commit)
    seconds, queries = time.perf_counter() - t0, cr.sql_log_count - q0
    env.invalidate_all()
    figures = _figures(record.line_count, seconds, queries)
    return record, dict(figures, request_s=round(request, 2), jobs=len(jobs))


def register_wizard(env, data, invoices, wizard_batch=1000):
    """Odoo's own ``account.payment.register`` on the same invoices, ``wizard_batch`` at a
    time (one payment per invoice), in a savepoint rolled back at the end; returns the figures
    and whether every invoice was paid."""
    cr = env.cr
    env.flush_all()
    savepoint = cr.savepoint()
    try:
        q0, t0 = cr.sql_log_count, time.perf_counter()
        for start in range(0, len(invoices), wizard_batch):
            chunk = invoices[start : start + wizard_batch]
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=chunk.ids
            ).create(
                {
                    "journal_id": data["journal"].id,
                    "payment_date": PERIOD,
                    "group_payment": False,
                }
            )._create_payments()
            env.flush_all()
            env.invalidate_all()
        seconds, queries = time.perf_counter() - t0, cr.sql_log_count - q0
        states = set(invoices.mapped("payment_state"))
    finally:
        savepoint.close(rollback=True)
        env.invalidate_all()
    return _figures(len(invoices), seconds, queries), states


def _figures(lines, seconds, queries):
    return {
        "lines": lines,
        "seconds": round(seconds, 2),
        "lines_per_s": round(lines / seconds, 1) if seconds else None,
        "queries_per_line": round(queries / lines, 2) if lines else None,
    }
