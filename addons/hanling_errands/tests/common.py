import base64

from odoo.tests import new_test_user

from odoo.addons.hanling_property.tests.common import HanlingCase

# A 1x1 PNG: what the signature widget stores.
SIGNATURE = base64.b64encode(
    base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    )
)


class ErrandCase(HanlingCase):
    """Errand set-up: a resident living in the unit, a cake shop, the office's cash journal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["hanling.occupancy"].create({"unit_id": cls.unit.id, "partner_id": cls.owner.id})
        cls.supplier = cls.env["res.partner"].create({"name": "翰岭蛋糕坊"})
        cls.cash_journal = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "cash")], limit=1
        )
        cls.staff = cls.users["t_staff"]
        cls.duty = cls.users["t_duty"]
        cls.supervisor = cls.users["t_cssup"]
        cls.manager = cls.users["t_manager"]
        cls.accountant = new_test_user(
            cls.env,
            login="t_accountant",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.receivable = cls.owner.property_account_receivable_id

    def _errand(self, user=None, **vals):
        return (
            self.env["hanling.errand"]
            .with_user(user or self.staff)
            .create(
                {
                    "unit_id": self.unit.id,
                    "description": "8寸水果蛋糕,写“生日快乐”",
                    "kind": "cake",
                    "estimated_amount": 300.0,
                    **vals,
                }
            )
        )

    def _sign_commission(self, errand):
        errand.write({"commission_signature": SIGNATURE, "commission_signed_by": "王伟"})

    def _confirmed(self, **vals):
        errand = self._errand(**vals)
        self._sign_commission(errand)
        errand.action_confirm()
        return errand

    def _prepaid(self, amount=300.0, **vals):
        errand = self._confirmed(**vals)
        errand._action_register_prepayment(amount, self.cash_journal)
        return errand

    def _ordered(self, amount=300.0, **vals):
        errand = self._prepaid(amount, **vals) if amount else self._confirmed(**vals)
        errand.write({"supplier_id": self.supplier.id, "supervisor_id": self.supervisor.id})
        errand.action_order()
        return errand

    def _delivered(self, amount=300.0, **vals):
        errand = self._ordered(amount, **vals)
        errand.write({"received_by_name": "王伟", "recipient_signature": SIGNATURE})
        errand.action_deliver()
        return errand

    def _attach_voucher(self, errand, amount):
        attachment = self.env["ir.attachment"].create(
            {
                "name": "购货凭证.jpg",
                "datas": SIGNATURE,
                "res_model": errand._name,
                "res_id": errand.id,
            }
        )
        errand.write({"voucher_attachment_ids": [(6, 0, attachment.ids)], "voucher_amount": amount})
        return attachment

    def _settled(self, prepaid=300.0, cost=268.0, **vals):
        errand = self._delivered(prepaid, **vals)
        self._attach_voucher(errand, cost)
        errand.action_settle()
        return errand

    def _sign_off(self, errand):
        errand.write(
            {
                "resident_opinion": "很满意,蛋糕准时送到。",
                "resident_signature": SIGNATURE,
                "resident_signed_by": "王伟",
            }
        )
