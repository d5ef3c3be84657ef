from datetime import timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.hanling_property.tools.workflow import (
    EditLockError,
    WorkflowGuardError,
    workflow_grant,
)

from .common import ArchiveCase


@tagged("post_install", "-at_install")
class TestArchiveInspection(ArchiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Inspection = cls.env["hanling.archive.inspection"]
        cls.supervisor = cls.users["t_cssup"]
        cls.today = fields.Date.today()

    def _occupy(self, unit, start):
        return self.env["hanling.occupancy"].create(
            {"unit_id": unit.id, "partner_id": self.owner.id, "role": "owner", "date_start": start}
        )

    def _due(self):
        return self.community._archive_inspection_due(self.today).get(self.community.id)

    def _done(self, kind, date_done):
        inspection = self.Inspection.create(
            {"community_id": self.community.id, "kind": kind, "date_due": date_done}
        )
        inspection.action_start()
        inspection.line_ids.write({"result": "ok"})
        inspection.action_done()
        # Set-up: an inspection completed on an earlier day.
        with workflow_grant("hanling.archive.inspection"):
            inspection.date_done = date_done
        return inspection

    def _many_dossiers(self, count):
        building = self.env["hanling.building"].create(
            {"name": "2栋", "code": "T2", "community_id": self.community.id}
        )
        units = self.env["hanling.unit"].create(
            [
                {"building_id": building.id, "floor": 1 + i // 4, "room": f"{i:03d}"}
                for i in range(count)
            ]
        )
        return self.Dossier._for_units(units)

    # -- due dates ------------------------------------------------------------------------

    def test_nothing_due_before_anyone_moves_in(self):
        self.assertIsNone(self._due())

    def test_full_inspection_one_year_after_first_move_in(self):
        start = self.today - timedelta(days=30)
        self._occupy(self.unit, start)  # 1 of 2 units: 50%
        self.assertEqual(self._due(), ("full", start + relativedelta(years=1)))
        self.assertEqual(
            self.community.with_user(self.users["t_staff"]).archive_next_inspection_date,
            start + relativedelta(years=1),
        )

    def test_full_inspection_at_80_percent(self):
        start = self.today - timedelta(days=30)
        self._occupy(self.unit, start)
        self._occupy(self.unit2, start)  # 100%
        self.assertEqual(self._due(), ("full", self.today))

    def test_overdue_full_inspection_keeps_its_date(self):
        start = self.today - timedelta(days=500)
        self._occupy(self.unit, start)
        self.assertEqual(self._due(), ("full", start + relativedelta(years=1)))

    def test_spot_checks_every_six_months_after_last(self):
        self._occupy(self.unit, self.today - timedelta(days=400))
        full_day = self.today - timedelta(days=40)
        self._done("full", full_day)
        self.assertEqual(self._due(), ("spot", full_day + relativedelta(months=6)))
        spot_day = self.today - timedelta(days=5)
        self._done("spot", spot_day)
        self.assertEqual(self._due(), ("spot", spot_day + relativedelta(months=6)))

    def test_cron_plans_due_inspection_once(self):
        self._occupy(self.unit, self.today - timedelta(days=400))
        self.community.manager_id = self.users["t_manager"]
        planned = self.env["hanling.community"]._cron_plan_archive_inspections()
        mine = planned.filtered(lambda i: i.community_id == self.community)
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine.kind, "full")
        self.assertEqual(mine.state, "planned")
        self.assertEqual(mine.activity_ids.user_id, self.users["t_manager"])
        again = self.env["hanling.community"]._cron_plan_archive_inspections()
        self.assertFalse(again.filtered(lambda i: i.community_id == self.community))

    def test_cron_plans_nothing_not_yet_due(self):
        self._occupy(self.unit, self.today - timedelta(days=30))
        planned = self.env["hanling.community"]._cron_plan_archive_inspections()
        self.assertFalse(planned.filtered(lambda i: i.community_id == self.community))

    # -- sample ---------------------------------------------------------------------------

    def test_sample_size(self):
        size = self.Inspection._sample_size
        self.assertEqual(size(1, 5), 1)
        self.assertEqual(size(10, 5), 1)
        self.assertEqual(size(20, 5), 1)
        self.assertEqual(size(21, 5), 2)
        self.assertEqual(size(40, 5), 2)
        self.assertEqual(size(100, 5), 5)
        self.assertEqual(size(101, 5), 6)
        self.assertEqual(size(100, 12.5), 13)
        self.assertEqual(size(3, 100), 3)
        with self.assertRaises(ValidationError):
            self.Inspection.create(
                {"community_id": self.community.id, "date_due": self.today, "sample_percent": 4.9}
            )

    def test_spot_check_draws_at_least_five_percent(self):
        self._many_dossiers(40)  # with the setup's dossier: 41 dossiers
        inspection = self.Inspection.with_user(self.supervisor).create(
            {"community_id": self.community.id, "kind": "spot", "date_due": self.today}
        )
        inspection.action_start()
        self.assertEqual(inspection.population_count, 41)
        self.assertEqual(len(inspection.line_ids), 3)  # ceil(41 * 5%) = 3
        self.assertEqual(len(inspection.line_ids.dossier_id), 3)
        self.assertEqual(inspection.line_ids.dossier_id.community_id, self.community)

    def test_sample_is_random(self):
        dossiers = self._many_dossiers(39) | self.dossier  # 40 dossiers, 2 drawn each time
        self.assertIsInstance(self.Inspection._random(), type(self.Inspection._random()))
        draws = set()
        for __ in range(12):
            inspection = self.Inspection.create(
                {"community_id": self.community.id, "kind": "spot", "date_due": self.today}
            )
            inspection.action_start()
            draws.add(frozenset(inspection.line_ids.dossier_id.ids))
        # 12 identical draws out of 780 possible pairs would mean there is no randomness.
        self.assertGreater(len(draws), 1)
        self.assertTrue(all(len(draw) == 2 and draw <= set(dossiers.ids) for draw in draws))

    def test_sample_uses_the_random_source(self):
        dossiers = self._many_dossiers(19) | self.dossier
        inspection = self.Inspection.create(
            {"community_id": self.community.id, "kind": "spot", "date_due": self.today}
        )

        class LastOnes:
            @staticmethod
            def sample(population, size):
                return sorted(population)[-size:]

        with patch.object(type(self.Inspection), "_random", lambda self: LastOnes()):
            inspection.action_start()
        self.assertEqual(inspection.line_ids.dossier_id, dossiers.sorted("id")[-1:])

    def test_full_inspection_checks_every_dossier(self):
        dossiers = self._many_dossiers(7) | self.dossier
        inspection = self.Inspection.create(
            {"community_id": self.community.id, "kind": "full", "date_due": self.today}
        )
        inspection.action_start()
        self.assertEqual(inspection.line_ids.dossier_id, dossiers)

    def test_sample_cannot_be_edited(self):
        self._many_dossiers(5)
        inspection = self.Inspection.with_user(self.supervisor).create(
            {"community_id": self.community.id, "kind": "spot", "date_due": self.today}
        )
        inspection.action_start()
        line = inspection.line_ids
        self.assertEqual(len(line), 1)
        with self.assertRaisesRegex(WorkflowGuardError, "Dossier of Archive Inspection Line"):
            line.write(
                {
                    "dossier_id": self.dossier.id
                    if line.dossier_id != self.dossier
                    else self.Dossier._for_units(self.unit2).id
                }
            )
        with self.assertRaises(AccessError):
            self.env["hanling.archive.inspection.line"].with_user(self.supervisor).create(
                {"inspection_id": inspection.id, "dossier_id": self.dossier.id}
            )
        with self.assertRaises(AccessError):
            line.unlink()
        with self.assertRaisesRegex(EditLockError, r"In Progress: Sample \(%\) can no longer"):
            inspection.write({"sample_percent": 50})
        with self.assertRaisesRegex(UserError, "Only planned inspections can be started"):
            inspection.action_start()

    def test_findings_create_follow_up_tasks(self):
        empty = self.Dossier._for_units(self.unit2)
        inspection = self.Inspection.with_user(self.supervisor).create(
            {
                "community_id": self.community.id,
                "kind": "full",
                "date_due": self.today,
                "followup_user_id": self.keeper.id,
            }
        )
        inspection.action_start()
        bad = inspection.line_ids.filtered(lambda line: line.dossier_id == empty)
        good = inspection.line_ids - bad
        self.assertEqual(len(bad.missing_type_ids), 10, "prefilled from the electronic dossier")
        self.assertFalse(good.missing_type_ids)
        with self.assertRaisesRegex(UserError, "Record the result of every checked dossier first"):
            inspection.action_done()  # results missing
        good.write({"result": "ok"})
        bad.write({"result": "missing", "note": "入伙资料未收齐"})
        self.assertEqual(inspection.finding_count, 1)
        inspection.action_done()
        self.assertEqual(inspection.state, "done")
        self.assertEqual(inspection.date_done, self.today)
        self.assertEqual(empty.activity_ids.user_id, self.keeper)
        self.assertIn("入伙资料未收齐", str(empty.activity_ids.note))
        self.assertFalse(self.dossier.activity_ids)
        with self.assertRaisesRegex(EditLockError, "is Done: Result can no longer be changed"):
            good.write({"result": "damaged"})
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(self.supervisor)
            ._render_qweb_html("hanling_archive.action_report_archive_inspection", inspection.ids)
        )
        self.assertIn(inspection.name, html.decode())

    def test_staff_cannot_run_inspections(self):
        with self.assertRaises(AccessError):
            self.Inspection.with_user(self.users["t_staff"]).create(
                {"community_id": self.community.id, "kind": "spot", "date_due": self.today}
            )

    def test_empty_community_cannot_start(self):
        community = self.env["hanling.community"].create({"name": "空小区", "code": "EMP"})
        inspection = self.Inspection.create(
            {"community_id": community.id, "kind": "spot", "date_due": self.today}
        )
        with self.assertRaisesRegex(UserError, "has no dossier to inspect"):
            inspection.action_start()
        self.assertEqual(inspection.state, "planned")
