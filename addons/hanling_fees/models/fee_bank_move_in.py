from odoo import fields, models


class HanlingMoveIn(models.Model):
    """一卡通 at the move-in (篇1 一 1 3): the owner's bank collection mandate."""

    _inherit = "hanling.move.in"

    bank_account_holder = fields.Char(string="Account Holder")
    bank_account_number = fields.Char(string="Account Number")
    bank_mandate_ids = fields.One2many(
        "hanling.fee.bank.mandate", "move_in_id", string="Collection Mandates"
    )

    def _fee_bank_mandates(self):
        """Called by the move-in's completion: each 一卡通 agreement becomes a mandate, in force
        when the signed agreement is among the collected documents (code ``bank_collection``)."""
        Mandate = self.env["hanling.fee.bank.mandate"]
        for move_in in self.filtered("bank_agreement"):
            if move_in.bank_mandate_ids:
                continue
            line = move_in.document_line_ids.filtered(
                lambda line: line.code == "bank_collection" and line.received
            )[:1]
            attachment = line._attachments_by_line()[line] if line else False
            day = fields.Date.context_today(move_in, move_in.date_done)
            Mandate._from_move_in(
                move_in,
                {
                    "company_id": move_in.company_id.id,
                    "partner_id": move_in.partner_id.id,
                    "unit_id": move_in.unit_id.id,
                    "bank_id": move_in.bank_id.id,
                    "account_holder": move_in.bank_account_holder or move_in.partner_id.name,
                    "account_number": move_in.bank_account_number,
                    "signed_copy": attachment.datas if attachment else False,
                    "signed_copy_name": attachment.name if attachment else False,
                    "date_start": day,
                },
            )
