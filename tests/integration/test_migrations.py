"""Migration scripts: versions follow 18.0.x.y.z, each script does nothing on a fresh install and
repairs what the new schema forbids. The upgrade from the released tag runs in tests/faults."""

import importlib.util
import os
import re

from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.hanling_property.tests.work_order_common import WorkOrderCase

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
