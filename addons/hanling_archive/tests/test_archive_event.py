from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.hanling_property.tools.workflow import WorkflowGuardError

from .common import ArchiveCase


@tagged("post_install", "-at_install")
class TestArchiveEvent(ArchiveCase):
    def _event(self):
        return (
            self.env["hanling.archive.event"]
            .with_user(self.users["t_staff"])
            .create(
                {
                    "name": "楼上漏水赔偿纠纷",
                    "kind": "complaint",
                    "dossier_id": self.dossier.id,
                    "partner_id": self.owner.id,
                }
            )
        )

    def _add_evidence(self, event):
        self.env["hanling.archive.document"].with_user(self.keeper).create(
            {
                "name": "现场照片",
                "dossier_id": self.dossier.id,
                "set_id": self.env.ref("hanling_archive.document_set_event").id,
                "type_id": self.env.ref("hanling_archive.document_type_event_evidence").id,
                "event_id": event.id,
            }
        )

    def test_filed_only_after_manager_review(self):
        event = self._event()
        staff, manager = self.users["t_staff"], self.users["t_manager"]
        with self.assertRaisesRegex(UserError, "Attach the evidence before submitting"):
            event.action_submit()  # no evidence yet
        self._add_evidence(event)
        with self.assertRaisesRegex(
            UserError, "filed only after the office manager has reviewed it"
        ):
            event.with_user(self.keeper).action_file()  # not reviewed
        event.with_user(staff).action_submit()
        self.assertEqual(event.state, "submitted")
        self.assertTrue(event.date_submitted)
        self.assertEqual(len(event.activity_ids), 1)
        self.assertTrue(event.activity_ids.user_id.has_group("hanling_property.group_manager"))
        with self.assertRaisesRegex(
            AccessError, "Only the office manager reviews important events"
        ):
            event.with_user(self.keeper).action_review()
        with self.assertRaisesRegex(
            UserError, "filed only after the office manager has reviewed it"
        ):
            event.with_user(self.keeper).action_file()
        event.with_user(manager).action_review()
        self.assertEqual(event.state, "reviewed")
        self.assertEqual(event.reviewer_id, manager)
        self.assertFalse(event.activity_ids)
        with self.assertRaisesRegex(AccessError, "Only the archive keeper files important events"):
            event.with_user(staff).action_file()  # customer-service staff are not the keeper
        event.with_user(self.keeper).action_file()
        self.assertEqual(event.state, "filed")
        self.assertEqual(event.filed_by_id, self.keeper)
        self.assertTrue(event.date_filed)
        with self.assertRaisesRegex(UserError, "Only draft events can be submitted"):
            event.action_submit()
        with self.assertRaisesRegex(UserError, "Only draft important events can be deleted"):
            event.with_user(self.keeper).unlink()  # may delete drafts only

    def test_review_asked_of_the_community_manager(self):
        self.community.manager_id = self.users["t_manager"]
        event = self._event()
        self._add_evidence(event)
        event.action_submit()
        self.assertEqual(event.activity_ids.user_id, self.users["t_manager"])

    def test_manager_returns_event(self):
        event = self._event()
        self._add_evidence(event)
        event.action_submit()
        with self.assertRaisesRegex(
            AccessError, "Only the office manager reviews important events"
        ):
            event.with_user(self.keeper).action_return()
        event.with_user(self.users["t_manager"]).action_return()
        self.assertEqual(event.state, "draft")
        self.assertFalse(event.activity_ids)

    def test_state_not_writable_directly(self):
        event = self._event()
        with self.assertRaisesRegex(WorkflowGuardError, "State of Important Event Record"):
            event.write({"state": "filed"})
        with self.assertRaisesRegex(WorkflowGuardError, "Reviewed By of Important Event Record"):
            event.write({"reviewer_id": self.users["t_manager"].id})
        self.assertEqual(event.state, "draft")

    def test_evidence_from_the_form(self):
        with Form(self.env["hanling.archive.event"].with_user(self.keeper)) as form:
            form.name = "重大房屋质量问题"
            form.kind = "building_quality"
            form.dossier_id = self.dossier
            with form.document_ids.new() as line:
                line.name = "检测报告"
        event = form.record
        self.assertEqual(event.document_ids.dossier_id, self.dossier)
        self.assertEqual(
            event.document_ids.set_id, self.env.ref("hanling_archive.document_set_event")
        )
        event.action_submit()
        self.assertEqual(event.state, "submitted")
