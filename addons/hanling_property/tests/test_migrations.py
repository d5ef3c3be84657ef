import importlib.util
from datetime import datetime
from pathlib import Path

from odoo.tests import tagged

from ..tools.migration import rename_selection_value
from .common import HanlingCase

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def load_migration(version, stage="pre"):
    path = MIGRATIONS / version / f"{stage}-migrate.py"
    spec = importlib.util.spec_from_file_location(f"hanling_migration_{stage}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigrations(HanlingCase):
    def _stored(self, record):
        self.env.flush_all()
        self.env.cr.execute(
            f'SELECT state FROM "{record._table}" WHERE id = %s',
            [record.id],
        )
        return self.env.cr.fetchone()[0]

    def test_18_0_1_2_0_cancelled_becomes_cancel(self):
        """Records, user defaults and saved filters of 18.0.1.1.0 lose the ``cancelled`` state."""
        migration = load_migration("18.0.1.2.0")
        self.assertEqual(
            set(migration.MODELS),
            {
                "hanling.counter.sale",
                "hanling.room.booking",
                "hanling.move.in",
                "hanling.ownership.transfer",
            },
        )
        room = self.env["hanling.room"].create(
            {"name": "棋牌室", "community_id": self.community.id, "room_type": "chess"}
        )
        buyer = self.env["res.partner"].create({"name": "陈静", "mobile": "13698765432"})
        records = [
            self.env["hanling.counter.sale"].create({"community_id": self.community.id}),
            self.env["hanling.room.booking"].create(
                {
                    "room_id": room.id,
                    "purpose": "象棋比赛",
                    "date_start": datetime(2026, 5, 1, 1, 0),
                    "date_stop": datetime(2026, 5, 1, 3, 0),
                }
            ),
            self.env["hanling.move.in"].create(
                {"unit_id": self.unit.id, "partner_id": self.owner.id}
            ),
            self.env["hanling.ownership.transfer"].create(
                {"unit_id": self.unit2.id, "partner_id": buyer.id}
            ),
        ]
        kept = self.env["hanling.counter.sale"].create({"community_id": self.community.id})
        kept_state = self._stored(kept)
        filters = {}
        for record in records:
            # As 18.0.1.1.0 stored a cancelled document (SQL: today's selection has no such key).
            self.env.cr.execute(
                f'UPDATE "{record._table}" SET state = %s WHERE id = %s',
                ["cancelled", record.id],
            )
            filters[record._name] = self.env["ir.filters"].create(
                {
                    "name": "已取消",
                    "model_id": record._name,
                    "domain": "[('state', 'in', ['cancelled', \"cancelled\"]), "
                    "('date_cancelled', '!=', False)]",
                }
            )
        field = self.env["ir.model.fields"]._get("hanling.room.booking", "state")
        default = self.env["ir.default"].create({"field_id": field.id, "json_value": '"cancelled"'})
        self.env.invalidate_all()

        migration.migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()

        for record in records:
            self.assertEqual(self._stored(record), "cancel", record._name)
            self.assertEqual(
                filters[record._name].domain,
                "[('state', 'in', ['cancel', \"cancel\"]), ('date_cancelled', '!=', False)]",
            )
        self.assertEqual(self._stored(kept), kept_state, "other states are left alone")
        self.assertEqual(default.json_value, '"cancel"')

    def test_18_0_1_2_0_new_database_and_missing_tables(self):
        """On install (no version) nothing runs; a table that does not exist yet is skipped."""
        migration = load_migration("18.0.1.2.0")
        migration.migrate(self.env.cr, None)
        self.assertEqual(
            rename_selection_value(self.env.cr, "hanling.no.such.model", "state", "a", "b"), 0
        )
