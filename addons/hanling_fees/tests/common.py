import base64
import importlib.util
import os
from datetime import date

from odoo.tests import new_test_user

from odoo.addons.hanling_property.tests.decoration_common import DecorationCase

FILING = base64.b64encode("物业服务收费备案".encode())


def load_script(version, name):
    """The migration script ``name`` of hanling_fees ``version``, as a module."""
    path = os.path.join(os.path.dirname(__file__), "..", "migrations", version, name)
    spec = importlib.util.spec_from_file_location(f"hanling_fees_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FeeCase(DecorationCase):
    """翰岭院's fees on the test community: 物业管理费 2.50 per m² and month, 停车费 300."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="t_fee_accountant",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.owner2 = cls.env["res.partner"].create({"name": "李娜", "mobile": "13912345678"})
        cls.env["hanling.occupancy"].create(
            [
                {
                    "unit_id": cls.unit.id,
                    "partner_id": cls.owner.id,
                    "role": "owner",
                    "date_start": date(2025, 1, 1),
                },
                {
                    "unit_id": cls.unit2.id,
                    "partner_id": cls.owner2.id,
                    "role": "owner",
                    "date_start": date(2025, 1, 1),
                },
            ]
        )
        FeeType = cls.env["hanling.fee.type"].with_user(cls.accountant)
        cls.management = FeeType.create(
            {"name": "物业管理费", "community_id": cls.community.id, "kind": "area"}
        )
        cls.parking = FeeType.create(
            {
                "name": "停车费",
                "community_id": cls.community.id,
                "kind": "parking",
                "subscribe_on_move_in": False,
            }
        )
        cls.tariff = cls._tariff(cls.management, 2.5, date(2026, 1, 1))
        cls._tariff(cls.parking, 300.0, date(2026, 1, 1))

    @classmethod
    def _tariff(cls, fee_type, rate, day, user=None):
        attachment = cls.env["ir.attachment"].create(
            {"name": "备案.txt", "datas": FILING, "mimetype": "text/plain"}
        )
        return (
            cls.env["hanling.fee.tariff"]
            .with_user(user or cls.accountant)
            .create(
                {
                    "fee_type_id": fee_type.id,
                    "rate": rate,
                    "date_start": day,
                    "document_ids": [(6, 0, attachment.ids)],
                }
            )
        )

    def _subscribe(self, unit, partner, day, fee_type=None, **vals):
        return (
            self.env["hanling.fee.subscription"]
            .with_user(self.accountant)
            .create(
                {
                    "unit_id": unit.id,
                    "fee_type_id": (fee_type or self.management).id,
                    "partner_id": partner.id,
                    "date_start": day,
                    **vals,
                }
            )
        )

    def _run(self, period, chunk_size=500, communities=None):
        """A billing run of ``period`` started by the accountant, its jobs performed."""
        run = (
            self.env["hanling.fee.run"]
            .with_user(self.accountant)
            .create(
                {
                    "period_start": period,
                    "community_ids": [(6, 0, (communities or self.community).ids)],
                    "chunk_size": chunk_size,
                }
            )
        )
        run.action_start()
        self.jobs = self._perform_jobs()
        return run

    def _pending_jobs(self):
        self.env.flush_all()
        return self.env["queue.job"].search(
            [
                ("model_name", "=", "hanling.fee.run"),
                ("method_name", "=", "_job_bill_chunk"),
                ("state", "=", "pending"),
            ],
            order="id",
        )

    def _perform_jobs(self):
        """Run the queued billing jobs here, as the runner would (as the user who queued them)."""
        return self.env["hanling.fee.run"]._perform_pending_jobs()

    def _bills(self, run):
        return run.bill_line_ids.sorted(lambda b: (b.unit_id.id, b.period_start))
