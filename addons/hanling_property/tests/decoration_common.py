import base64
from datetime import date, timedelta

from odoo import Command, fields

from .common import HanlingCase

PDF = base64.b64encode(b"%PDF-1.4 scanned document")


class DecorationCase(HanlingCase):
    """Deposit accounts, a cash journal and helpers for move-in, decoration and transfer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"]
        cls.deposit_account = Account.create(
            {"name": "装修押金 (test)", "code": "224199", "account_type": "liability_current"}
        )
        cls.income_account = Account.create(
            {"name": "装修违章扣款收入 (test)", "code": "605199", "account_type": "income_other"}
        )
        cls.misc_journal = cls.env["account.journal"].create(
            {"name": "Deposit Deductions (test)", "type": "general", "code": "TDED"}
        )
        cls.cash_journal = cls.env["account.journal"].create(
            {"name": "Front Desk Cash (test)", "type": "cash", "code": "TCSH"}
        )
        cls.company.write(
            {
                "hanling_deposit_account_id": cls.deposit_account.id,
                "hanling_deposit_income_account_id": cls.income_account.id,
                "hanling_deposit_journal_id": cls.misc_journal.id,
            }
        )
        cls.contractor = cls.env["res.partner"].create(
            {"name": "美家装饰工程有限公司", "is_company": True}
        )
        cls.today = fields.Date.context_today(cls.env["hanling.unit"])
        cls.accountant = cls.env["res.users"].create(
            {
                "name": "会计",
                "login": "t_accountant",
                "groups_id": [
                    fields.Command.set(
                        [
                            cls.env.ref("base.group_user").id,
                            cls.env.ref("account.group_account_invoice").id,
                        ]
                    )
                ],
            }
        )

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def receive(lines, codes=None):
        """Tick the given document lines (all required ones by default) with a scan."""
        todo = (
            lines.filtered(lambda line: line.code in codes) if codes else lines.filtered("required")
        )
        todo.write({"file": PDF, "file_name": "scan.pdf"})
        return todo

    def make_move_in(self, context=None, user="t_staff", **values):
        """A move-in of ``self.unit`` for ``self.owner``, created by ``user`` (a login)."""
        return (
            self.env["hanling.move.in"]
            .with_user(self.users[user])
            .with_context(**(context or {}))
            .create({"unit_id": self.unit.id, "partner_id": self.owner.id, **values})
        )

    def done_move_in(self, **values):
        """A move-in completed through its buttons (identity, two door keys, documents, the
        cleaning offered)."""
        values = {"identity_checked": True, "cleaning_answer": "declined", **values}
        move_in = self.make_move_in(**values)
        move_in.key_ids = [Command.create({"key_type": "unit_door", "quantity": 2})]
        self.receive(move_in.document_line_ids)
        move_in.action_start()
        move_in.action_done()
        return move_in

    def make_permit(self, user=None, deposit=2000.0, **vals):
        env = self.env(user=user) if user else self.env
        return env["hanling.decoration.permit"].create(
            {
                "unit_id": self.unit.id,
                "partner_id": self.owner.id,
                "contractor_id": self.contractor.id,
                "contractor_manager": "李工",
                "contractor_phone": "139 1234 5678",
                "scope": "厨房、卫生间改造,全屋刷漆",
                "date_planned_start": self.today,
                "date_planned_end": self.today + timedelta(days=60),
                "deposit_amount": deposit,
                **vals,
            }
        )

    def pay_deposit(self, permit, amount=None, user=None):
        wizard_env = self.env(user=user or self.users["t_staff"])
        wizard = wizard_env["hanling.decoration.deposit.register"].create(
            {"permit_id": permit.id, "journal_id": self.cash_journal.id}
        )
        if amount is not None:
            wizard.amount = amount
        wizard.action_confirm()
        return wizard

    def approved_permit(self, deposit=2000.0):
        """A permit with its documents and deposit, approved by the supervisor."""
        permit = self.make_permit(user=self.users["t_staff"], deposit=deposit)
        self.receive(permit.document_line_ids)
        permit.action_submit()
        if deposit:
            self.pay_deposit(permit)
        permit.with_user(self.users["t_cssup"]).action_approve()
        return permit.with_env(self.env)

    def completed_permit(self, deposit=2000.0):
        permit = self.approved_permit(deposit)
        permit.with_user(self.users["t_staff"]).action_start()
        permit.with_user(self.users["t_staff"]).action_request_completion()
        permit.with_user(self.users["t_engsup"]).action_complete()
        return permit

    def settle(self, permit, user=None, amount=None):
        env = self.env(user=user or self.users["t_cssup"])
        wizard = env["hanling.decoration.deposit.settle"].create(
            {"permit_id": permit.id, "journal_id": self.cash_journal.id}
        )
        if amount is not None:
            wizard.amount = amount
        wizard.action_confirm()
        return wizard

    @staticmethod
    def day(delta=0):
        return date.today() + timedelta(days=delta)
