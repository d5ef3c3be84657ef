"""18.0.1.2.0: a fee bill is due on its invoice date.

Earlier versions gave the billing run's bills and the late-fee invoices no due date: with no
payment term Odoo left it at the day the run made them, so a bill of a past period issued late
was due later than billed, and the aged balances and late fees counted from the wrong day. Set
the due date (and the receivable line's maturity) of those bills that have no payment term to
their invoice date; bills with a payment term keep the term's date.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        WITH fee_moves AS (
            SELECT move_id AS id FROM hanling_fee_bill_line WHERE move_id IS NOT NULL
             UNION
            SELECT late_invoice_id FROM hanling_fee_late_fee WHERE late_invoice_id IS NOT NULL
        ), fixed AS (
            UPDATE account_move m
               SET invoice_date_due = m.invoice_date
              FROM fee_moves f
             WHERE m.id = f.id
               AND m.invoice_payment_term_id IS NULL
               AND m.invoice_date IS NOT NULL
               AND m.invoice_date_due IS DISTINCT FROM m.invoice_date
            RETURNING m.id, m.invoice_date
        )
        UPDATE account_move_line l
           SET date_maturity = fixed.invoice_date
          FROM fixed
         WHERE l.move_id = fixed.id
           AND l.display_type = 'payment_term'
        """
    )
