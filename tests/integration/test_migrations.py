"""Migration scripts: versions follow 18.0.x.y.z, each script does nothing on a fresh install and
repairs what the new schema forbids. The upgrade from the released tag runs in tests/faults."""

import importlib.util
import os
import re
from datetime import datetime

from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.hanling_property.tests.work_order_common import WorkOrderCase
from odoo.addons.hanling_property.tools.migration import rename_selection_value

ADDONS = os.path.join(os.path.dirname(__file__), "..", "..", "addons")
VERSION = re.compile(r"^18\.0\.\d+\.\d+\.\d+$")


def load_script(addon, version, name):
    path = os.path.join(ADDONS, addon, "migrations", version, name)
    spec = importlib.util.spec_from_file_location(f"{addon}_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigrations(WorkOrderCase):
    def test_versions_and_scripts(self):
        for addon in ("hanling_property", "hanling_archive", "hanling_errands"):
            module = self.env["ir.module.module"].search([("name", "=", addon)])
            with self.subTest(addon=addon):
                self.assertRegex(module.latest_version, VERSION)
                folder = os.path.join(ADDONS, addon, "migrations")
                for version in os.listdir(folder) if os.path.isdir(folder) else []:
                    self.assertRegex(version, VERSION)
                    self.assertLessEqual(
                        tuple(map(int, version.split("."))),
                        tuple(map(int, module.latest_version.split("."))),
                    )

    def test_duplicate_numbers_renamed_before_the_constraint(self):
        first, second, third = (self._order() for _i in range(3))
        cr = self.env.cr
        # What an older version could leave behind: the constraint did not exist.
        cr.execute(
            "ALTER TABLE hanling_work_order DROP CONSTRAINT hanling_work_order_name_company_uniq"
        )
        self.env.flush_all()
        cr.execute(
            SQL(
                "UPDATE hanling_work_order SET name = %s WHERE id IN %s",
                first.name,
                (second.id, third.id),
            )
        )
        script = load_script("hanling_property", "18.0.1.1.0", "pre-migrate.py")
        script.migrate(cr, None)  # a fresh install: nothing to do
        cr.execute(SQL("SELECT count(*) FROM hanling_work_order WHERE name = %s", first.name))
        self.assertEqual(cr.fetchone()[0], 3)
        script.migrate(cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(
            (first | second | third).mapped("name"),
            [first.name, f"{first.name}/2", f"{first.name}/3"],
        )
        # Now the constraint can be added again.
        cr.execute(
            "ALTER TABLE hanling_work_order ADD CONSTRAINT hanling_work_order_name_company_uniq "
            "UNIQUE (company_id, name)"
        )

    def _stored_state(self, record):
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT state FROM %s WHERE id = %s", SQL.identifier(record._table), record.id)
        )
        return self.env.cr.fetchone()[0]

    def test_cancelled_becomes_cancel(self):
        """18.0.1.2.0: records, user defaults and saved filters lose the ``cancelled`` state."""
        script = load_script("hanling_property", "18.0.1.2.0", "pre-migrate.py")
        self.assertEqual(
            set(script.MODELS),
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
            self.env["hanling.move.in"].create({"unit_id": self.unit2.id, "partner_id": buyer.id}),
            self.env["hanling.ownership.transfer"].create(
                {"unit_id": self.unit2.id, "partner_id": buyer.id}
            ),
        ]
        kept = self.env["hanling.counter.sale"].create({"community_id": self.community.id})
        kept_state = self._stored_state(kept)
        domain = "[('state', 'in', ['{0}', \"{0}\"]), ('date_cancelled', '!=', False)]"
        filters = {}
        for record in records:
            # As 18.0.1.1.0 stored a cancelled document (in SQL: the key may be gone already).
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET state = 'cancelled' WHERE id = %s",
                    SQL.identifier(record._table),
                    record.id,
                )
            )
            filters[record._name] = self.env["ir.filters"].create(
                {"name": "已取消", "model_id": record._name, "domain": domain.format("cancelled")}
            )
        field = self.env["ir.model.fields"]._get("hanling.room.booking", "state")
        default = self.env["ir.default"].create({"field_id": field.id, "json_value": '"cancelled"'})
        self.env.invalidate_all()

        script.migrate(self.env.cr, None)  # a fresh install: nothing to do
        self.assertEqual(self._stored_state(records[0]), "cancelled")
        script.migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()

        for record in records:
            with self.subTest(model=record._name):
                self.assertEqual(self._stored_state(record), "cancel")
                self.assertEqual(filters[record._name].domain, domain.format("cancel"))
        self.assertEqual(self._stored_state(kept), kept_state, "other states are left alone")
        self.assertEqual(default.json_value, '"cancel"')
        # A model whose table does not exist yet (an upgrade from 18.0.1.0.0) is skipped.
        self.assertEqual(
            rename_selection_value(self.env.cr, "hanling.no.such", "state", "a", "b"), 0
        )
